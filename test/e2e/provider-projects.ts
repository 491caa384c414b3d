// Generated projects by model provider, tools and store: the combinations the CLI accepts, the
// CLI run with any flags, the venv key each combination installs into, and a venv that holds
// only ruff (to lint and byte-compile many generated projects without installing each).
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { withLock } from "./file-lock.js";
import type { StoreVariant } from "./generate-project.js";
import { describeFailure, run, runOrThrow, type RunResult } from "./process.js";
import { cacheRoot, ensureUv, findBasePython, REPO_ROOT } from "./python-env.js";

export type Provider = "openai" | "openai-compatible" | "litellm";
export type ToolSet = "none" | "example" | "web-search" | "example,web-search" | "example,client,widget";

export interface Combination {
  provider: Provider;
  tools: ToolSet;
  store: StoreVariant;
}

export const PROVIDERS: Provider[] = ["openai", "openai-compatible", "litellm"];
export const STORES: StoreVariant[] = ["memory", "sqlite", "postgres"];
/** Tool sets each provider accepts: web search is a hosted tool of the Responses API (openai only). */
export const TOOLS_BY_PROVIDER: Record<Provider, ToolSet[]> = {
  openai: ["none", "example", "web-search", "example,web-search", "example,client,widget"],
  "openai-compatible": ["none", "example", "example,client,widget"],
  litellm: ["none", "example", "example,client,widget"],
};
/** What the CLI must refuse (exit 2). */
export const REFUSED: Array<{ provider: Provider; tools: ToolSet }> = (["openai-compatible", "litellm"] as const).flatMap(
  (provider) => (["web-search", "example,web-search"] as const).map((tools) => ({ provider, tools })),
);

/** Every combination the CLI accepts: provider x tools x store. */
export function allCombinations(): Combination[] {
  return PROVIDERS.flatMap((provider) =>
    TOOLS_BY_PROVIDER[provider].flatMap((tools) => STORES.map((store) => ({ provider, tools, store }))),
  );
}

/** A short name usable as a directory and Python project name, e.g. `openai-compatible-example-sqlite`. */
export function combinationName(combination: Combination): string {
  return `${combination.provider}-${combination.tools.replaceAll(",", "-and-")}-${combination.store}`;
}

/** The CLI flags of a combination. */
export function combinationFlags(combination: Combination): string[] {
  return ["--provider", combination.provider, "--tools", combination.tools, "--store", combination.store];
}

/**
 * The venv a combination installs into. The provider decides the dependencies only through the
 * LiteLLM extra, so openai and openai-compatible projects share `store-<store>`, the key the
 * store-variant tests use for the same dependency spec.
 */
export function envKeyFor(combination: Pick<Combination, "provider" | "store">): string {
  return combination.provider === "litellm" ? `litellm-${combination.store}` : `store-${combination.store}`;
}

const CLI_BIN = path.join(REPO_ROOT, "bin", "create-chatkit-server.js");

/** Runs `create-chatkit-server <targetDir> --yes --no-install --no-git <flags>`; never throws on its exit code. */
export async function runCli(targetDir: string, flags: string[]): Promise<RunResult> {
  if (!existsSync(path.join(REPO_ROOT, "dist", "create-chatkit-server.js"))) throw new Error("dist/ is missing: run 'npm run build' first");
  await mkdir(path.dirname(targetDir), { recursive: true });
  return run(process.execPath, [CLI_BIN, targetDir, "--yes", "--no-install", "--no-git", ...flags], {
    cwd: path.dirname(targetDir),
    env: { ...process.env, NO_COLOR: "1" },
    timeoutMs: 120_000,
  });
}

/** Generates a project with the given flags; throws with the CLI's output when it fails. */
export async function generateWithFlags(targetDir: string, flags: string[]): Promise<void> {
  const result = await runCli(targetDir, flags);
  if (result.code !== 0) throw new Error(`the CLI failed for ${flags.join(" ")}:\n${describeFailure(result)}`);
  for (const required of ["pyproject.toml", "app/main.py", "app/agent.py", "app/settings.py", "tests"]) {
    if (!existsSync(path.join(targetDir, required))) throw new Error(`${flags.join(" ")}: no ${required} in ${targetDir}`);
  }
}

/** A venv with ruff only, for linting and byte-compiling many generated projects. */
export interface RuffEnv {
  python: string;
  ruff: string;
}

/**
 * A cached venv (`envs/ruff-<hash>`) holding the ruff the generated projects ask for in their
 * `dev` extra (e.g. `ruff>=0.8,<1`), on the same base interpreter as the project venvs.
 */
export async function ensureRuffEnv(requirement: string): Promise<RuffEnv> {
  const uv = await ensureUv();
  const python = await findBasePython();
  const hash = createHash("sha256").update(`${python}\n${requirement}`).digest("hex").slice(0, 12);
  const venvDir = path.join(cacheRoot(), "envs", `ruff-${hash}`);
  const env: RuffEnv = { python: path.join(venvDir, "bin", "python"), ruff: path.join(venvDir, "bin", "ruff") };
  const marker = path.join(venvDir, ".e2e-complete");
  return withLock(`${venvDir}.lock`, async () => {
    if (existsSync(marker) && existsSync(env.ruff)) return env;
    const uvEnv = { ...process.env, UV_CACHE_DIR: path.join(cacheRoot(), "uv-cache"), UV_PYTHON_DOWNLOADS: "never", UV_NO_PROGRESS: "1" };
    await rm(venvDir, { recursive: true, force: true });
    await mkdir(path.dirname(venvDir), { recursive: true });
    await runOrThrow(uv, ["venv", "--quiet", "--python", python, venvDir], { env: uvEnv, timeoutMs: 5 * 60_000 });
    await runOrThrow(uv, ["pip", "install", "--python", env.python, requirement], { env: uvEnv, timeoutMs: 10 * 60_000 });
    await writeFile(marker, `${requirement}\n`);
    return env;
  });
}

/** The ruff requirement of a generated project's `dev` extra, e.g. `ruff>=0.8,<1`. */
export async function ruffRequirement(projectDir: string): Promise<string> {
  const pyproject = await readFile(path.join(projectDir, "pyproject.toml"), "utf8");
  const match = /"(ruff(?:[<>=!~][^"]*)?)"/.exec(pyproject);
  if (!match) throw new Error(`${projectDir}/pyproject.toml names no ruff requirement`);
  return match[1];
}

/**
 * No request from a child may leave the machine: HTTP(S) clients that honour the proxy
 * variables (httpx, requests, urllib) get a proxy that refuses connections, except for loopback.
 */
export const OFFLINE_ENV: Record<string, string> = {
  HTTP_PROXY: "http://127.0.0.1:9",
  HTTPS_PROXY: "http://127.0.0.1:9",
  ALL_PROXY: "http://127.0.0.1:9",
  http_proxy: "http://127.0.0.1:9",
  https_proxy: "http://127.0.0.1:9",
  all_proxy: "http://127.0.0.1:9",
  NO_PROXY: "127.0.0.1,localhost",
  no_proxy: "127.0.0.1,localhost",
  // LiteLLM fetches its model cost map from GitHub on import unless told to use its own copy.
  LITELLM_LOCAL_MODEL_COST_MAP: "True",
};
