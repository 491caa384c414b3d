/**
 * The web UI (`--frontend react`): web/, a Vite + React + TypeScript page running
 * `@openai/chatkit-react` against this server. Every web/ file is static but two:
 * web/package.json (the project's name) and web/public/ui-config.json, the page's
 * settings, written here from the same answers the server is generated from.
 */
import type { Answers } from "../options/schema.js";
import type { Feature } from "./types.js";

export const WEB_FILES = [
  "web/.env.example",
  "web/.gitignore",
  "web/index.html",
  "web/package.json",
  "web/public/ui-config.json",
  "web/src/App.tsx",
  "web/src/auth.ts",
  "web/src/chatkit-options.ts",
  "web/src/chatkit-script.ts",
  "web/src/client-tools.ts",
  "web/src/config.ts",
  "web/src/main.tsx",
  "web/src/styles.css",
  "web/src/vite-env.d.ts",
  "web/tsconfig.json",
  "web/vite.config.ts",
];

/**
 * What the server accepts as attachments by default (app/settings.py: attachments_max_bytes,
 * attachments_per_message, attachments_media_types), with the file extensions the picker offers.
 * test/unit/frontend.test.ts checks these against the rendered settings.
 */
export const ATTACHMENT_LIMITS = {
  maxBytes: 20_000_000,
  perMessage: 10,
  mediaTypes: {
    "image/png": [".png"],
    "image/jpeg": [".jpg", ".jpeg"],
    "image/gif": [".gif"],
    "image/webp": [".webp"],
    "application/pdf": [".pdf"],
    "text/plain": [".txt"],
    "text/markdown": [".md"],
    "text/csv": [".csv"],
  },
} as const;

/** The client tool of app/client_tools.py and the server-handled actions of app/widgets/counter.py. */
const CLIENT_TOOLS = ["get_page_selection"];
const WIDGET_ACTIONS = ["counter.increment", "counter.reset"];

export interface UiConfig {
  auth: { mode: "none" } | { mode: "header"; header: string } | { mode: "jwt" };
  attachments:
    | { enabled: false }
    | {
        enabled: true;
        uploadStrategy: { type: "two_phase" };
        maxSize: number;
        maxCount: number;
        accept: Record<string, readonly string[]>;
      };
  feedback: boolean;
  retry: boolean;
  dictation: boolean;
  clientTools: string[];
  widgetActions: string[];
}

/** web/public/ui-config.json for these answers (web/src/config.ts declares the same shape). */
export function uiConfig(answers: Answers): UiConfig {
  const tools = answers.tools.split(",");
  return {
    auth: answers.auth === "header" ? { mode: "header", header: answers.userHeader } : { mode: answers.auth },
    attachments:
      answers.attachments === "none"
        ? { enabled: false }
        : {
            enabled: true,
            // The client asks attachments.create, then sends the bytes to the signed URL it answers.
            uploadStrategy: { type: "two_phase" },
            maxSize: ATTACHMENT_LIMITS.maxBytes,
            maxCount: ATTACHMENT_LIMITS.perMessage,
            accept: ATTACHMENT_LIMITS.mediaTypes,
          },
    // The server stores feedback (items.feedback) and answers retries in every project.
    feedback: true,
    retry: true,
    dictation: answers.dictation === "on",
    clientTools: tools.includes("client") ? CLIENT_TOOLS : [],
    widgetActions: tools.includes("widget") ? WIDGET_ACTIONS : [],
  };
}

/** CHATKIT_SERVE_WEB=1: the app serves web/dist at / (app/web.py). */
const SERVER_FILES = ["app/web.py", "tests/test_web.py"];

export const frontendFeature: Feature = {
  id: "frontend",
  claims: [...WEB_FILES, ...SERVER_FILES],
  select(answers) {
    const react = answers.frontend === "react";
    return {
      files: react ? [...WEB_FILES, ...SERVER_FILES] : [],
      context: { frontend: { react, uiConfigJson: react ? `${JSON.stringify(uiConfig(answers), null, 2)}\n` : "" } },
    };
  },
};
