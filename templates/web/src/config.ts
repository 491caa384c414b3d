/**
 * The page's settings, from public/ui-config.json. The generator writes that file from the
 * answers the server was generated with, so the page offers what the server accepts.
 */
export type AuthConfig = { mode: "none" } | { mode: "header"; header: string } | { mode: "jwt" };

export type AttachmentsConfig =
  | { enabled: false }
  | {
      enabled: true;
      uploadStrategy: { type: "two_phase" } | { type: "direct"; uploadUrl: string };
      /** Bytes: the server's CHATKIT_ATTACHMENTS_MAX_BYTES. */
      maxSize: number;
      /** Files per message: CHATKIT_ATTACHMENTS_PER_MESSAGE. */
      maxCount: number;
      /** Media types (CHATKIT_ATTACHMENTS_MEDIA_TYPES) and the file extensions offered for each. */
      accept: Record<string, string[]>;
    };

export interface UiConfig {
  auth: AuthConfig;
  attachments: AttachmentsConfig;
  feedback: boolean;
  retry: boolean;
  dictation: boolean;
  /** Client tools the agent may call; src/client-tools.ts answers them. */
  clientTools: string[];
  /** Widget actions the server handles (app/actions.py); the page needs no handler for them. */
  widgetActions: string[];
}

export const UI_CONFIG_PATH = "/ui-config.json";

export async function loadUiConfig(): Promise<UiConfig> {
  const response = await fetch(UI_CONFIG_PATH);
  if (!response.ok) throw new Error(`${UI_CONFIG_PATH} answered ${response.status}.`);
  return (await response.json()) as UiConfig;
}
