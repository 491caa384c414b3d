import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// This file sits one level below the package root as src/*.ts (tests), as dist/*.js (tsc)
// and inside a dist/*.js chunk of the bundle (published), so "../" is the package root.
const packageRoot = fileURLToPath(new URL("../", import.meta.url));

const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  name: string;
  version: string;
};

export const PACKAGE_NAME: string = manifest.name;
export const PACKAGE_VERSION: string = manifest.version;
export const PACKAGE_ROOT: string = packageRoot;

/** Env var that points the CLI at another template directory (tests, template development). */
export const TEMPLATES_ENV_VAR = "CREATE_CHATKIT_SERVER_TEMPLATES";

export function defaultTemplatesDir(): string {
  return fileURLToPath(new URL("../templates/", import.meta.url));
}

/** Templates precompiled by the build (scripts/precompile-templates.mjs); none beside src/. */
export function precompiledTemplatesUrl(): URL {
  return new URL("./precompiled-templates.js", import.meta.url);
}
