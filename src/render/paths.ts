/**
 * How a template path becomes a path in the generated project. Used by the renderer and
 * by the tests, so the two cannot disagree.
 */

/**
 * Files stored under another name in templates/ because npm would drop or act on the real
 * name when packing (e.g. `.gitignore`). Applied to the file name in any directory; other
 * names starting with `_` (such as `__init__.py`) are left alone.
 */
export const DOTFILE_RENAMES: Readonly<Record<string, string>> = {
  _gitignore: ".gitignore",
  "_env.example": ".env.example",
  _dockerignore: ".dockerignore",
};

export const TEMPLATE_SUFFIX = ".hbs";

/** Directory of partials: registered by name, never emitted. */
export const PARTIALS_DIR = "_partials/";

export function isTemplatePath(sourcePath: string): boolean {
  return sourcePath.endsWith(TEMPLATE_SUFFIX);
}

/** `_env.example.hbs` -> `.env.example`, `app/main.py.hbs` -> `app/main.py`. */
export function outputPathFor(sourcePath: string): string {
  const stripped = isTemplatePath(sourcePath) ? sourcePath.slice(0, -TEMPLATE_SUFFIX.length) : sourcePath;
  const slash = stripped.lastIndexOf("/");
  const dir = stripped.slice(0, slash + 1);
  const name = stripped.slice(slash + 1);
  return dir + (DOTFILE_RENAMES[name] ?? name);
}

/** `_partials/store/sqlite.py.hbs` -> `store/sqlite` (path under _partials/, extensions dropped). */
export function partialNameFor(sourcePath: string): string {
  const rest = sourcePath.slice(PARTIALS_DIR.length);
  const slash = rest.lastIndexOf("/");
  const name = rest.slice(slash + 1);
  const dot = name.indexOf(".");
  return rest.slice(0, slash + 1) + (dot > 0 ? name.slice(0, dot) : name);
}
