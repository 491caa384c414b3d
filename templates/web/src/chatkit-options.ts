/** useChatKit's options, from the page's settings (public/ui-config.json). */
import type { UseChatKitOptions } from "@openai/chatkit-react";
import { authFetch } from "./auth";
import { runClientTool } from "./client-tools";
import type { UiConfig } from "./config";

// The dev server and CHATKIT_SERVE_WEB=1 serve the page beside the API: a path is enough.
const API_URL = import.meta.env.VITE_CHATKIT_API_URL ?? "/chatkit";
// The value ChatKit accepts on localhost; set VITE_CHATKIT_DOMAIN_KEY to your registered key.
const DOMAIN_KEY = import.meta.env.VITE_CHATKIT_DOMAIN_KEY ?? "domain_pk_localhost_dev";

export function chatKitOptions(config: UiConfig): UseChatKitOptions {
  const { attachments } = config;
  return {
    api: {
      url: API_URL,
      domainKey: DOMAIN_KEY,
      fetch: authFetch(config.auth),
      uploadStrategy: attachments.enabled ? attachments.uploadStrategy : undefined,
    },
    history: { enabled: true, showDelete: true, showRename: true },
    threadItemActions: { feedback: config.feedback, retry: config.retry },
    composer: {
      attachments: attachments.enabled
        ? { enabled: true, maxSize: attachments.maxSize, maxCount: attachments.maxCount, accept: attachments.accept }
        : { enabled: false },
      dictation: { enabled: config.dictation },
    },
    onClientTool: (call) => runClientTool(config.clientTools, call),
    widgets: {
      // Buttons with `handler: "client"` land here; the server handles config.widgetActions.
      onAction: async (action) => {
        console.warn(`No client handler for the widget action ${action.type}.`);
      },
    },
    onError: ({ error }) => console.error("ChatKit:", error),
  };
}
