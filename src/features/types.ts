import type { Answers } from "../options/schema.js";
import type { DevDependencyName, RuntimeDependencyName } from "../python-deps.js";

/** Template context keys added by features (see TemplateContext in src/render/context.ts). */
export interface FeatureContext {
  /** Exactly one is true: which store backend was chosen. */
  store: { sqlite: boolean; memory: boolean; postgres: boolean };
  /** Exactly one is true: how requests name their user. */
  auth: { none: boolean; header: boolean; jwt: boolean };
  /** Exactly one is true: who runs the model. */
  provider: { openai: boolean; openaiCompatible: boolean; litellm: boolean };
  /** `ModelSettings(...)` keyword arguments, values already Python source. */
  modelSettings: { key: string; literal: string }[];
  /** A `Reasoning(...)` setting is among them (the template imports it). */
  usesReasoning: boolean;
  /** Names app/agent.py imports from `agents` (render with the pyImport helper). */
  agentsImports: string[];
  tools: { any: boolean; example: boolean; webSearch: boolean; widget: boolean; client: boolean };
  titles: { any: boolean; firstMessage: boolean; model: boolean };
  /**
   * `any` when users can attach files; then exactly one of `local` / `database` is true,
   * and exactly one of `local` / `sqlite` / `postgres` names the module keeping the bytes.
   */
  attachments: { any: boolean; local: boolean; database: boolean; sqlite: boolean; postgres: boolean };
  /** `any` unless `--rate-limit none`; then exactly one of the others names where limits are counted. */
  rateLimit: { any: boolean; memory: boolean; postgres: boolean; redis: boolean };
  /** `--dictation on`, and the speech-to-text model it uses by default. */
  dictation: boolean;
  dictationModel: string;
  /** `--frontend react`, and web/public/ui-config.json's text for it ("" without). */
  frontend: { react: boolean; uiConfigJson: string };
}

/** What one feature contributes for a given set of answers. */
export interface FeatureSelection {
  /** Output paths (from `claims`) to render for these answers. */
  files: readonly string[];
  runtimeDependencies?: readonly RuntimeDependencyName[];
  devDependencies?: readonly DevDependencyName[];
  context?: Partial<FeatureContext>;
}

/**
 * A variable part of the generated project. A feature CLAIMS output paths (the path in the
 * generated project, i.e. after dropping `.hbs` and renaming dotfiles, so it does not matter
 * whether the template is a `.hbs` file). A claimed path is rendered only when `select`
 * lists it; paths no feature claims are always rendered.
 */
export interface Feature {
  id: string;
  claims: readonly string[];
  select(answers: Answers): FeatureSelection;
}
