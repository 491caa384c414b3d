// `--frontend react`: the generated web/ installs, typechecks and builds; the FastAPI app serves
// the build (CHATKIT_SERVE_WEB=1) and a headless Chromium opens it on loopback.
//
// ChatKit's script comes from OpenAI's CDN, which these machines cannot reach. So the browser
// sees two worlds: the CDN refused (the page must say so), and the CDN answered by a small
// stand-in web component (below) that records the options the page gives it and makes one
// ChatKit request through the page's own `api.fetch`, as the real script does. The server it
// reaches is the real generated app (only the model is scripted).
import { createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useGeneratedProject, SERVER_TIMEOUT, SETUP_TIMEOUT } from "./project-fixture.js";
import type { ProjectVariant } from "./generate-project.js";
import { describeFailure, run } from "./process.js";
import { REPO_ROOT } from "./python-env.js";
import { launchChromium, linkWebModules, type Browser, type BrowserPage, type BrowserRoute } from "./web-env.js";

const MINUTE = 60_000;
const OUTPUT_DIR = path.join(REPO_ROOT, ".cache", "e2e-output", "frontend");
const CDN_SCRIPT = "https://cdn.platform.openai.com/deployments/chatkit/chatkit.js";
const SERVER_UI_VIEW = path.join(REPO_ROOT, "test", "e2e", "fixtures", "server_ui_view.py");
const JWT_SECRET = "a-secret-for-the-frontend-e2e-test-only-0123456789";
const JWT_AUDIENCE = "chatkit-frontend-e2e";

// The options that change the page: auth none/header/jwt, attachments on/off, the example tools and dictation.
const VARIANTS: ProjectVariant[] = [
  { store: "sqlite", auth: "none", label: "web-tools", flags: ["--frontend", "react", "--tools", "client,widget", "--dictation", "on"] },
  { store: "sqlite", auth: "header", label: "web-noattach", flags: ["--frontend", "react", "--attachments", "none"] },
  { store: "sqlite", auth: "jwt", label: "web", flags: ["--frontend", "react"] },
];

/** Defines <openai-chatkit> in the page: records the options it is given and lists threads through them. */
const STAND_IN_SCRIPT = `
class ChatKitStandIn extends HTMLElement {
  calls = [];
  setOptions(options) {
    this.dataset.options = JSON.stringify({
      ...options,
      hasCustomFetch: typeof options.api.fetch === "function",
      hasClientToolHandler: typeof options.onClientTool === "function",
      hasWidgetActionHandler: typeof options.widgets?.onAction === "function",
    });
    this.textContent = "ChatKit stand-in: " + options.api.url;
    const send = options.api.fetch ?? fetch;
    const body = JSON.stringify({ type: "threads.list", params: { limit: 5, order: "desc" } });
    send(options.api.url, { method: "POST", headers: { "Content-Type": "application/json" }, body })
      .then(async (response) => {
        this.dataset.body = await response.text();
        this.dataset.status = String(response.status);
      })
      .catch((error) => (this.dataset.status = "failed: " + error));
  }
  record(call) {
    this.calls.push(call);
    this.dataset.calls = this.calls.join(",");
    return Promise.resolve();
  }
  showHistory() { return this.record("showHistory"); }
  setThreadId(id) { return this.record("setThreadId:" + id); }
}
customElements.define("openai-chatkit", ChatKitStandIn);
`;

function mintJwt(user: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const signed = `${encode({ alg: "HS256", typ: "JWT" })}.${encode({ sub: user, aud: JWT_AUDIENCE, iat: now, exp: now + 3600 })}`;
  return `${signed}.${createHmac("sha256", JWT_SECRET).update(signed).digest("base64url")}`;
}

interface UiConfig {
  auth: { mode: string; header?: string };
  attachments: { enabled: boolean; uploadStrategy?: { type: string }; maxSize?: number; maxCount?: number; accept?: Record<string, string[]> };
  feedback: boolean;
  retry: boolean;
  dictation: boolean;
  clientTools: string[];
  widgetActions: string[];
}

interface ServerView {
  auth: { mode: string; header?: string };
  attachments: { enabled: boolean; maxSize?: number; maxCount?: number; mediaTypes?: string[] };
  dictation: boolean;
  clientTools: string[];
  widgetActions: string[];
}

let browser: Browser | undefined;
beforeAll(async () => {
  await mkdir(OUTPUT_DIR, { recursive: true });
  browser = await launchChromium();
}, SETUP_TIMEOUT);
afterAll(async () => {
  await browser?.close();
});

describe.each(VARIANTS)("--frontend react, $store --auth $auth ($label)", (variant) => {
  const project = useGeneratedProject(variant, { envKey: `frontend-${variant.auth}-${variant.label}` });
  const webDir = () => path.join(project.projectDir, "web");
  const serverEnv = (): Record<string, string> => ({
    CHATKIT_DB_PATH: path.join(project.workDir, "chat.sqlite3"),
    CHATKIT_SERVE_WEB: "1",
    ...(variant.auth === "jwt" ? { CHATKIT_JWT_SECRET: JWT_SECRET, CHATKIT_JWT_AUDIENCE: JWT_AUDIENCE } : {}),
  });
  const npm = async (script: string) => {
    const result = await run("npm", ["run", script], { cwd: webDir(), timeoutMs: 5 * MINUTE });
    expect(result.code, describeFailure(result)).toBe(0);
    return result;
  };

  it(
    "installs (node_modules cached by package.json), typechecks and builds",
    async () => {
      await linkWebModules(webDir());
      await npm("typecheck");
      await npm("build");
      const dist = path.join(webDir(), "dist");
      expect(existsSync(path.join(dist, "index.html"))).toBe(true);
      const built = await readFile(path.join(dist, "ui-config.json"), "utf8");
      expect(built).toBe(await readFile(path.join(webDir(), "public", "ui-config.json"), "utf8"));
    },
    SETUP_TIMEOUT,
  );

  it(
    "is served by the app; its settings match the server's; its requests carry the user; a missing CDN is said",
    async () => {
      if (!browser) throw new Error("Chromium did not start (see beforeAll)");
      const server = await project.startServer(serverEnv());

      // The page's settings, as the app serves them, against what the server itself offers.
      const served = (await (await fetch(`${server.baseUrl}/ui-config.json`)).json()) as UiConfig;
      const viewRun = await project.run(project.env.python, [SERVER_UI_VIEW], serverEnv());
      expect(viewRun.code, describeFailure(viewRun)).toBe(0);
      const view = JSON.parse(viewRun.stdout) as ServerView;
      expect(served.auth).toEqual(view.auth);
      expect(served.auth.mode).toBe(variant.auth);
      expect(served.dictation).toBe(view.dictation);
      expect(served.clientTools).toEqual(view.clientTools);
      expect(served.widgetActions).toEqual(view.widgetActions);
      expect(served.attachments.enabled).toBe(view.attachments.enabled);
      if (view.attachments.enabled) {
        expect(served.attachments.maxSize).toBe(view.attachments.maxSize);
        expect(served.attachments.maxCount).toBe(view.attachments.maxCount);
        expect(Object.keys(served.attachments.accept ?? {})).toEqual(view.attachments.mediaTypes);
        expect(served.attachments.uploadStrategy).toEqual({ type: "two_phase" });
      }
      expect([served.feedback, served.retry]).toEqual([true, true]);

      // 1. OpenAI's CDN refused: the page says why instead of staying blank.
      const offline = await openPage(browser, async (route) => route.abort());
      await offline.page.goto(server.baseUrl);
      const message = offline.page.locator('[data-testid="chatkit-script-failed"]');
      await message.waitFor({ state: "visible", timeout: 30_000 });
      expect(await message.textContent()).toContain("could not be loaded from OpenAI's CDN");
      expect(await message.textContent()).toContain(CDN_SCRIPT);
      await offline.page.screenshot({ path: path.join(OUTPUT_DIR, `${project.name}-cdn-unreachable.png`) });
      expect(offline.scriptRequests).toEqual([CDN_SCRIPT]);
      await offline.page.close();

      // 2. The CDN answered by the stand-in: the page signs in (header/jwt), hands ChatKit its options.
      const online = await openPage(browser, async (route) =>
        route.fulfill({ status: 200, contentType: "text/javascript", body: STAND_IN_SCRIPT }),
      );
      await online.page.goto(server.baseUrl);
      const token = variant.auth === "jwt" ? mintJwt("alice") : "alice";
      if (variant.auth !== "none") {
        await online.page.locator('input[name="token"]').fill(token);
        await online.page.getByRole("button", { name: "Save" }).click();
      }
      const chatkit = online.page.locator("openai-chatkit[data-status]");
      await chatkit.waitFor({ state: "attached", timeout: 30_000 });
      expect(await chatkit.getAttribute("data-status"), (await chatkit.getAttribute("data-body")) ?? "").toBe("200");
      expect(JSON.parse((await chatkit.getAttribute("data-body")) ?? "{}")).toMatchObject({ data: [], has_more: false });

      const options = JSON.parse((await chatkit.getAttribute("data-options")) ?? "{}") as Record<string, unknown>;
      expect(options).toMatchObject({
        api: { url: "/chatkit", domainKey: "domain_pk_localhost_dev" },
        history: { enabled: true },
        threadItemActions: { feedback: true, retry: true },
        composer: { dictation: { enabled: served.dictation } },
        hasCustomFetch: variant.auth !== "none",
        hasClientToolHandler: true,
        hasWidgetActionHandler: true,
      });
      const composer = options.composer as { attachments: Record<string, unknown> };
      if (served.attachments.enabled) {
        expect(options.api).toMatchObject({ uploadStrategy: { type: "two_phase" } });
        expect(composer.attachments).toEqual({
          enabled: true,
          maxSize: served.attachments.maxSize,
          maxCount: served.attachments.maxCount,
          accept: served.attachments.accept,
        });
      } else {
        expect(composer.attachments).toEqual({ enabled: false });
      }

      // The thread list and new-thread buttons drive ChatKit.
      await online.page.getByRole("button", { name: "Threads" }).click();
      await online.page.getByRole("button", { name: "New thread" }).click();
      await online.page.locator('openai-chatkit[data-calls="showHistory,setThreadId:null"]').waitFor({ state: "attached", timeout: 10_000 });
      await online.page.screenshot({ path: path.join(OUTPUT_DIR, `${project.name}-chatkit-stand-in.png`) });

      // Every request the page made went to this server; the ChatKit one names the user.
      const requests = await online.recorded();
      const paths = requests.filter((request) => request.url.startsWith(server.baseUrl)).map((request) => new URL(request.url).pathname);
      expect(paths).toEqual(expect.arrayContaining(["/", "/ui-config.json", "/chatkit"]));
      expect(requests.filter((request) => !request.url.startsWith(server.baseUrl)).map((request) => request.url)).toEqual([CDN_SCRIPT]);
      const chatkitRequests = requests.filter((request) => request.url === `${server.baseUrl}/chatkit`);
      expect(chatkitRequests.length).toBeGreaterThan(0);
      for (const request of chatkitRequests) {
        expect(request.method).toBe("POST");
        if (variant.auth === "header") expect(request.headers["x-user-id"]).toBe("alice");
        if (variant.auth === "jwt") expect(request.headers.authorization).toBe(`Bearer ${token}`);
        if (variant.auth === "none") {
          expect(request.headers.authorization).toBeUndefined();
          expect(request.headers["x-user-id"]).toBeUndefined();
        }
      }
      expect(online.consoleErrors).toEqual([]);
      await online.page.close();
    },
    SERVER_TIMEOUT,
  );
});

interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
}

/** A fresh page whose requests are recorded and whose request for ChatKit's script `cdn` answers. */
async function openPage(browser: Browser, cdn: (route: BrowserRoute) => Promise<void>) {
  const page: BrowserPage = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  const pending: Promise<RecordedRequest>[] = [];
  const scriptRequests: string[] = [];
  const consoleErrors: string[] = [];
  page.on("request", (request) => {
    pending.push(request.allHeaders().then((headers) => ({ url: request.url(), method: request.method(), headers })));
  });
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  await page.route(CDN_SCRIPT, async (route) => {
    scriptRequests.push(CDN_SCRIPT);
    await cdn(route);
  });
  return { page, scriptRequests, consoleErrors, recorded: () => Promise.all(pending) };
}
