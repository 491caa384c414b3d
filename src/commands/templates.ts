import { TEMPLATES_ENV_VAR, defaultTemplatesDir, precompiledTemplatesUrl } from "../package-info.js";
import { bundledTemplates } from "../render/bundled-templates.js";
import { loadTemplates, type TemplateSet } from "../render/templates.js";

/** The packaged templates, or those named by CREATE_CHATKIT_SERVER_TEMPLATES. */
export function loadProjectTemplates(env: Readonly<Record<string, string | undefined>>): Promise<TemplateSet> {
  return loadTemplates(env[TEMPLATES_ENV_VAR] || defaultTemplatesDir(), bundledTemplates ?? precompiledTemplatesUrl());
}
