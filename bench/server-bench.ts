// 2-4. The generated server: throughput and latency per store against a floor, history cost
// O(window), threads.list cost, and RSS growth over turns.
//
// Each store variant is generated with the built CLI and installed from PyPI into a cached venv
// (test/e2e's generate-project.ts and python-env.ts), then served by bench/fixtures/serve.py:
// the generated app under real uvicorn with a zero-latency fake model. The load comes from
// bench/load-client.ts, a separate Node process, over loopback HTTP.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import path from "node:path";
import { ChatKitClient, userInput } from "../test/e2e/chatkit-client.js";
import { generateProject, type StoreVariant } from "../test/e2e/generate-project.js";
import { describeFailure, run } from "../test/e2e/process.js";
import { ensureProjectEnv, type ProjectEnv } from "../test/e2e/python-env.js";
import type { JobResult, ScriptRequest } from "./load-client.js";
import { LoadClient } from "./lib/load.js";
import { BenchServer } from "./lib/server.js";
import { median, quantile, ratio, round } from "./lib/stats.js";

export type Store = "memory" | "sqlite" | "postgres";
export const ALL_STORES: Store[] = ["memory", "sqlite", "postgres"];

export interface ServerParams {
  /** Measured rounds; each runs every target once at concurrency 1 and once at 32. */
  rounds: number;
  c1Turns: number;
  c32Turns: number;
  /** Turns per thread in the load (the first one creates the thread). */
  threadTurns: number;
  /** Turns before the first RSS reading (warm-up included), and the total for the second. */
  rssTurns: [number, number];
  floorWarmupTurns: number;
  /** Seeded sizes: a thread of bigItems items vs threads of smallItems; bigThreads vs smallThreads. */
  bigItems: number;
  smallItems: number;
  bigThreads: number;
  smallThreads: number;
  /** CHATKIT_HISTORY_LIMIT for the history servers. */
  historyLimit: number;
  historyTurns: number;
  listRequests: number;
  /** Upper bound, in seconds, on any one load job. */
  jobMaxSeconds: number;
}

export const FULL_PARAMS: ServerParams = {
  rounds: 5,
  c1Turns: 40,
  c32Turns: 200,
  threadTurns: 25,
  rssTurns: [1_000, 10_000],
  floorWarmupTurns: 300,
  bigItems: 10_000,
  smallItems: 10,
  bigThreads: 10_000,
  smallThreads: 10,
  historyLimit: 10,
  historyTurns: 100,
  listRequests: 200,
  jobMaxSeconds: 120,
};

/** The same measurements, smaller: about a third of the time. */
export const QUICK_PARAMS: ServerParams = {
  ...FULL_PARAMS,
  rounds: 3,
  c1Turns: 20,
  c32Turns: 64,
  rssTurns: [200, 1_000],
  floorWarmupTurns: 100,
  historyTurns: 30,
  listRequests: 60,
  jobMaxSeconds: 60,
};

export interface ServerBenchOptions {
  workDir: string;
  stores: Store[];
  databaseUrl: string;
  params: ServerParams;
  /** serve.py --experiment names: each store is also served with them applied, side by side. */
  experiments: string[];
  log: (line: string) => void;
}

export interface LatencySummary {
  turnsPerSecond: number;
  /** Per-round throughputs, in run order. */
  roundTurnsPerSecond: number[];
  firstEventMs: { p50: number; p99: number };
  lastEventMs: { p50: number; p99: number };
  eventsPerTurn: number;
  /** Median over rounds of the server process's CPU time per turn: steadier than turns/s on a busy machine. */
  cpuMsPerTurn: number;
  roundCpuMsPerTurn: number[];
  turns: number;
}

export interface TargetThroughput {
  c1: LatencySummary;
  c32: LatencySummary;
  /** Median over rounds of (this target's turns/s) / (the floor's, same round). */
  vsFloor?: { c1: number; c32: number };
  /** Median over rounds of (turns/s) / (memory's, same round), at concurrency 32. */
  vsMemoryC32?: number;
  /** For an experiment's server: median over rounds of turns/s over the unchanged store's. */
  vsGenerated?: { c1: number; c32: number };
}

export interface RssResult {
  /** [turns served, RSS in MiB] at each quiet point. */
  series: Array<[number, number]>;
  first: { turns: number; mb: number };
  last: { turns: number; mb: number };
  growth: number;
}

export interface HistoryResult {
  seedSeconds: number;
  historyLimit: number;
  turn: { bigMs: number; smallMs: number; bigP90: number; smallP90: number; ratio: number; n: number };
  list: { bigMs: number; smallMs: number; bigP90: number; smallP90: number; ratio: number; n: number };
}

export interface ServerResults {
  params: ServerParams;
  experiments: string[];
  versions: Record<string, string>;
  throughput: Record<string, TargetThroughput>;
  rss: Partial<Record<Store, RssResult>>;
  history: Partial<Record<Store, HistoryResult>>;
  notes: string[];
}

export const PG_HELPER = path.join(path.dirname(new URL(import.meta.url).pathname), "fixtures", "pg.py");
const USER_HEADER = "X-Bench-User";

/** Fails fast, before any long work, when PostgreSQL does not accept TCP connections. */
export async function checkPostgresReachable(databaseUrl: string): Promise<void> {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error(`CHATKIT_BENCH_DATABASE_URL is not a URL: ${databaseUrl}`);
  }
  const host = url.hostname || "127.0.0.1";
  const port = Number(url.port || 5432);
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port, timeout: 3_000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve();
    });
    const fail = (why: string) => {
      socket.destroy();
      reject(
        new Error(
          `PostgreSQL is not reachable at ${host}:${port} (${why}). The postgres rows need a server: set ` +
            `CHATKIT_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres) or leave ` +
            `postgres out with --stores memory,sqlite.`,
        ),
      );
    };
    socket.once("timeout", () => fail("timed out"));
    socket.once("error", (error) => fail(error.message));
  });
}

export interface PreparedProjects {
  projects: Map<Store, { dir: string; env: ProjectEnv }>;
  versions: Record<string, string>;
}

/**
 * Generates each store's project with the built CLI and installs its venv (cached), and checks
 * PostgreSQL with asyncpg. Done first, right after the build, so a bad install fails fast.
 */
export async function prepareProjects(
  workDir: string,
  stores: Store[],
  databaseUrl: string,
  log: (line: string) => void,
): Promise<PreparedProjects> {
  const projects = new Map<Store, { dir: string; env: ProjectEnv }>();
  for (const store of stores) {
    const dir = path.join(workDir, "projects", `${store}-server`);
    await mkdir(path.dirname(dir), { recursive: true });
    log(`server: generating the ${store} project`);
    await generateProject(dir, { store: store satisfies StoreVariant });
    log(`server: installing its venv (cached under .cache/e2e/envs/bench-${store})`);
    projects.set(store, { dir, env: await ensureProjectEnv(dir, `bench-${store}`) });
  }
  const versions: Record<string, string> = {};
  for (const { env } of projects.values()) Object.assign(versions, await packageVersions(env.python));
  const postgres = projects.get("postgres");
  if (postgres) {
    const check = await run(postgres.env.python, [PG_HELPER, "check", databaseUrl], { timeoutMs: 30_000 });
    if (check.code !== 0) {
      throw new Error(`cannot connect to PostgreSQL at ${redact(databaseUrl)}: ${check.stderr.trim() || check.stdout.trim()}`);
    }
    versions.postgresql = check.stdout.trim();
  }
  return { projects, versions };
}

export async function benchServer(options: ServerBenchOptions, prepared: PreparedProjects): Promise<ServerResults> {
  const { log, params } = options;
  const { projects, versions } = prepared;
  const notes: string[] = [];
  const dataDir = path.join(options.workDir, "data");
  const logDir = path.join(options.workDir, "logs");
  await mkdir(dataDir, { recursive: true });
  await mkdir(logDir, { recursive: true });
  const anyProject = projects.get(options.stores[0])!;
  const runId = `${process.pid}_${Date.now().toString(36)}`;
  const schemas: string[] = [];

  const baseEnv = serverEnv();
  const storeEnv = (store: Store, phase: string): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...baseEnv };
    if (store === "sqlite") env.CHATKIT_DB_PATH = path.join(dataDir, `${phase}.sqlite3`);
    if (store === "postgres") {
      const schema = `chatkit_bench_${runId}_${phase}`;
      schemas.push(schema);
      env.DATABASE_URL = options.databaseUrl;
      env.CHATKIT_DATABASE_SCHEMA = schema;
    }
    return env;
  };
  const experimentArgs = options.experiments.flatMap((name) => ["--experiment", name]);

  const client = new LoadClient();
  const servers: BenchServer[] = [];
  try {
    // Phase A: throughput, latency and RSS.
    const variantName = (store: Store) => `${store} + ${options.experiments.join(" + ")}`;
    const storeServers = new Map<Store, BenchServer>();
    const variantServers = new Map<Store, BenchServer>();
    const starts: Array<Promise<void>> = [];
    for (const store of options.stores) {
      const project = projects.get(store)!;
      const start = async (variant: boolean) => {
        const server = await BenchServer.start({
          name: variant ? variantName(store) : store,
          python: project.env.python,
          cwd: project.dir,
          args: variant ? experimentArgs : [],
          env: storeEnv(store, variant ? "variant" : "load"),
          logFile: path.join(logDir, `${store}${variant ? "-variant" : ""}-load.log`),
        });
        servers.push(server);
        (variant ? variantServers : storeServers).set(store, server);
      };
      starts.push(start(false));
      if (experimentArgs.length) starts.push(start(true));
    }
    log(`server: starting ${[...options.stores, ...(experimentArgs.length ? options.stores.map(variantName) : [])].join(", ")} (and the floor)`);
    await Promise.all(starts);
    const recording = path.join(dataDir, "floor-recording.json");
    const recordFrom = storeServers.get("memory") ?? storeServers.get(options.stores[0])!;
    await writeFile(recording, JSON.stringify(await recordStreams(recordFrom.baseUrl)));
    const floor = await BenchServer.start({
      name: "floor",
      python: anyProject.env.python,
      cwd: options.workDir,
      args: ["--floor", recording],
      env: baseEnv,
      logFile: path.join(logDir, "floor.log"),
    });
    servers.push(floor);

    // `store` only on the generated code as is; `variantOf` on the experiment's servers.
    const targets: Array<{ name: string; server: BenchServer; store?: Store; variantOf?: Store }> = [
      { name: "floor", server: floor },
      ...options.stores.map((store) => ({ name: store, server: storeServers.get(store)!, store })),
      ...options.stores
        .filter((store) => variantServers.has(store))
        .map((store) => ({ name: variantName(store), server: variantServers.get(store)!, variantOf: store })),
    ];
    const turnsDone = new Map<string, number>(targets.map((t) => [t.name, 0]));
    const rssSeries = new Map<Store, Array<[number, number]>>(options.stores.map((s) => [s, []]));

    const turnsJob = async (
      target: (typeof targets)[number],
      concurrency: number,
      turns: number,
      via = client,
      maxSeconds = params.jobMaxSeconds,
    ): Promise<Measured> => {
      const cpuBefore = target.server.cpuMs();
      const result = await via.run({
        kind: "turns",
        baseUrl: target.server.baseUrl,
        concurrency,
        turns,
        threadTurns: params.threadTurns,
        maxSeconds,
      });
      const cpuMs = target.server.cpuMs() - cpuBefore;
      turnsDone.set(target.name, turnsDone.get(target.name)! + result.completed + result.errorCount);
      reportProblems(target.name, result, notes, log);
      return { ...result, cpuMsPerTurn: result.completed ? cpuMs / result.completed : Number.NaN };
    };
    const sampleRss = async (store: Store) => {
      await sleep(1_000); // let the last answers' buffers go
      const server = storeServers.get(store)!;
      rssSeries.get(store)!.push([turnsDone.get(store)!, round(server.rssKb() / 1024, 1)]);
    };

    log(`server: warm-up (floor ${params.floorWarmupTurns} turns; each store ${params.rssTurns[0]} turns, then RSS)`);
    await turnsJob(targets[0], 32, params.floorWarmupTurns);
    for (const target of targets.slice(1)) {
      await turnsJob(target, 32, params.rssTurns[0]);
      if (target.store) await sampleRss(target.store);
    }

    const rounds = new Map<string, { c1: Measured[]; c32: Measured[] }>(targets.map((t) => [t.name, { c1: [], c32: [] }]));
    for (let r = 0; r < params.rounds; r++) {
      const order = targets.map((_, i) => targets[(i + r) % targets.length]);
      log(`server: round ${r + 1}/${params.rounds} (${order.map((t) => t.name).join(" -> ")})`);
      for (const target of order) {
        rounds.get(target.name)!.c1.push(await turnsJob(target, 1, params.c1Turns));
        rounds.get(target.name)!.c32.push(await turnsJob(target, 32, params.c32Turns));
      }
    }
    for (const store of options.stores) await sampleRss(store);

    // Up to the second RSS reading: the stores at once (this part measures memory, not speed).
    const topUps = options.stores.filter((store) => turnsDone.get(store)! < params.rssTurns[1]);
    if (topUps.length) {
      log(`server: serving each store up to ${params.rssTurns[1]} turns for the RSS reading (stores in parallel)`);
      await Promise.all(
        topUps.map(async (store) => {
          const own = new LoadClient();
          try {
            const target = targets.find((t) => t.store === store)!;
            // In slices, with an RSS reading after each.
            while (turnsDone.get(store)! < params.rssTurns[1]) {
              const left = params.rssTurns[1] - turnsDone.get(store)!;
              const before = turnsDone.get(store)!;
              // Generous time limit: this part is not timed, only bounded.
              await turnsJob(target, 32, Math.min(left, 1_000), own, 900);
              if (turnsDone.get(store) === before) throw new Error(`${store}: no turn completed`);
              await sampleRss(store);
            }
          } finally {
            await own.close();
          }
        }),
      );
    }

    const throughput: Record<string, TargetThroughput> = {};
    for (const target of targets) {
      const own = rounds.get(target.name)!;
      throughput[target.name] = { c1: summarize(own.c1), c32: summarize(own.c32) };
    }
    const perRound = (name: string, key: "c1" | "c32") => rounds.get(name)![key].map(tps);
    for (const target of targets.slice(1)) {
      const name = target.name;
      throughput[name].vsFloor = {
        c1: round(median(zipRatio(perRound(name, "c1"), perRound("floor", "c1")))),
        c32: round(median(zipRatio(perRound(name, "c32"), perRound("floor", "c32")))),
      };
      if (rounds.has("memory")) {
        throughput[name].vsMemoryC32 = round(median(zipRatio(perRound(name, "c32"), perRound("memory", "c32"))));
      }
      if (target.variantOf) {
        const base = target.variantOf;
        throughput[name].vsGenerated = {
          c1: round(median(zipRatio(perRound(name, "c1"), perRound(base, "c1")))),
          c32: round(median(zipRatio(perRound(name, "c32"), perRound(base, "c32")))),
        };
      }
    }
    const rss: Partial<Record<Store, RssResult>> = {};
    for (const store of options.stores) {
      const series = rssSeries.get(store)!;
      const first = series[0];
      const last = series[series.length - 1];
      rss[store] = {
        series,
        first: { turns: first[0], mb: first[1] },
        last: { turns: last[0], mb: last[1] },
        growth: round(ratio(last[1], first[1])),
      };
    }
    await Promise.all(servers.splice(0).map((server) => server.stop()));

    // Phase B: history and threads.list on seeded data, one store at a time.
    const history: Partial<Record<Store, HistoryResult>> = {};
    for (const store of options.stores) {
      log(`server: ${store}: seeding ${params.bigItems} items in one thread and ${params.bigThreads} threads`);
      history[store] = await benchHistory(store, projects.get(store)!, storeEnv(store, "history"), {
        params,
        dataDir,
        logDir,
        client,
        servers,
        notes,
        log,
      });
      await Promise.all(servers.splice(0).map((server) => server.stop()));
    }

    return { params, experiments: options.experiments, versions, throughput, rss, history, notes };
  } catch (error) {
    for (const server of servers) console.error(`--- ${server.name} log (${server.logFile}) ---\n${server.logs()}`);
    throw error;
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await client.close();
    if (schemas.length) {
      const dropped = await run(projects.get("postgres")!.env.python, [PG_HELPER, "drop", options.databaseUrl, ...schemas], {
        timeoutMs: 60_000,
      });
      if (dropped.code !== 0) log(`could not drop the bench's schemas ${schemas.join(", ")}: ${describeFailure(dropped)}`);
    }
  }
}

interface HistoryContext {
  params: ServerParams;
  dataDir: string;
  logDir: string;
  client: LoadClient;
  servers: BenchServer[];
  notes: string[];
  log: (line: string) => void;
}

const LIST_BIG_USER = "bench-list-big";
const LIST_SMALL_USER = "bench-list-small";
const HISTORY_USER = "bench-history";
const WARMUP = 10;

async function benchHistory(
  store: Store,
  project: { dir: string; env: ProjectEnv },
  env: NodeJS.ProcessEnv,
  ctx: HistoryContext,
): Promise<HistoryResult> {
  const { params } = ctx;
  const smallThreadsNeeded = params.historyTurns + WARMUP;
  const spec = {
    users: {
      [LIST_BIG_USER]: { threads: Array(params.bigThreads).fill(0) },
      [LIST_SMALL_USER]: { threads: Array(params.smallThreads).fill(0) },
      [HISTORY_USER]: { threads: [params.bigItems, ...Array(smallThreadsNeeded).fill(params.smallItems)] },
    },
  };
  const specFile = path.join(ctx.dataDir, `seed-${store}.json`);
  const idsFile = path.join(ctx.dataDir, `seeded-${store}.json`);
  await writeFile(specFile, JSON.stringify(spec));
  const server = await BenchServer.start({
    name: `${store} (history)`,
    python: project.env.python,
    cwd: project.dir,
    args: ["--user-header", USER_HEADER, "--seed", specFile, "--seed-out", idsFile],
    env: { ...env, CHATKIT_HISTORY_LIMIT: String(params.historyLimit) },
    logFile: path.join(ctx.logDir, `${store}-history.log`),
    startupTimeoutMs: 600_000,
  });
  ctx.servers.push(server);
  const seeded = JSON.parse(await readFile(idsFile, "utf8")) as {
    users: Record<string, string[]>;
    seconds: number;
  };
  const [bigThread, ...smallThreads] = seeded.users[HISTORY_USER];

  let n = 0;
  const turn = (label: string, threadId: string): ScriptRequest => ({
    label,
    stream: true,
    headers: { [USER_HEADER]: HISTORY_USER },
    body: {
      type: "threads.add_user_message",
      params: { thread_id: threadId, input: userInput(`please answer this history turn ${n++}`) },
    },
  });
  // A page as long as the small user's whole list: both answers carry the same number of
  // threads, so the comparison is of the 10,000 threads behind the page, not of page sizes.
  const listLimit = params.smallThreads;
  const list = (label: string, user: string): ScriptRequest => ({
    label,
    stream: false,
    headers: { [USER_HEADER]: user },
    body: { type: "threads.list", params: { limit: listLimit, order: "desc" } },
  });

  // Alternating big/small, so drift and noise hit both alike; a few of each first, unrecorded.
  const turns: ScriptRequest[] = [];
  for (let i = 0; i < WARMUP + params.historyTurns; i++) {
    const warm = i < WARMUP;
    const pair = [turn(warm ? "warmup" : "big", bigThread), turn(warm ? "warmup" : "small", smallThreads[i])];
    turns.push(...(i % 2 === 0 ? pair : pair.reverse()));
  }
  const lists: ScriptRequest[] = [];
  for (let i = 0; i < WARMUP + params.listRequests; i++) {
    const warm = i < WARMUP;
    const pair = [list(warm ? "warmup" : "big", LIST_BIG_USER), list(warm ? "warmup" : "small", LIST_SMALL_USER)];
    lists.push(...(i % 2 === 0 ? pair : pair.reverse()));
  }
  ctx.log(`server: ${store}: seeded in ${seeded.seconds.toFixed(1)} s; ${params.historyTurns} turns on each thread size, ${params.listRequests} lists each`);
  const turnResult = await ctx.client.run({ kind: "script", baseUrl: server.baseUrl, concurrency: 1, maxSeconds: params.jobMaxSeconds, requests: turns });
  reportProblems(`${store} history turns`, turnResult, ctx.notes, ctx.log);
  const listResult = await ctx.client.run({ kind: "script", baseUrl: server.baseUrl, concurrency: 1, maxSeconds: params.jobMaxSeconds, requests: lists });
  reportProblems(`${store} threads.list`, listResult, ctx.notes, ctx.log);

  // Sanity: the big user's list is full and the seeded big thread really is big.
  const check = new ChatKitClient(server.baseUrl);
  const page = await fetchJson(check, { type: "threads.list", params: { limit: listLimit, order: "desc" } }, LIST_BIG_USER);
  if ((page.data as unknown[]).length !== listLimit || page.has_more !== true) ctx.notes.push(`${store}: the 10k-thread user's list page is not full`);

  const compare = (result: JobResult) => {
    const big = result.samples.big?.lastMs ?? [];
    const small = result.samples.small?.lastMs ?? [];
    return {
      bigMs: round(median(big), 2),
      smallMs: round(median(small), 2),
      bigP90: round(quantile(big, 0.9), 2),
      smallP90: round(quantile(small, 0.9), 2),
      ratio: round(ratio(median(big), median(small))),
      n: Math.min(big.length, small.length),
    };
  };
  return {
    seedSeconds: round(seeded.seconds, 1),
    historyLimit: params.historyLimit,
    turn: compare(turnResult),
    list: compare(listResult),
  };
}

async function fetchJson(client: ChatKitClient, body: unknown, user: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${client.baseUrl}${client.path}`, {
    method: "POST",
    headers: { "content-type": "application/json", [USER_HEADER]: user },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  return (await response.json()) as Record<string, unknown>;
}

/**
 * One threads.create and one threads.add_user_message, as the SSE chunks the server sent;
 * with `answerDeltas`, answers of that many deltas, under keys the floor looks up by it.
 */
export async function recordStreams(baseUrl: string, answerDeltas?: number): Promise<Record<string, string[]>> {
  const client = new ChatKitClient(baseUrl);
  const asked = answerDeltas === undefined ? "" : ` answer-deltas=${answerDeltas}`;
  const key = answerDeltas === undefined ? "" : ` ${answerDeltas}`;
  const text = `please answer this bench turn 1 worker 0${asked}`;
  const created = await client.post({ type: "threads.create", params: { input: userInput(text) } });
  const threadId = /"type":"thread\.created","thread":\{"id":"([^"]+)"/.exec(created.body)?.[1];
  if (created.status !== 200 || !threadId) throw new Error(`recording the floor's stream failed: ${created.status} ${created.body.slice(0, 500)}`);
  const added = await client.post({ type: "threads.add_user_message", params: { thread_id: threadId, input: userInput(text) } });
  if (added.status !== 200) throw new Error(`recording the floor's stream failed: ${added.status} ${added.body.slice(0, 500)}`);
  const chunks = (body: string) => body.split(/(?<=\n\n)/).filter((chunk) => chunk.trim() !== "");
  return { [`threads.create${key}`]: chunks(created.body), [`threads.add_user_message${key}`]: chunks(added.body) };
}

export function tps(result: JobResult): number {
  return result.elapsedMs > 0 ? (result.completed / result.elapsedMs) * 1000 : Number.NaN;
}

interface Measured extends JobResult {
  /** Server CPU time (user + system) per completed turn, in ms. */
  cpuMsPerTurn: number;
}

function summarize(results: Measured[]): LatencySummary {
  const first = results.flatMap((r) => r.samples.turn?.firstMs ?? []);
  const last = results.flatMap((r) => r.samples.turn?.lastMs ?? []);
  const events = results.flatMap((r) => r.samples.turn?.events ?? []);
  const perRound = results.map(tps);
  return {
    turnsPerSecond: round(median(perRound), 1),
    roundTurnsPerSecond: perRound.map((v) => round(v, 1)),
    firstEventMs: { p50: round(quantile(first, 0.5), 1), p99: round(quantile(first, 0.99), 1) },
    lastEventMs: { p50: round(quantile(last, 0.5), 1), p99: round(quantile(last, 0.99), 1) },
    eventsPerTurn: median(events),
    cpuMsPerTurn: round(median(results.map((r) => r.cpuMsPerTurn)), 1),
    roundCpuMsPerTurn: results.map((r) => round(r.cpuMsPerTurn, 1)),
    turns: last.length,
  };
}

function zipRatio(a: number[], b: number[]): number[] {
  return a.map((value, i) => ratio(value, b[i]));
}

export function reportProblems(name: string, result: JobResult, notes: string[], log: (line: string) => void): void {
  if (result.errorCount > 0) {
    const line = `${name}: ${result.errorCount} failed requests; first: ${result.errors[0]}`;
    notes.push(line);
    log(line);
  }
  if (result.cutShort) {
    const line = `${name}: a job hit its time limit after ${result.completed} requests`;
    notes.push(line);
    log(line);
  }
}

/** The servers' environment: nothing of the host's OpenAI key or CHATKIT_* settings. */
export function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key === "OPENAI_API_KEY" || key === "DATABASE_URL" || key.startsWith("CHATKIT_") || key.startsWith("npm_")) continue;
    env[key] = value;
  }
  env.CHATKIT_TRACING = "false";
  // The load client is one user with many turns in flight: past the default rate limits. With
  // the limits off the limiter still admits each turn, so its cost stays in the figures.
  env.CHATKIT_RATE_LIMIT_TURNS_PER_MINUTE = "0";
  env.CHATKIT_RATE_LIMIT_CONCURRENT_STREAMS = "0";
  return env;
}

async function packageVersions(python: string): Promise<Record<string, string>> {
  const names = ["openai-chatkit", "openai-agents", "openai", "pydantic", "fastapi", "starlette", "uvicorn", "uvloop", "httptools", "aiosqlite", "asyncpg"];
  const script = [
    "import json, sys, importlib.metadata as m",
    "out = {'python': sys.version.split()[0]}",
    `for name in ${JSON.stringify(names)}:`,
    "    try: out[name] = m.version(name)",
    "    except m.PackageNotFoundError: pass",
    "print(json.dumps(out))",
  ].join("\n");
  const result = await run(python, ["-c", script]);
  return result.code === 0 ? (JSON.parse(result.stdout) as Record<string, string>) : {};
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
