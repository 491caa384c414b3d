// 1. The generator: whole-process wall time and peak RSS of create-chatkit-server next to
// create-vite (the reference), in alternating runs, as medians and ratios.
import { existsSync } from "node:fs";
import { cp, mkdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "../test/e2e/python-env.js";
import { JsonLinesChild } from "./lib/json-lines.js";
import { median, quantile, ratio, round } from "./lib/stats.js";

const MEASURE = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "measure.py");
const CLI_BIN = path.join(REPO_ROOT, "bin", "create-chatkit-server.js");

export interface GeneratorOptions {
  workDir: string;
  /** Measured runs of each case (after the warm-up rounds). */
  runs: number;
  warmupRounds: number;
  python: string;
  log: (line: string) => void;
}

export interface CaseResult {
  label: string;
  command: string;
  runs: number;
  failures: number;
  firstFailure?: string;
  wallMs: { median: number; p10: number; p90: number; min: number; max: number };
  maxRssMb: { median: number; max: number };
}

export interface GeneratorResults {
  cases: Record<string, CaseResult>;
  ratios: {
    createWall: number;
    createRss: number;
    helpWall: number;
    helpRss: number;
    /** update's medians over create-vite's scaffold, for scale. */
    updateNoChangeWall?: number;
    updateStoreSwitchWall?: number;
  };
  notes: string[];
}

interface Measurement {
  wall_ms: number;
  maxrss_kb: number;
  code: number;
  output: string;
}

interface Case {
  key: string;
  label: string;
  /** Prepares one run (outside the timing); returns argv and a check of the outcome. */
  prepare: (run: string) => Promise<{ argv: string[]; check: (m: Measurement) => Promise<string | undefined> }>;
  display: string;
}

export async function benchGenerator(options: GeneratorOptions): Promise<GeneratorResults> {
  const { log } = options;
  const notes: string[] = [];
  const genDir = path.join(options.workDir, "generator");
  await mkdir(genDir, { recursive: true });
  const vite = createViteBin();
  const node = process.execPath;
  const env = childEnv();

  const exists = (dir: string, file: string) => existsSync(path.join(genDir, dir, file));
  const expect0 = async (m: Measurement) => (m.code === 0 ? undefined : `exit ${m.code}: ${m.output.slice(-600)}`);

  const cases: Case[] = [
    {
      key: "create",
      label: "create-chatkit-server DIR --yes --no-install --no-git",
      display: "node bin/create-chatkit-server.js DIR --yes --no-install --no-git",
      prepare: async (run) => {
        const dir = `ccs-${run}`;
        return {
          argv: [node, CLI_BIN, dir, "--yes", "--no-install", "--no-git"],
          check: async (m) => (await expect0(m)) ?? (exists(dir, "pyproject.toml") ? undefined : "no pyproject.toml written"),
        };
      },
    },
    {
      key: "create-vite",
      label: "create-vite DIR --template vanilla-ts --no-interactive",
      display: "node node_modules/create-vite/index.js DIR --template vanilla-ts --no-interactive",
      prepare: async (run) => {
        const dir = `vite-${run}`;
        return {
          argv: [node, vite, dir, "--template", "vanilla-ts", "--no-interactive"],
          check: async (m) => (await expect0(m)) ?? (exists(dir, "package.json") ? undefined : "no package.json written"),
        };
      },
    },
    {
      key: "help",
      label: "create-chatkit-server --help",
      display: "node bin/create-chatkit-server.js --help",
      prepare: async () => ({ argv: [node, CLI_BIN, "--help"], check: expect0 }),
    },
    {
      key: "create-vite-help",
      label: "create-vite --help",
      display: "node node_modules/create-vite/index.js --help",
      prepare: async () => ({ argv: [node, vite, "--help"], check: expect0 }),
    },
  ];

  // Every run writes a directory of its own, and none is removed before the last round: on
  // this machine's ext4, 27 small files took 1 ms to create on a quiet disk and 11 ms right
  // after a few hundred removals, which would charge the harness's clean-up to the next run.
  const rounds = options.warmupRounds + options.runs;
  // `update`, when this build has it: on a project generated once with the defaults.
  const measurer = new JsonLinesChild("the process measurer", options.python, [MEASURE]);
  try {
    const updateCases = await prepareUpdateCases(measurer, genDir, env, rounds, notes);
    cases.push(...updateCases);

    const byKey = new Map<string, Measurement[]>(cases.map((c) => [c.key, []]));
    const failures = new Map<string, string[]>(cases.map((c) => [c.key, []]));
    log(`generator: ${options.warmupRounds} warm-up + ${options.runs} measured rounds of ${cases.map((c) => c.key).join(", ")}`);
    for (let round = 0; round < rounds; round++) {
      // Rotate the order every round, so no case always runs right after another.
      const order = cases.map((_, i) => cases[(i + round) % cases.length]);
      for (const c of order) {
        const { argv, check } = await c.prepare(String(round));
        const m = await measurer.request<Measurement>({ argv, cwd: genDir, env });
        const problem = await check(m);
        if (round < options.warmupRounds) continue;
        if (problem) failures.get(c.key)!.push(problem);
        else byKey.get(c.key)!.push(m);
      }
    }

    const results: Record<string, CaseResult> = {};
    for (const c of cases) {
      const ms = byKey.get(c.key)!;
      const walls = ms.map((m) => m.wall_ms);
      const rss = ms.map((m) => m.maxrss_kb / 1024);
      const failed = failures.get(c.key)!;
      results[c.key] = {
        label: c.label,
        command: c.display,
        runs: ms.length,
        failures: failed.length,
        ...(failed.length ? { firstFailure: failed[0] } : {}),
        wallMs: {
          median: round(median(walls), 1),
          p10: round(quantile(walls, 0.1), 1),
          p90: round(quantile(walls, 0.9), 1),
          min: round(Math.min(...walls), 1),
          max: round(Math.max(...walls), 1),
        },
        maxRssMb: { median: round(median(rss), 1), max: round(Math.max(...rss), 1) },
      };
      if (failed.length) notes.push(`${c.label}: ${failed.length} of ${failed.length + ms.length} runs failed; first: ${failed[0]}`);
    }
    const wall = (key: string) => results[key]?.wallMs.median ?? Number.NaN;
    const rssOf = (key: string) => results[key]?.maxRssMb.median ?? Number.NaN;
    return {
      cases: results,
      ratios: {
        createWall: round(ratio(wall("create"), wall("create-vite"))),
        createRss: round(ratio(rssOf("create"), rssOf("create-vite"))),
        helpWall: round(ratio(wall("help"), wall("create-vite-help"))),
        helpRss: round(ratio(rssOf("help"), rssOf("create-vite-help"))),
        ...(results["update-no-change"]
          ? {
              updateNoChangeWall: round(ratio(wall("update-no-change"), wall("create-vite"))),
              updateStoreSwitchWall: round(ratio(wall("update-store-switch"), wall("create-vite"))),
            }
          : {}),
      },
      notes,
    };
  } finally {
    await measurer.close();
    await rm(genDir, { recursive: true, force: true });
  }
}

async function prepareUpdateCases(
  measurer: JsonLinesChild,
  genDir: string,
  env: NodeJS.ProcessEnv,
  rounds: number,
  notes: string[],
): Promise<Case[]> {
  const node = process.execPath;
  const help = await measurer.request<Measurement>({ argv: [node, CLI_BIN, "update", "--help"], cwd: genDir, env });
  if (help.code !== 0 || !/Usage: create-chatkit-server update/.test(help.output)) {
    notes.push("`create-chatkit-server update` is not in this build: its rows are skipped.");
    return [];
  }
  const base = "update-base";
  await rm(path.join(genDir, base), { recursive: true, force: true });
  const generated = await measurer.request<Measurement>({
    argv: [node, CLI_BIN, base, "--yes", "--no-install", "--no-git", "--store", "sqlite"],
    cwd: genDir,
    env,
  });
  if (generated.code !== 0) {
    notes.push(`update rows skipped: generating their project failed (exit ${generated.code}): ${generated.output.slice(-400)}`);
    return [];
  }
  const expect0 = async (m: Measurement) => (m.code === 0 ? undefined : `exit ${m.code}: ${m.output.slice(-600)}`);
  // The store switch rewrites its project: one copy per round, all made before the first.
  const switchDir = (run: string) => `switch-${run}`;
  for (let run = 0; run < rounds; run++) {
    await cp(path.join(genDir, base), path.join(genDir, switchDir(String(run))), { recursive: true });
  }
  return [
    {
      key: "update-no-change",
      label: "create-chatkit-server update DIR --yes (no change)",
      display: "node bin/create-chatkit-server.js update DIR --yes",
      prepare: async () => ({ argv: [node, CLI_BIN, "update", base, "--yes"], check: expect0 }),
    },
    {
      key: "update-store-switch",
      label: "create-chatkit-server update DIR --yes --store memory (from sqlite)",
      display: "node bin/create-chatkit-server.js update DIR --yes --store memory",
      prepare: async (run) => {
        const dir = switchDir(run);
        return {
          argv: [node, CLI_BIN, "update", dir, "--yes", "--store", "memory"],
          check: async (m) => {
            let problem = await expect0(m);
            if (!problem) {
              const config = await readFile(path.join(genDir, dir, ".chatkit-server.json"), "utf8").catch(() => "");
              if (!/"store":\s*"memory"/.test(config)) problem = "the project's .chatkit-server.json does not say store: memory afterwards";
            }
            return problem;
          },
        };
      },
    },
  ];
}

function createViteBin(): string {
  const require = createRequire(path.join(REPO_ROOT, "package.json"));
  let manifest: string;
  try {
    manifest = require.resolve("create-vite/package.json");
  } catch {
    throw new Error("create-vite is not installed: run `npm install` (it is a devDependency)");
  }
  return path.join(path.dirname(manifest), "index.js");
}

/** The children's environment: no CI-only or colour switches that would change their work. */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith("npm_") || key.startsWith("CHATKIT_") || key === "CREATE_CHATKIT_SERVER_TEMPLATES") delete env[key];
  }
  return env;
}
