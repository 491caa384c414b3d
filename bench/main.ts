// `npm run bench [-- options]`: figures, not pass/fail tests. See bench/README.md.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { findBasePython, REPO_ROOT } from "../test/e2e/python-env.js";
import { benchGenerator } from "./generator.js";
import { benchLengths, LENGTH_PARAMS, QUICK_LENGTH_PARAMS } from "./lengths-bench.js";
import { evaluateTargets, markdownReport, type BenchResults, type MachineInfo } from "./report.js";
import {
  ALL_STORES,
  benchServer,
  checkPostgresReachable,
  FULL_PARAMS,
  prepareProjects,
  QUICK_PARAMS,
  type PreparedProjects,
  type Store,
} from "./server-bench.js";

const USAGE = `Usage: npm run bench -- [options]

  --quick              fewer runs and turns (3-4 minutes instead of about 10 on 2 idle cores)
  --only <sections>    generator, server, lengths (answers of 15, 300 and 1,000 events
                       against the plain peer, coalescing, --workers 2); default: all
  --stores <list>      stores to serve (default: memory,sqlite,postgres)
  --runs <n>           measured runs per generator command (default 15; --quick 10)
  --experiment <name>  also serve each store with a proposed change applied, side by
                       side in the same rounds (repeatable; see bench/README.md):
                       asgi-security-headers, memory-json-copies
  --out <dir>          where latest.json and latest.md go (default: bench/results)
  --keep               keep the work directory (projects, databases, server logs)
  -h, --help           this text

Environment: CHATKIT_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres);
CHATKIT_E2E_CACHE (where the cached venvs live, shared with the e2e tests).`;

const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string", default: "generator,server,lengths" },
      stores: { type: "string", default: ALL_STORES.join(",") },
      runs: { type: "string" },
      experiment: { type: "string", multiple: true, default: [] },
      out: { type: "string", default: path.join(REPO_ROOT, "bench", "results") },
      keep: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const sections = new Set(values.only.split(",").map((s) => s.trim()));
  for (const section of sections) {
    if (section !== "generator" && section !== "server" && section !== "lengths") throw new UsageError(`--only: unknown section '${section}'`);
  }
  const stores = values.stores.split(",").map((s) => s.trim()) as Store[];
  for (const store of stores) {
    if (!ALL_STORES.includes(store)) throw new UsageError(`--stores: unknown store '${store}'`);
  }
  const runs = Number(values.runs ?? (values.quick ? 10 : 15));
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError("--runs needs a positive integer");
  const databaseUrl = process.env.CHATKIT_BENCH_DATABASE_URL || DEFAULT_DATABASE_URL;

  const started = Date.now();
  const log = (line: string) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const python = await findBasePython();
  // Before any long work: a bench that would fail at its last step should fail now.
  if ((sections.has("server") || sections.has("lengths")) && stores.includes("postgres")) await checkPostgresReachable(databaseUrl);

  const machine: MachineInfo = {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.versions.node,
    python: execFileSync(python, ["-c", "import sys; print(sys.version.split()[0])"], { encoding: "utf8" }).trim(),
    loadAverage: { start: os.loadavg()[0], end: Number.NaN },
  };
  const workDir = await mkdtemp(path.join(os.tmpdir(), "chatkit-bench-"));
  log(`work directory ${workDir}`);
  const results: Omit<BenchResults, "targets"> = {
    date: new Date().toISOString(),
    mode: values.quick ? "quick" : "full",
    durationSeconds: 0,
    machine,
    errors: [],
  };

  try {
    // The generator first: preparing the servers installs thousands of files, and file
    // creation on this machine stays several times slower for a while after such churn.
    if (sections.has("generator")) {
      try {
        results.generator = await benchGenerator({ workDir, runs, warmupRounds: 2, python, log });
      } catch (error) {
        results.errors.push(`generator section failed: ${(error as Error).message}`);
        log(results.errors.at(-1)!);
      }
    }
    let prepared: PreparedProjects | undefined;
    if (sections.has("server") || sections.has("lengths")) {
      try {
        // The lengths section serves the sqlite project (and postgres, for --workers).
        const needed = sections.has("server") ? stores : stores.filter((s) => s !== "memory");
        prepared = await prepareProjects(workDir, needed, databaseUrl, log);
      } catch (error) {
        results.errors.push(`server section failed: ${(error as Error).stack ?? error}`);
        log(results.errors.at(-1)!);
      }
    }
    if (prepared && sections.has("server")) {
      try {
        results.server = await benchServer({
          workDir,
          stores,
          databaseUrl,
          params: values.quick ? QUICK_PARAMS : FULL_PARAMS,
          experiments: values.experiment,
          log,
        }, prepared);
      } catch (error) {
        results.errors.push(`server section failed: ${(error as Error).stack ?? error}`);
        log(results.errors.at(-1)!);
      }
    }
    if (prepared && sections.has("lengths")) {
      try {
        results.lengths = await benchLengths({
          workDir,
          prepared,
          databaseUrl,
          params: values.quick ? QUICK_LENGTH_PARAMS : LENGTH_PARAMS,
          log,
        });
      } catch (error) {
        results.errors.push(`lengths section failed: ${(error as Error).stack ?? error}`);
        log(results.errors.at(-1)!);
      }
    }
  } finally {
    if (values.keep) log(`kept ${workDir}`);
    else await rm(workDir, { recursive: true, force: true });
  }

  machine.loadAverage.end = os.loadavg()[0];
  results.durationSeconds = (Date.now() - started) / 1000;
  const full: BenchResults = { ...results, targets: evaluateTargets(results) };
  const report = markdownReport(full);
  await mkdir(values.out, { recursive: true });
  await writeFile(path.join(values.out, "latest.json"), `${JSON.stringify(full, null, 2)}\n`);
  await writeFile(path.join(values.out, "latest.md"), report);
  console.log(`\n${report}`);
  log(`wrote ${path.join(values.out, "latest.json")} and latest.md`);
  return results.errors.length ? 1 : 0;
}

class UsageError extends Error {}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    console.error(error instanceof UsageError ? `${error.message}\n\n${USAGE}` : `bench failed: ${error.message}`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
