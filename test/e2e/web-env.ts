// Node side of the e2e tests of `--frontend react`, cached like the Python envs (python-env.ts).
//
// Under the cache root (CHATKIT_E2E_CACHE, else <repo>/.cache/e2e):
//   web/<hash>/node_modules   `npm install` of a generated web/package.json, keyed by its hash;
//                             a generated web/node_modules is a symlink to it
//   browser-tools/<package>/  playwright-core (pinned), which drives the system's Chromium
//
// The browser is Debian's `chromium` (.ci/run installs it); playwright-core only speaks to it,
// it downloads no browser of its own.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { withLock } from "./file-lock.js";
import { runOrThrow } from "./process.js";
import { cacheRoot } from "./python-env.js";

const INSTALL_TIMEOUT_MS = 15 * 60_000;
const COMPLETE_MARKER = ".e2e-complete";
export const PLAYWRIGHT_CORE = "playwright-core@1.65.2";
/** Debian's binary; /usr/bin/chromium is a shell wrapper around it. */
const CHROMIUM_CANDIDATES = [process.env.CHATKIT_E2E_CHROMIUM, "/usr/lib/chromium/chromium", "/usr/bin/chromium"];

function npmEnv(): NodeJS.ProcessEnv {
  return { ...process.env, npm_config_cache: path.join(cacheRoot(), "npm-cache"), npm_config_update_notifier: "false" };
}

/** Installs `packageDir`'s dependencies into `installDir` once; a half-done install is redone. */
async function installOnce(installDir: string, packageJson: string, packages: string[] = []): Promise<void> {
  await withLock(`${installDir}.lock`, async () => {
    if (existsSync(path.join(installDir, COMPLETE_MARKER))) return;
    await rm(installDir, { recursive: true, force: true });
    await mkdir(installDir, { recursive: true });
    await writeFile(path.join(installDir, "package.json"), packageJson);
    await runOrThrow("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...packages], {
      cwd: installDir,
      env: npmEnv(),
      timeoutMs: INSTALL_TIMEOUT_MS,
    });
    await writeFile(path.join(installDir, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
  });
}

/**
 * Gives a generated web/ its node_modules: `npm install` of its package.json, done once per
 * distinct package.json (by hash; the project's name is left out) and linked into web/.
 */
export async function linkWebModules(webDir: string): Promise<{ reused: boolean }> {
  const manifest = JSON.parse(await readFile(path.join(webDir, "package.json"), "utf8")) as Record<string, unknown>;
  const spec = JSON.stringify({ ...manifest, name: "chatkit-e2e-web" }, null, 2);
  const hash = createHash("sha256").update(spec).digest("hex").slice(0, 16);
  const installDir = path.join(cacheRoot(), "web", hash);
  const reused = existsSync(path.join(installDir, COMPLETE_MARKER));
  await installOnce(installDir, `${spec}\n`);
  await rm(path.join(webDir, "node_modules"), { recursive: true, force: true });
  await symlink(path.join(installDir, "node_modules"), path.join(webDir, "node_modules"), "dir");
  return { reused };
}

// The few playwright-core calls the tests make, typed here: the package is installed into the
// cache at run time, not a dependency of this repository.
export interface BrowserRequest {
  url(): string;
  method(): string;
  allHeaders(): Promise<Record<string, string>>;
}
export interface BrowserRoute {
  abort(): Promise<void>;
  fulfill(response: { status?: number; contentType?: string; body: string }): Promise<void>;
}
export interface BrowserLocator {
  waitFor(options?: { state?: "visible" | "attached"; timeout?: number }): Promise<void>;
  textContent(): Promise<string | null>;
  getAttribute(name: string): Promise<string | null>;
  click(): Promise<void>;
  fill(value: string): Promise<void>;
}
export interface BrowserPage {
  goto(url: string): Promise<unknown>;
  route(url: string, handler: (route: BrowserRoute) => Promise<void>): Promise<void>;
  on(event: "request", listener: (request: BrowserRequest) => void): void;
  on(event: "console", listener: (message: { type(): string; text(): string }) => void): void;
  locator(selector: string): BrowserLocator;
  getByRole(role: "button", options: { name: string }): BrowserLocator;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  close(): Promise<void>;
}
export interface Browser {
  newPage(options?: { viewport?: { width: number; height: number } }): Promise<BrowserPage>;
  version(): string;
  close(): Promise<void>;
}
interface PlaywrightCore {
  chromium: { launch(options: { executablePath: string; args: string[] }): Promise<Browser> };
}

/** Headless Chromium (the system's), driven by playwright-core from the cache. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = CHROMIUM_CANDIDATES.find((candidate) => candidate !== undefined && existsSync(candidate));
  if (executablePath === undefined) {
    throw new Error("no Chromium found (on Debian: apt-get install chromium; or set CHATKIT_E2E_CHROMIUM)");
  }
  const toolsDir = path.join(cacheRoot(), "browser-tools", PLAYWRIGHT_CORE);
  await installOnce(toolsDir, '{ "private": true }\n', [PLAYWRIGHT_CORE]);
  const entry = path.join(toolsDir, "node_modules", "playwright-core", "index.mjs");
  const playwright = (await import(pathToFileURL(entry).href)) as PlaywrightCore;
  // No sandbox: the tests may run as root, where Chromium refuses its sandbox.
  return playwright.chromium.launch({ executablePath, args: ["--no-sandbox"] });
}
