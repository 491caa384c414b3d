// The published package, as a user gets it: npm pack, npm install the tarball, run its bin
// against the real templates/ (whose `_gitignore` must survive packing and be renamed).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

describe("npm pack", () => {
  let work: string;
  let tarball: string;
  let packedFiles: string[];

  beforeAll(async () => {
    // Loud on purpose: the real templates must provide the renamed dotfiles.
    for (const required of ["templates/_gitignore", "templates/_env.example.hbs"]) {
      if (!existsSync(join(ROOT, required)) && !existsSync(join(ROOT, required.replace(/\.hbs$/, "")))) {
        throw new Error(`${required} is missing from the repository: the packed CLI cannot produce its dotfile.`);
      }
    }
    work = await mkdtemp(join(tmpdir(), "pack-"));
    const { stdout } = await exec(NPM, ["pack", "--json", "--ignore-scripts", "--pack-destination", work], { cwd: ROOT, maxBuffer: 10_000_000 });
    // --ignore-scripts: dist/ is already built by global-setup; rebuilding it here would race
    // with the CLI tests that run it in parallel.
    const report = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(work, report[0]?.filename ?? "");
    packedFiles = report[0]?.files.map((f) => f.path) ?? [];
  }, 120_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("ships bin, the bundled dist and templates only", () => {
    expect(packedFiles).toContain("bin/create-chatkit-server.js");
    expect(packedFiles).toContain("dist/create-chatkit-server.js");
    // The bundle stands alone: tsc's module tree (dist/render/, ...) stays out.
    expect(packedFiles.filter((p) => /^dist\/.*\//.test(p))).toEqual([]);
    expect(packedFiles).toContain("templates/_gitignore");
    const outside = packedFiles.filter((p) => !/^(bin|dist|templates)\//.test(p) && !/^(package\.json|README\.md|LICENSE)$/.test(p));
    expect(outside).toEqual([]);
  });

  it("installs from the tarball and generates a project with its dotfiles", async () => {
    const app = join(work, "app");
    await mkdir(app);
    await writeFile(join(app, "package.json"), '{ "private": true }\n');
    await exec(NPM, ["install", tarball, "--no-audit", "--no-fund"], { cwd: app });

    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
    delete env.CREATE_CHATKIT_SERVER_TEMPLATES; // must use the packaged templates
    const bin = join(app, "node_modules", ".bin", "create-chatkit-server");
    await exec(bin, ["out", "--yes", "--no-install", "--no-git"], { cwd: app, env });
    for (const path of [".gitignore", ".env.example", ".chatkit-server.json", "pyproject.toml"]) {
      expect(existsSync(join(app, "out", path)), path).toBe(true);
    }
  }, 240_000);
});
