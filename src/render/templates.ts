/**
 * Template loading: the only place that reads templates/ from disk. Every `.hbs` file and
 * every partial is compiled once, into a private Handlebars environment with our helpers.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import Handlebars from "handlebars";
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

// noEscape: we generate code, not HTML. strict: a misspelt context key is an error, not "".
const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;

/** Tool caches and editor droppings that may sit in a working copy of templates/. */
const IGNORED_NAMES = new Set(["__pycache__", ".ruff_cache", ".pytest_cache", ".mypy_cache", ".venv", ".DS_Store"]);
const isIgnored = (name: string) => IGNORED_NAMES.has(name) || name.endsWith(".pyc");

const utf8 = new TextDecoder("utf-8", { fatal: true });
const asText = (path: string, content: string | Uint8Array): string => {
  if (typeof content === "string") return content;
  try {
    return utf8.decode(content);
  } catch {
    throw new Error(`Template ${path} is not valid UTF-8.`);
  }
};

/** Builds a TemplateSet from in-memory files (path -> content). Pure; used by loadTemplates and tests. */
export function createTemplateSet(files: Readonly<Record<string, string | Uint8Array>>): TemplateSet {
  const env = Handlebars.create();
  env.registerHelper(templateHelpers);
  const compile = (path: string, content: string | Uint8Array) => {
    const source = asText(path, content);
    try {
      env.parse(source); // surface syntax errors now, with the path, instead of at first render
    } catch (error) {
      throw new Error(`Template ${path} has a syntax error: ${(error as Error).message}`);
    }
    return env.compile<TemplateContext>(source, COMPILE_OPTIONS);
  };

  const entries = new Map<string, TemplateEntry>();
  for (const path of Object.keys(files).sort()) {
    const content = files[path] as string | Uint8Array;
    if (path.startsWith(PARTIALS_DIR)) {
      env.registerPartial(partialNameFor(path), compile(path, content));
    } else if (isTemplatePath(path)) {
      const template = compile(path, content);
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
      entries.set(path, { kind: "static", bytes: typeof content === "string" ? new TextEncoder().encode(content) : content });
    }
  }
  return { entries };
}

async function readTree(root: string, prefix = ""): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  const dirents = await readdir(join(root, prefix), { withFileTypes: true });
  for (const dirent of dirents) {
    if (isIgnored(dirent.name)) continue;
    const path = prefix + dirent.name;
    if (dirent.isDirectory()) Object.assign(files, await readTree(root, `${path}/`));
    else if (dirent.isFile()) files[path] = await readFile(join(root, path));
    else throw new Error(`Template ${path} is neither a file nor a directory (symlinks are not supported).`);
  }
  return files;
}

/** Reads and compiles every template under `dir`. */
export async function loadTemplates(dir: string): Promise<TemplateSet> {
  let files: Record<string, Uint8Array>;
  try {
    files = await readTree(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`Templates directory not found: ${dir}`);
    throw error;
  }
  return createTemplateSet(files);
}
