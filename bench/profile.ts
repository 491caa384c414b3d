// Profiles one generated server under load with py-spy: where does a turn's CPU go?
//
//   node --import ./bench/ts-loader.mjs bench/profile.ts [--store memory] [--seconds 20]
//        [--concurrency 8] [--experiment NAME]... [--out DIR (default .cache/bench/profiles)]
//
// Generates the project and its venv as `npm run bench` does, installs py-spy (PyPI) into
// .cache/bench/tools, serves the project with the bench fixture, and samples it while the load
// client runs. Prints the heaviest frames (self and inclusive) and writes py-spy's raw stacks
// (`flamegraph.pl`-compatible) to DIR/profile-<store>.txt.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { runOrThrow } from "../test/e2e/process.js";
import { ensureUv, findBasePython, REPO_ROOT } from "../test/e2e/python-env.js";
import { LoadClient } from "./lib/load.js";
import { BenchServer } from "./lib/server.js";
import { ALL_STORES, prepareProjects, type Store } from "./server-bench.js";

const TOOLS = path.join(REPO_ROOT, ".cache", "bench", "tools");

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      store: { type: "string", default: "memory" },
      seconds: { type: "string", default: "20" },
      concurrency: { type: "string", default: "8" },
      experiment: { type: "string", multiple: true, default: [] },
      out: { type: "string", default: path.join(REPO_ROOT, ".cache", "bench", "profiles") },
    },
  });
  const store = values.store as Store;
  if (!ALL_STORES.includes(store)) throw new Error(`--store: one of ${ALL_STORES.join(", ")}`);
  const seconds = Number(values.seconds);
  const log = (line: string) => console.error(`[profile] ${line}`);
  const databaseUrl = process.env.CHATKIT_BENCH_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";

  const pySpy = await ensurePySpy();
  const workDir = await mkdtemp(path.join(os.tmpdir(), "chatkit-profile-"));
  const client = new LoadClient();
  let server: BenchServer | undefined;
  try {
    const { projects } = await prepareProjects(workDir, [store], databaseUrl, log);
    const project = projects.get(store)!;
    const env: NodeJS.ProcessEnv = { ...process.env, CHATKIT_TRACING: "false" };
    delete env.OPENAI_API_KEY;
    if (store === "sqlite") env.CHATKIT_DB_PATH = path.join(workDir, "profile.sqlite3");
    if (store === "postgres") {
      env.DATABASE_URL = databaseUrl;
      env.CHATKIT_DATABASE_SCHEMA = `chatkit_profile_${process.pid}`;
    }
    server = await BenchServer.start({
      name: store,
      python: project.env.python,
      cwd: project.dir,
      args: values.experiment.flatMap((name) => ["--experiment", name]),
      env,
      logFile: path.join(workDir, "server.log"),
    });
    const job = { kind: "turns" as const, baseUrl: server.baseUrl, concurrency: Number(values.concurrency), threadTurns: 25 };
    log("warming up (200 turns)");
    await client.run({ ...job, turns: 200, maxSeconds: 120 });

    await mkdir(values.out, { recursive: true });
    const raw = path.join(values.out, `profile-${store}.txt`);
    log(`sampling pid ${server.pid} for ${seconds} s under load`);
    const spy = spawn(pySpy, ["record", "-p", String(server.pid), "-d", String(seconds), "-r", "200", "-f", "raw", "-o", raw, "--nonblocking"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    const spyDone = new Promise<void>((resolve) => spy.on("close", () => resolve()));
    const cpuBefore = server.cpuMs();
    const result = await client.run({ ...job, turns: 1_000_000, maxSeconds: seconds + 1 });
    const cpuMsPerTurn = (server.cpuMs() - cpuBefore) / result.completed;
    await spyDone;
    const summary = summarize(await readFile(raw, "utf8"));
    const header = `${store}${values.experiment.length ? ` with ${values.experiment.join(", ")}` : ""}: ${result.completed} turns, server CPU ${cpuMsPerTurn.toFixed(1)} ms/turn`;
    const text = `${header}\n\n${summary}`;
    await writeFile(path.join(values.out, `profile-${store}.md`), `\`\`\`\n${text}\n\`\`\`\n`);
    console.log(text);
    log(`raw stacks in ${raw}`);
  } finally {
    await server?.stop();
    await client.close();
    if (store === "postgres") log(`left schema chatkit_profile_${process.pid} in the database`);
    await rm(workDir, { recursive: true, force: true });
  }
}

async function ensurePySpy(): Promise<string> {
  const pySpy = path.join(TOOLS, "bin", "py-spy");
  if (existsSync(pySpy)) return pySpy;
  const uv = await ensureUv();
  const uvEnv = { ...process.env, UV_CACHE_DIR: path.join(REPO_ROOT, ".cache", "e2e", "uv-cache"), UV_PYTHON_DOWNLOADS: "never" };
  await runOrThrow(uv, ["venv", "--quiet", "--python", await findBasePython(), TOOLS], { env: uvEnv });
  await runOrThrow(uv, ["pip", "install", "--quiet", "--python", path.join(TOOLS, "bin", "python"), "py-spy>=0.4,<1"], { env: uvEnv });
  return pySpy;
}

/** The heaviest frames of py-spy's raw output ("frame;frame;... count" lines). */
function summarize(raw: string): string {
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const line of raw.split("\n")) {
    const cut = line.lastIndexOf(" ");
    if (cut < 0) continue;
    const count = Number(line.slice(cut + 1));
    if (!Number.isFinite(count)) continue;
    const frames = line.slice(0, cut).split(";");
    total += count;
    const leaf = frames[frames.length - 1];
    self.set(leaf, (self.get(leaf) ?? 0) + count);
    for (const frame of new Set(frames)) inclusive.set(frame, (inclusive.get(frame) ?? 0) + count);
  }
  const list = (map: Map<string, number>, top: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame, count]) => `${((count / total) * 100).toFixed(1).padStart(5)}%  ${frame}`)
      .join("\n");
  return `${total} samples\n\nself:\n${list(self, 25)}\n\ninclusive:\n${list(inclusive, 70)}`;
}

main().catch((error: Error) => {
  console.error(`profile failed: ${error.stack ?? error.message}`);
  process.exitCode = 1;
});
