/**
 * Template loading: the only place that reads templates/ from disk.
 *
 * The build precompiles every Handlebars template (scripts/precompile-templates.mjs) into
 * dist/precompiled-templates.js, with a hash of the templates/ tree it was made from. When
 * the tree on disk still has that hash, the templates come from there and only the
 * Handlebars runtime loads: parsing and compiling them is most of a run's CPU time
 * otherwise. Any other tree (edited templates, CREATE_CHATKIT_SERVER_TEMPLATES), or no
 * precompiled module (tests run from src/), and the templates are compiled as they are.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type Handlebars from "handlebars";
import { buildTemplateSet, type TemplateFiles, type TemplateSet } from "./template-set.js";

export type { TemplateEntry, TemplateSet } from "./template-set.js";

/** Tool caches and editor droppings that may sit in a working copy of templates/. */
const IGNORED_NAMES = new Set(["__pycache__", ".ruff_cache", ".pytest_cache", ".mypy_cache", ".venv", ".DS_Store"]);
const isIgnored = (name: string) => IGNORED_NAMES.has(name) || name.endsWith(".pyc");

type TemplateSpec = Parameters<typeof Handlebars.template>[0];

/** What the build writes: the tree's hash and each template's precompiled spec, by path. */
interface PrecompiledTemplates {
  treeHash: string;
  specs: Readonly<Record<string, TemplateSpec>>;
}

// Synchronous on purpose: a few dozen small files, read before anything else can run, and
// fs/promises' first use alone costs more than reading them all.
function readTree(root: string, prefix = ""): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const dirent of readdirSync(join(root, prefix), { withFileTypes: true })) {
    if (isIgnored(dirent.name)) continue;
    const path = prefix + dirent.name;
    if (dirent.isDirectory()) Object.assign(files, readTree(root, `${path}/`));
    else if (dirent.isFile()) files[path] = readFileSync(join(root, path));
    else throw new Error(`Template ${path} is neither a file nor a directory (symlinks are not supported).`);
  }
  return files;
}

/** Reads every file of a templates directory, by path relative to it. */
export async function readTemplateFiles(dir: string): Promise<Record<string, Uint8Array>> {
  try {
    return readTree(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`Templates directory not found: ${dir}`);
    throw error;
  }
}

/** A hash of every path and its bytes: equal hashes, equal trees. */
export function templateTreeHash(files: TemplateFiles): string {
  const hash = createHash("sha256");
  for (const path of Object.keys(files).sort()) {
    const content = files[path] as string | Uint8Array;
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
    hash.update(`${path}\0${bytes.length}\0`).update(bytes);
  }
  return hash.digest("hex");
}

/** The build's precompiled templates, or undefined when there are none (running from src/). */
async function importPrecompiled(url: URL): Promise<PrecompiledTemplates | undefined> {
  try {
    const module = (await import(url.href)) as Partial<PrecompiledTemplates>;
    if (typeof module.treeHash !== "string" || typeof module.specs !== "object" || module.specs === null) return undefined;
    return module as PrecompiledTemplates;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") return undefined;
    throw error;
  }
}

/**
 * Reads every template under `dir`: those of the `precompiled` module when it was built
 * from these very files, else compiled now.
 */
export async function loadTemplates(dir: string, precompiled?: URL): Promise<TemplateSet> {
  const files = await readTemplateFiles(dir);
  const built = precompiled === undefined ? undefined : await importPrecompiled(precompiled);
  if (built !== undefined && built.treeHash === templateTreeHash(files)) {
    const runtime = (await import("handlebars/runtime.js")).default as unknown as typeof Handlebars;
    const env = runtime.create();
    return buildTemplateSet(files, env, (path) => {
      const spec = built.specs[path];
      if (spec === undefined) throw new Error(`Template ${path} is missing from ${precompiled?.href}.`);
      return env.template(spec);
    });
  }
  const { createTemplateSet } = await import("./compile-templates.js");
  return createTemplateSet(files);
}
