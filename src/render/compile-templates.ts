/**
 * Templates compiled from source with the full Handlebars library: used when templates/ has
 * changed since the build (or in tests, which run from src/), and by the build itself to
 * precompile them (scripts/precompile-templates.mjs).
 */
import Handlebars from "handlebars";
import type { TemplateContext } from "./context.js";
import { COMPILE_OPTIONS, buildTemplateSet, templateText, type TemplateFiles, type TemplateSet } from "./template-set.js";
import { isTemplatePath, PARTIALS_DIR } from "./paths.js";

function parse(env: typeof Handlebars, path: string, source: string): void {
  try {
    env.parse(source); // surface syntax errors now, with the path, instead of at first render
  } catch (error) {
    throw new Error(`Template ${path} has a syntax error: ${(error as Error).message}`);
  }
}

/** Builds a TemplateSet from in-memory files (path -> content), compiling every template. Pure. */
export function createTemplateSet(files: TemplateFiles): TemplateSet {
  const env = Handlebars.create();
  return buildTemplateSet(files, env, (path, content) => {
    const source = templateText(path, content);
    parse(env, path, source);
    return env.compile<TemplateContext>(source, COMPILE_OPTIONS);
  });
}

/** Every template and partial of `files` precompiled: path -> JavaScript source of its spec. */
export function precompileTemplates(files: TemplateFiles): Map<string, string> {
  const specs = new Map<string, string>();
  for (const path of Object.keys(files).sort()) {
    if (!isTemplatePath(path) && !path.startsWith(PARTIALS_DIR)) continue;
    const source = templateText(path, files[path] as string | Uint8Array);
    parse(Handlebars, path, source);
    specs.set(path, String(Handlebars.precompile(source, COMPILE_OPTIONS)));
  }
  return specs;
}
