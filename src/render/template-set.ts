/**
 * A set of templates ready to render, built from the files of templates/ and a way to turn
 * each Handlebars source into a render function: compiled now (compile-templates.ts) or
 * precompiled at build time (loaded by templates.ts). Both go through `buildTemplateSet`, so they
 * register the same helpers and partials and report errors the same way.
 */
import type Handlebars from "handlebars";
import { toBytes } from "../bytes.js";
import type { TemplateContext } from "./context.js";
import { templateHelpers } from "./helpers.js";
import { PARTIALS_DIR, isTemplatePath, partialNameFor } from "./paths.js";

export type TemplateEntry =
  | { kind: "handlebars"; render: (context: TemplateContext) => string }
  | { kind: "static"; bytes: Uint8Array };

export interface TemplateSet {
  /** By source path relative to templates/, with "/" separators; partials excluded. */
  entries: ReadonlyMap<string, TemplateEntry>;
}

/** Source files by path relative to templates/. */
export type TemplateFiles = Readonly<Record<string, string | Uint8Array>>;

export type TemplateFunction = (context: TemplateContext) => string;

/** A Handlebars environment: the full library's, or the runtime-only one's (same API, less code). */
export type HandlebarsEnvironment = typeof Handlebars;

// noEscape: we generate code, not HTML. strict: a misspelt context key is an error, not "".
export const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function templateText(path: string, content: string | Uint8Array): string {
  if (typeof content === "string") return content;
  try {
    return utf8.decode(content);
  } catch {
    throw new Error(`Template ${path} is not valid UTF-8.`);
  }
}

/** Registers the helpers on `env`, then sorts `files` into partials, templates and static files. */
export function buildTemplateSet(
  files: TemplateFiles,
  env: HandlebarsEnvironment,
  templateFor: (path: string, content: string | Uint8Array) => TemplateFunction,
): TemplateSet {
  env.registerHelper(templateHelpers);
  const entries = new Map<string, TemplateEntry>();
  for (const path of Object.keys(files).sort()) {
    const content = files[path] as string | Uint8Array;
    if (path.startsWith(PARTIALS_DIR)) {
      env.registerPartial(partialNameFor(path), templateFor(path, content));
    } else if (isTemplatePath(path)) {
      const template = templateFor(path, content);
      entries.set(path, {
        kind: "handlebars",
        render: (context) => {
          try {
            return template(context);
          } catch (error) {
            throw new Error(`Rendering template ${path} failed: ${(error as Error).message}`);
          }
        },
      });
    } else {
      entries.set(path, { kind: "static", bytes: toBytes(content) });
    }
  }
  return { entries };
}
