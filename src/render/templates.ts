/**
 * Template loading: the only place that reads templates/ from disk.
 *
 * The build precompiles every Handlebars template (scripts/precompile-templates.mjs) into
 * dist/precompiled-templates.js, with a fingerprint of the templates/ tree it was made from;
 * the bundle links that module in. When the tree on disk still has that fingerprint, the
 * templates come from there and only the Handlebars runtime loads: parsing and compiling them
 * is most of a run's CPU time otherwise. Any other tree (edited templates,
 * CREATE_CHATKIT_SERVER_TEMPLATES), or no precompiled module (tests run from src/), and the
 * templates are compiled as they are.
 */
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { crc32 } from "node:zlib";
import type Handlebars from "handlebars";
import handlebarsRuntime from "handlebars/runtime.js";
import { toBytes } from "../bytes.js";
import { buildTemplateSet, type TemplateFiles, type TemplateSet } from "./template-set.js";

export type { TemplateEntry, TemplateSet } from "./template-set.js";

/** Tool caches and editor droppings that may sit in a working copy of templates/. */
const IGNORED_NAMES = new Set(["__pycache__", ".ruff_cache", ".pytest_cache", ".mypy_cache", ".venv", ".DS_Store"]);
const isIgnored = (name: string) => IGNORED_NAMES.has(name) || name.endsWith(".pyc");

type TemplateSpec = Parameters<typeof Handlebars.template>[0];

/** What the build writes: the tree's fingerprint and each template's precompiled spec, by path. */
export interface PrecompiledTemplates {
  fingerprint: string;
  specs: Readonly<Record<string, TemplateSpec>>;
}

// Synchronous on purpose: a few dozen small files, read before anything else can run, and
// fs/promises' first use alone costs more than reading them all. `root` is resolved once and
// the names below it are joined by hand: path.join would normalise each whole path again.
function readTree(root: string, prefix = ""): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const dirent of readdirSync(`${root}/${prefix}`, { withFileTypes: true })) {
    if (isIgnored(dirent.name)) continue;
    const path = prefix + dirent.name;
    if (dirent.isDirectory()) Object.assign(files, readTree(root, `${path}/`));
    else if (dirent.isFile()) files[path] = readFileSync(`${root}/${path}`);
    else throw new Error(`Template ${path} is neither a file nor a directory (symlinks are not supported).`);
  }
  return files;
}

/** Reads every file of a templates directory, by path relative to it. */
export async function readTemplateFiles(dir: string): Promise<Record<string, Uint8Array>> {
  try {
    return readTree(resolve(dir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`Templates directory not found: ${dir}`);
    throw error;
  }
}

/**
 * A fingerprint of every path and its bytes: CRC-32 of each file with its size, under its
 * path. It tells a tree edited since the build from the one built (no adversary here), and
 * zlib is loaded anyway, where node:crypto is not.
 */
export function templateFingerprint(files: TemplateFiles): string {
  return Object.keys(files)
    .sort()
    .map((path) => {
      const bytes = toBytes(files[path] as string | Uint8Array);
      return `${path}:${bytes.length}:${crc32(bytes).toString(16)}`;
    })
    .join("\n");
}

/** The build's precompiled templates, or undefined when there are none (running from src/). */
async function importPrecompiled(url: URL): Promise<PrecompiledTemplates | undefined> {
  try {
    const module = (await import(url.href)) as Partial<PrecompiledTemplates>;
    if (typeof module.fingerprint !== "string" || typeof module.specs !== "object" || module.specs === null) return undefined;
    return module as PrecompiledTemplates;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") return undefined;
    throw error;
  }
}

/**
 * Reads every template under `dir`: the `precompiled` ones (the module at that URL, or
 * templates linked into the bundle) when they were built from these very files, else
 * compiled now.
 */
export async function loadTemplates(dir: string, precompiled?: URL | PrecompiledTemplates): Promise<TemplateSet> {
  const files = await readTemplateFiles(dir);
  const built = precompiled instanceof URL ? await importPrecompiled(precompiled) : precompiled;
  if (built !== undefined && built.fingerprint === templateFingerprint(files)) {
    const env = (handlebarsRuntime as unknown as typeof Handlebars).create();
    return buildTemplateSet(files, env, (path) => {
      const spec = built.specs[path];
      if (spec === undefined) throw new Error(`Template ${path} is missing from the precompiled templates.`);
      return env.template(spec);
    });
  }
  const { createTemplateSet } = await import("./compile-templates.js");
  return createTemplateSet(files);
}
