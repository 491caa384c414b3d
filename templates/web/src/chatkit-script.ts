/**
 * ChatKit's web component comes from OpenAI's CDN, not from npm: @openai/chatkit-react only
 * wraps it. This loads that script and says when it cannot, so that the page shows why
 * instead of staying blank (offline, a blocked domain, a strict network).
 */
export const CHATKIT_SCRIPT_URL = "https://cdn.platform.openai.com/deployments/chatkit/chatkit.js";

const TIMEOUT_MS = 15_000;

export function loadChatKitScript(): Promise<void> {
  if (customElements.get("openai-chatkit")) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const fail = () => reject(new Error(`ChatKit's script could not be loaded from ${CHATKIT_SCRIPT_URL}.`));
    const timer = window.setTimeout(fail, TIMEOUT_MS);
    const script = document.createElement("script");
    script.src = CHATKIT_SCRIPT_URL;
    script.async = true;
    script.onerror = () => {
      window.clearTimeout(timer);
      fail();
    };
    customElements.whenDefined("openai-chatkit").then(() => {
      window.clearTimeout(timer);
      resolve();
    });
    document.head.append(script);
  });
}
