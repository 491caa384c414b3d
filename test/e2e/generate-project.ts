// Generate a project with the built CLI, exactly as a user would run it.
import { existsSync, statSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { describeFailure, run } from "./process.js";
import { REPO_ROOT } from "./python-env.js";

export type StoreVariant = "sqlite" | "memory" | "postgres";
export type AuthMode = "none" | "header" | "jwt";

/** What a generated project is made of: the CLI flags that change its code. */
export interface ProjectVariant {
  store: StoreVariant;
  auth?: AuthMode;
  /** More CLI flags (e.g. `--tools widget`), named by `label` in the variant's name. */
  flags?: readonly string[];
  label?: string;
}

/** A short name for messages, directories and cache keys, e.g. `postgres-header`. */
export function variantName(variant: ProjectVariant): string {
  const parts = [variant.store, variant.auth && variant.auth !== "none" ? variant.auth : undefined, variant.label];
  return parts.filter((part) => part !== undefined).join("-");
}

const CLI_BIN = path.join(REPO_ROOT, "bin", "create-chatkit-server.js");
const CLI_DIST = path.join(REPO_ROOT, "dist", "create-chatkit-server.js");

/** Runs `create-chatkit-server <targetDir> --yes --no-install --no-git --store <store> --auth <auth>`. */
export async function generateProject(targetDir: string, variant: ProjectVariant): Promise<void> {
  await assertCliBuilt();
  const flags = ["--store", variant.store, "--auth", variant.auth ?? "none", ...(variant.flags ?? [])];
  const result = await run(process.execPath, [CLI_BIN, targetDir, "--yes", "--no-install", "--no-git", ...flags], {
    cwd: path.dirname(targetDir),
    timeoutMs: 120_000,
  });
  const store = variantName(variant);
  if (result.code !== 0) throw new Error(`the CLI failed to generate a ${store} project:\n${describeFailure(result)}`);
  for (const required of ["pyproject.toml", "app/main.py", "app/agent.py", "app/settings.py", "tests"]) {
    if (!existsSync(path.join(targetDir, required))) {
      throw new Error(`the generated ${store} project has no ${required} (CLI output:\n${result.stdout}${result.stderr})`);
    }
  }
}

/**
 * Fails with a clear message when dist/ is missing or older than src/ (tests would run stale
 * code). Checked once per run: src/ edited while the tests run is no reason to stop them.
 */
let cliChecked: Promise<void> | undefined;
function assertCliBuilt(): Promise<void> {
  cliChecked ??= checkCliBuilt();
  return cliChecked;
}

async function checkCliBuilt(): Promise<void> {
  if (!existsSync(CLI_BIN)) throw new Error(`${CLI_BIN} is missing`);
  if (!existsSync(CLI_DIST)) throw new Error(`${CLI_DIST} is missing: run 'npm run build' first`);
  const built = await newestMtime(path.dirname(CLI_DIST));
  const newestSource = await newestMtime(path.join(REPO_ROOT, "src"));
  if (newestSource > built) {
    throw new Error(`dist/ is older than src/: run 'npm run build' before the e2e tests`);
  }
}

async function newestMtime(dir: string): Promise<number> {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}
