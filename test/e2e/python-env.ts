// Python environments for the end-to-end tests, created on demand and cached.
//
// Layout under the cache root (CHATKIT_E2E_CACHE, else <repo>/.cache/e2e):
//   tools/      a venv holding uv, when uv is not on PATH
//   uv-cache/   uv's download and build cache (makes warm installs take seconds)
//   envs/<key>/ one venv per generated-project variant
//
// Nothing here relies on the machine beyond python3 with its venv module: uv is
// bootstrapped from PyPI with pip when it is missing.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { withLock } from "./file-lock.js";
import { run, runOrThrow } from "./process.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const UV_REQUIREMENT = "uv>=0.9,<1";
const INSTALL_TIMEOUT_MS = 15 * 60_000;
const SPEC_HASH_FILE = ".e2e-spec-hash";

export interface ProjectEnv {
  venvDir: string;
  python: string;
  pytest: string;
  ruff: string;
  uvicorn: string;
  /** True when an existing venv was reused (only the project itself was reinstalled). */
  reused: boolean;
}

export function cacheRoot(): string {
  return path.resolve(process.env.CHATKIT_E2E_CACHE ?? path.join(REPO_ROOT, ".cache", "e2e"));
}

/** The environment every uv call gets: a cache under ours, and never a Python download. */
export function uvEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    UV_CACHE_DIR: path.join(cacheRoot(), "uv-cache"),
    UV_PYTHON_DOWNLOADS: "never",
    UV_NO_PROGRESS: "1",
  };
}

/** The base interpreter: CHATKIT_E2E_PYTHON or python3, resolved to an absolute path. */
let basePython: Promise<string> | undefined;
export function findBasePython(): Promise<string> {
  basePython ??= (async () => {
    const candidate = process.env.CHATKIT_E2E_PYTHON ?? "python3";
    const result = await run(candidate, ["-c", "import sys, venv; print(sys.executable)"]).catch((error) => {
      throw new Error(`the e2e tests need python3 (>= 3.10) with its venv module: ${error.message}`);
    });
    if (result.code !== 0) {
      throw new Error(`'${candidate}' cannot import venv (on Debian: apt-get install python3-venv):\n${result.stderr}`);
    }
    return result.stdout.trim();
  })();
  return basePython;
}

/** Path of a working uv: the one on PATH, else one installed with pip into <cache>/tools. */
let uvPath: Promise<string> | undefined;
export function ensureUv(): Promise<string> {
  uvPath ??= locateOrInstallUv();
  return uvPath;
}

async function locateOrInstallUv(): Promise<string> {
  if (await uvWorks("uv")) return "uv";
  const toolsDir = path.join(cacheRoot(), "tools");
  return withLock(`${toolsDir}.lock`, () => installUv(toolsDir));
}

async function installUv(toolsDir: string): Promise<string> {
  const uv = path.join(toolsDir, "bin", "uv");
  const marker = path.join(toolsDir, ".e2e-complete");
  if (existsSync(marker) && (await uvWorks(uv))) return uv;

  // Missing or half-built (an interrupted run): build it again from scratch.
  await rm(toolsDir, { recursive: true, force: true });
  await mkdir(path.dirname(toolsDir), { recursive: true });
  const python = await findBasePython();
  await runOrThrow(python, ["-m", "venv", toolsDir], { timeoutMs: 5 * 60_000 });
  await runOrThrow(path.join(toolsDir, "bin", "python"), ["-m", "pip", "install", "--quiet", UV_REQUIREMENT], {
    timeoutMs: INSTALL_TIMEOUT_MS,
  });
  if (!(await uvWorks(uv))) throw new Error(`pip installed '${UV_REQUIREMENT}' into ${toolsDir} but ${uv} does not run`);
  await writeFile(marker, `${new Date().toISOString()}\n`);
  return uv;
}

async function uvWorks(uv: string): Promise<boolean> {
  try {
    const result = await run(uv, ["--version"], { timeoutMs: 30_000 });
    return result.code === 0;
  } catch {
    return false; // not installed
  }
}

export interface EnvOptions {
  /**
   * uv's `--resolution`: `highest` (default) takes the newest release each range allows;
   * `lowest-direct` the floor of each of the project's own ranges (transitive ones newest).
   */
  resolution?: "highest" | "lowest-direct";
}

/**
 * A venv (cached under the key) holding the generated project installed editable with its
 * `dev` extra, from PyPI. The venv is rebuilt when the project's dependency spec, the
 * resolution or the base interpreter changes; otherwise only the project itself is reinstalled.
 */
export async function ensureProjectEnv(projectDir: string, key: string, options: EnvOptions = {}): Promise<ProjectEnv> {
  const uv = await ensureUv();
  const venvDir = path.join(cacheRoot(), "envs", key);
  return withLock(`${venvDir}.lock`, () => installProject(uv, projectDir, venvDir, options.resolution ?? "highest"));
}

async function installProject(
  uv: string,
  projectDir: string,
  venvDir: string,
  resolution: NonNullable<EnvOptions["resolution"]>,
): Promise<ProjectEnv> {
  const python = await findBasePython();
  const hashFile = path.join(venvDir, SPEC_HASH_FILE);
  const wantedHash = await dependencySpecHash(projectDir, python, resolution);
  const currentHash = existsSync(hashFile) ? (await readFile(hashFile, "utf8")).trim() : undefined;
  const reused = currentHash === wantedHash && existsSync(path.join(venvDir, "bin", "python"));

  if (!reused) {
    await rm(venvDir, { recursive: true, force: true });
    await mkdir(path.dirname(venvDir), { recursive: true });
    await runOrThrow(uv, ["venv", "--quiet", "--python", python, venvDir], { env: uvEnv(), timeoutMs: 5 * 60_000 });
  }
  const venvPython = path.join(venvDir, "bin", "python");
  // Mark the env unverified until the install succeeds, so a failed install is redone next time.
  await rm(hashFile, { force: true });
  const install = ["pip", "install", "--python", venvPython, "--resolution", resolution, "--editable", `${projectDir}[dev]`];
  await runOrThrow(uv, install, {
    env: uvEnv(),
    timeoutMs: INSTALL_TIMEOUT_MS,
  });
  await precompile(venvDir);
  await writeFile(hashFile, `${wantedHash}\n`);

  const env: ProjectEnv = {
    venvDir,
    python: venvPython,
    pytest: path.join(venvDir, "bin", "pytest"),
    ruff: path.join(venvDir, "bin", "ruff"),
    uvicorn: path.join(venvDir, "bin", "uvicorn"),
    reused,
  };
  for (const tool of ["pytest", "ruff", "uvicorn"] as const) {
    if (!existsSync(env[tool])) {
      throw new Error(`${tool} is missing from ${venvDir} after installing ${projectDir}[dev]: check the dependencies`);
    }
  }
  return env;
}

/**
 * Writes the .pyc files of everything installed. uv does not, and with PYTHONDONTWRITEBYTECODE
 * set (as on these machines) Python never caches them either: every server start would then
 * compile the Agents SDK and openai again (about 8 s instead of 4 s). Up-to-date files are
 * skipped, so a warm run costs about a second. A file that fails to compile only costs speed.
 */
async function precompile(venvDir: string): Promise<void> {
  await run(path.join(venvDir, "bin", "python"), ["-m", "compileall", "-q", "-j", "0", path.join(venvDir, "lib")], {
    timeoutMs: 5 * 60_000,
  });
}

/**
 * A hash of what decides the venv's contents: the dependency sections of pyproject.toml
 * (project name excluded, so renaming the project does not rebuild the env), the resolution
 * strategy and the interpreter.
 * Falls back to the whole file when the interpreter has no tomllib (Python 3.10).
 */
async function dependencySpecHash(projectDir: string, python: string, resolution: string): Promise<string> {
  const pyproject = path.join(projectDir, "pyproject.toml");
  if (!existsSync(pyproject)) throw new Error(`${projectDir} has no pyproject.toml`);
  const script = [
    "import json, sys, tomllib",
    "data = tomllib.load(open(sys.argv[1], 'rb'))",
    "project = data.get('project', {})",
    "keep = {k: project.get(k) for k in ('requires-python', 'dependencies', 'optional-dependencies')}",
    "keep['build-system'] = data.get('build-system')",
    "print(sys.version); print(json.dumps(keep, sort_keys=True))",
  ].join("\n");
  const result = await run(python, ["-c", script, pyproject]);
  const spec = result.code === 0 ? result.stdout : await readFile(pyproject, "utf8");
  const material = `${python}\nresolution=${resolution}\n${spec}`;
  return createHash("sha256").update(material).digest("hex");
}
