// 5. Answer lengths: the generated server on answers of 15, 300 and 1,000 events, next to a
// "plain" peer (bench/fixtures/plain.py: a ChatKitServer subclass as the SDK's docs show it,
// same store and fake model, no middleware) and to the replay floor, with coalescing off and
// at 15 ms; then uvicorn --workers 2 against one worker, for sqlite and postgres.
//
// Every server runs at once; rounds alternate them (the order rotates each round), and the
// figures compared are ratios within a round, so that other work on the machine hits both
// sides of a ratio alike.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { run } from "../test/e2e/process.js";
import type { JobResult } from "./load-client.js";
import { LoadClient } from "./lib/load.js";
import { BenchServer } from "./lib/server.js";
import { median, quantile, ratio, round } from "./lib/stats.js";
import { PG_HELPER, recordStreams, reportProblems, serverEnv, tps, type PreparedProjects, type Store } from "./server-bench.js";

export interface LengthParams {
  /** SSE events of an add_user_message answer: the fake model streams (events - FIXED_EVENTS) deltas. */
  events: number[];
  rounds: number;
  /** Turns per job, per answer length. */
  c1Turns: Record<number, number>;
  c32Turns: Record<number, number>;
  warmupTurns: number;
  coalesceMs: number;
  jobMaxSeconds: number;
}

export const LENGTH_PARAMS: LengthParams = {
  events: [15, 300, 1_000],
  rounds: 3,
  c1Turns: { 15: 40, 300: 16, 1_000: 8 },
  c32Turns: { 15: 192, 300: 96, 1_000: 64 },
  warmupTurns: 64,
  coalesceMs: 15,
  jobMaxSeconds: 120,
};

export const QUICK_LENGTH_PARAMS: LengthParams = {
  ...LENGTH_PARAMS,
  rounds: 2,
  c1Turns: { 15: 16, 300: 8, 1_000: 4 },
  c32Turns: { 15: 64, 300: 32, 1_000: 32 },
  warmupTurns: 32,
  jobMaxSeconds: 60,
};

/** An add_user_message answer's events besides its text deltas: the user message's done,
 * stream_options, the assistant message's added and done, its part's added and done. */
const FIXED_EVENTS = 6;

export interface LengthFigures {
  turnsPerSecond: number;
  /** turns/s x the answer's events (as the model streamed them, before any coalescing). */
  eventsPerSecond: number;
  /** Server CPU per turn / the answer's events, in microseconds. */
  cpuUsPerEvent: number;
  /** Time to the first text delta. */
  firstDeltaMs: { p50: number; p99: number };
  /** SSE events the client got per turn (fewer than the answer's with coalescing). */
  sentEventsPerTurn: number;
  /** Medians over rounds of per-round ratios of turns/s. */
  vsPlain?: number;
  vsFloor?: number;
  vsGenerated?: number;
}

export interface WorkerScaling {
  oneWorker: number;
  twoWorkers: number;
  /** Median over rounds of (2 workers' turns/s) / (1 worker's), concurrency 32. */
  scaling: number;
}

export interface LengthResults {
  params: LengthParams;
  store: Store;
  /** figures[events][target][concurrency] */
  figures: Record<string, Record<string, { c1: LengthFigures; c32: LengthFigures }>>;
  /** workers[store][events] */
  workers: Partial<Record<Store, Record<string, WorkerScaling>>>;
  notes: string[];
}

export const TARGETS = ["floor", "plain", "generated", "coalesced"] as const;

interface Options {
  workDir: string;
  prepared: PreparedProjects;
  databaseUrl: string;
  params: LengthParams;
  log: (line: string) => void;
}

interface Measured extends JobResult {
  cpuMsPerTurn: number;
}

export async function benchLengths(options: Options): Promise<LengthResults> {
  const { params, log, prepared } = options;
  const sqlite = prepared.projects.get("sqlite");
  if (!sqlite) throw new Error("the answer-length section needs the sqlite project (--stores with sqlite)");
  const postgres = prepared.projects.get("postgres");
  const dataDir = path.join(options.workDir, "lengths");
  await mkdir(dataDir, { recursive: true });
  const notes: string[] = [];
  const runId = `${process.pid}_${Date.now().toString(36)}`;
  const schemas: string[] = [];
  const envFor = (store: Store, name: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...serverEnv(), ...extra };
    if (store === "sqlite") env.CHATKIT_DB_PATH = path.join(dataDir, `${name}.sqlite3`);
    if (store === "postgres") {
      const schema = `chatkit_bench_${runId}_len_${name.replace(/\W/g, "_")}`;
      schemas.push(schema);
      env.DATABASE_URL = options.databaseUrl;
      env.CHATKIT_DATABASE_SCHEMA = schema;
    }
    return env;
  };
  const servers = new Map<string, BenchServer>();
  const start = async (name: string, project: { dir: string; env: { python: string } }, args: string[], env: NodeJS.ProcessEnv) => {
    servers.set(
      name,
      await BenchServer.start({
        name,
        python: project.env.python,
        cwd: project.dir,
        args,
        env,
        logFile: path.join(dataDir, `${name.replace(/\W/g, "_")}.log`),
        startupTimeoutMs: 180_000,
      }),
    );
  };
  const client = new LoadClient();
  try {
    log("lengths: starting plain, generated, coalesced and --workers 2 servers");
    await Promise.all([
      start("plain", sqlite, ["--plain"], envFor("sqlite", "plain")),
      start("generated", sqlite, [], envFor("sqlite", "generated")),
      start("coalesced", sqlite, [], envFor("sqlite", "coalesced", { CHATKIT_STREAM_COALESCE_MS: String(params.coalesceMs) })),
    ]);
    // Started after the others: two more processes importing the SDKs at once would only
    // slow every start on two cores.
    await start("sqlite x2", sqlite, ["--workers", "2"], envFor("sqlite", "workers2"));
    if (postgres) {
      await Promise.all([
        start("postgres x1", postgres, [], envFor("postgres", "workers1")),
        start("postgres x2", postgres, ["--workers", "2"], envFor("postgres", "workers2")),
      ]);
    }
    const recording: Record<string, string[]> = {};
    for (const events of params.events) {
      Object.assign(recording, await recordStreams(servers.get("generated")!.baseUrl, events - FIXED_EVENTS));
    }
    const recordingFile = path.join(dataDir, "floor-recording.json");
    await writeFile(recordingFile, JSON.stringify(recording));
    await start("floor", sqlite, ["--floor", recordingFile], serverEnv());

    const job = async (name: string, concurrency: number, turns: number, events: number): Promise<Measured> => {
      const server = servers.get(name)!;
      const cpuBefore = server.cpuMs();
      const result = await client.run({
        kind: "turns",
        baseUrl: server.baseUrl,
        concurrency,
        turns,
        threadTurns: 25,
        maxSeconds: params.jobMaxSeconds,
        answerDeltas: events - FIXED_EVENTS,
      });
      const cpuMs = server.cpuMs() - cpuBefore;
      reportProblems(`${name} (${events} events, concurrency ${concurrency})`, result, notes, log);
      return { ...result, cpuMsPerTurn: result.completed ? cpuMs / result.completed : Number.NaN };
    };

    log(`lengths: warm-up (${params.warmupTurns} turns of 300 events each)`);
    for (const name of servers.keys()) await job(name, 32, params.warmupTurns, 300);

    // measured[events][target] = { c1: [...rounds], c32: [...rounds] }
    const measured = new Map<string, { c1: Measured[]; c32: Measured[] }>();
    const cell = (events: number, name: string) => {
      const key = `${events}/${name}`;
      if (!measured.has(key)) measured.set(key, { c1: [], c32: [] });
      return measured.get(key)!;
    };
    const workerNames = ["generated", "sqlite x2", ...(postgres ? ["postgres x1", "postgres x2"] : [])];
    for (let r = 0; r < params.rounds; r++) {
      for (const events of params.events) {
        const order = TARGETS.map((_, i) => TARGETS[(i + r) % TARGETS.length]);
        log(`lengths: round ${r + 1}/${params.rounds}, ${events} events (${order.join(" -> ")}; then workers)`);
        for (const name of order) {
          cell(events, name).c1.push(await job(name, 1, params.c1Turns[events], events));
          cell(events, name).c32.push(await job(name, 32, params.c32Turns[events], events));
        }
        // --workers: concurrency 32 only (one worker per core is what it is for).
        const workerOrder = r % 2 === 0 ? workerNames : [...workerNames].reverse();
        for (const name of workerOrder) {
          if (name === "generated") continue; // measured above, in this round
          cell(events, name).c32.push(await job(name, 32, params.c32Turns[events], events));
        }
      }
    }

    const figures: LengthResults["figures"] = {};
    const perRound = (events: number, name: string, c: "c1" | "c32") => cell(events, name)[c].map(tps);
    const ratioOver = (events: number, a: string, b: string, c: "c1" | "c32") =>
      round(median(perRound(events, a, c).map((v, i) => ratio(v, perRound(events, b, c)[i]))));
    for (const events of params.events) {
      figures[events] = {};
      for (const name of TARGETS) {
        const summarize = (c: "c1" | "c32"): LengthFigures => {
          const rounds = cell(events, name)[c];
          const turnsPerSecond = median(rounds.map(tps));
          const firstDelta = rounds.flatMap((m) => m.samples.turn?.firstDeltaMs ?? []);
          const sent = rounds.flatMap((m) => m.samples.turn?.events ?? []);
          const cpu = median(rounds.map((m) => m.cpuMsPerTurn));
          return {
            turnsPerSecond: round(turnsPerSecond, 1),
            eventsPerSecond: Math.round(turnsPerSecond * events),
            cpuUsPerEvent: round((cpu * 1000) / events, 1),
            firstDeltaMs: { p50: round(quantile(firstDelta, 0.5), 2), p99: round(quantile(firstDelta, 0.99), 2) },
            sentEventsPerTurn: median(sent),
            ...(name === "floor" ? {} : { vsFloor: ratioOver(events, name, "floor", c) }),
            ...(name === "floor" || name === "plain" ? {} : { vsPlain: ratioOver(events, name, "plain", c) }),
            ...(name === "coalesced" ? { vsGenerated: ratioOver(events, name, "generated", c) } : {}),
          };
        };
        figures[events][name] = { c1: summarize("c1"), c32: summarize("c32") };
      }
    }
    const workers: LengthResults["workers"] = {};
    const pairs: Array<[Store, string, string]> = [["sqlite", "generated", "sqlite x2"]];
    if (postgres) pairs.push(["postgres", "postgres x1", "postgres x2"]);
    for (const [store, one, two] of pairs) {
      workers[store] = {};
      for (const events of params.events) {
        workers[store]![events] = {
          oneWorker: round(median(perRound(events, one, "c32")), 1),
          twoWorkers: round(median(perRound(events, two, "c32")), 1),
          scaling: ratioOver(events, two, one, "c32"),
        };
      }
    }
    return { params, store: "sqlite", figures, workers, notes };
  } catch (error) {
    for (const server of servers.values()) console.error(`--- ${server.name} log (${server.logFile}) ---\n${server.logs()}`);
    throw error;
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
    await client.close();
    if (schemas.length && postgres) {
      const dropped = await run(postgres.env.python, [PG_HELPER, "drop", options.databaseUrl, ...schemas], { timeoutMs: 60_000 });
      if (dropped.code !== 0) log(`could not drop the bench's schemas ${schemas.join(", ")}`);
    }
  }
}
