import { ChatKit, useChatKit } from "@openai/chatkit-react";
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { getToken, saveToken } from "./auth";
import { chatKitOptions } from "./chatkit-options";
import { CHATKIT_SCRIPT_URL, loadChatKitScript } from "./chatkit-script";
import { loadUiConfig, UI_CONFIG_PATH, type AuthConfig, type UiConfig } from "./config";

type Status =
  | { kind: "loading" }
  | { kind: "ready"; config: UiConfig }
  | { kind: "no-config"; reason: string }
  | { kind: "no-script" };

export function App() {
  const [status, setStatus] = useState<Status>({ kind: "loading" });
  useEffect(() => {
    const script = loadChatKitScript().then(
      () => true,
      () => false,
    );
    loadUiConfig().then(
      async (config) => setStatus((await script) ? { kind: "ready", config } : { kind: "no-script" }),
      (error: unknown) => setStatus({ kind: "no-config", reason: String(error) }),
    );
  }, []);

  switch (status.kind) {
    case "loading":
      return <p className="notice">Loading the chat…</p>;
    case "no-config":
      return (
        <p className="notice error" role="alert">
          The page's settings ({UI_CONFIG_PATH}) could not be read: {status.reason}
        </p>
      );
    case "no-script":
      return (
        <div className="notice error" role="alert" data-testid="chatkit-script-failed">
          <h1>The chat could not start</h1>
          <p>
            ChatKit's script could not be loaded from OpenAI's CDN (<code>{CHATKIT_SCRIPT_URL}</code>). The
            chat UI runs from there: check that this browser can reach cdn.platform.openai.com (no offline
            network, proxy or blocker in the way), then reload the page.
          </p>
        </div>
      );
    case "ready":
      return <SignedIn config={status.config} />;
  }
}

/** With --auth header or jwt, asks for the development token first (see src/auth.ts). */
function SignedIn({ config }: { config: UiConfig }) {
  const [token, setToken] = useState(getToken);
  if (config.auth.mode !== "none" && !token) {
    return (
      <TokenForm
        auth={config.auth}
        onSave={(value) => {
          saveToken(value);
          setToken(value);
        }}
      />
    );
  }
  return <Chat config={config} />;
}

function TokenForm({ auth, onSave }: { auth: Exclude<AuthConfig, { mode: "none" }>; onSave: (token: string) => void }) {
  const label = auth.mode === "header" ? `User id (sent as ${auth.header})` : "Bearer token (a JWT the server accepts)";
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get("token") ?? "").trim();
    if (value) onSave(value);
  };
  return (
    <form className="notice" onSubmit={submit}>
      <p>Development sign-in: the value is kept in this browser's local storage.</p>
      <label>
        {label} <input name="token" autoComplete="off" required />
      </label>
      <button type="submit">Save</button>
    </form>
  );
}

function Chat({ config }: { config: UiConfig }) {
  const options = useMemo(() => chatKitOptions(config), [config]);
  const chatkit = useChatKit(options);
  return (
    <main className="chat">
      <nav className="toolbar">
        <button type="button" onClick={() => void chatkit.showHistory()}>
          Threads
        </button>
        <button type="button" onClick={() => void chatkit.setThreadId(null)}>
          New thread
        </button>
      </nav>
      <ChatKit control={chatkit.control} className="chatkit" />
    </main>
  );
}
