// The bench's figures as a Markdown report (printed, and written to bench/results/latest.md),
// with the machine they were taken on and the targets, met or missed.
import type { GeneratorResults } from "./generator.js";
import type { LengthResults } from "./lengths-bench.js";
import { lengthsMarkdown, lengthTargets } from "./lengths-report.js";
import type { ServerResults, Store } from "./server-bench.js";

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  os: string;
  node: string;
  python: string;
  /** 1-minute load average when the bench started and ended: other work on the machine. */
  loadAverage: { start: number; end: number };
}

export interface BenchResults {
  date: string;
  mode: "full" | "quick";
  durationSeconds: number;
  machine: MachineInfo;
  generator?: GeneratorResults;
  server?: ServerResults;
  lengths?: LengthResults;
  errors: string[];
  targets: Target[];
}

export interface Target {
  name: string;
  goal: string;
  figure: string;
  met: boolean | null;
}

export function evaluateTargets(results: Omit<BenchResults, "targets">): Target[] {
  const targets: Target[] = [];
  const gen = results.generator;
  if (gen) {
    const r = gen.ratios.createWall;
    targets.push({ name: "generator wall time", goal: "<= 1.25x create-vite", figure: `${fmt(r, 2)}x`, met: ok(r, (v) => v <= 1.25) });
  }
  const server = results.server;
  if (server) {
    for (const [store, h] of entries(server.history)) {
      targets.push({
        name: `${store}: turn on ${server.params.bigItems.toLocaleString("en")}-item thread`,
        goal: `<= 1.2x a ${server.params.smallItems}-item thread`,
        figure: `${fmt(h.turn.ratio, 2)}x`,
        met: ok(h.turn.ratio, (v) => v <= 1.2),
      });
      targets.push({
        name: `${store}: threads.list with ${server.params.bigThreads.toLocaleString("en")} threads`,
        goal: `<= 1.2x with ${server.params.smallThreads}`,
        figure: `${fmt(h.list.ratio, 2)}x`,
        met: ok(h.list.ratio, (v) => v <= 1.2),
      });
    }
    for (const [store, floor] of [
      ["sqlite", 0.7],
      ["postgres", 0.6],
    ] as const) {
      const v = server.throughput[store]?.vsMemoryC32;
      if (v === undefined) continue;
      targets.push({
        name: `${store} throughput at concurrency 32`,
        goal: `>= ${floor * 100}% of memory's`,
        figure: `${fmt(v * 100, 0)}%`,
        met: ok(v, (x) => x >= floor),
      });
    }
    for (const [store, rss] of entries(server.rss)) {
      const applies = store !== "memory";
      targets.push({
        name: `${store}: RSS after ${rss.last.turns.toLocaleString("en")} turns`,
        goal: applies
          ? `<= 1.2x after ${rss.first.turns.toLocaleString("en")}`
          : `(reported only: the memory store keeps every turn)`,
        figure: `${fmt(rss.growth, 2)}x (${fmt(rss.first.mb, 0)} -> ${fmt(rss.last.mb, 0)} MB)`,
        met: applies ? ok(rss.growth, (v) => v <= 1.2) : null,
      });
    }
  }
  if (results.lengths) targets.push(...lengthTargets(results.lengths));
  return targets;
}

export function markdownReport(results: BenchResults): string {
  const out: string[] = [];
  const m = results.machine;
  out.push(`## Benchmark (${results.mode}, ${results.date.slice(0, 10)})`, "");
  out.push(
    `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB RAM, ${m.os}; Node ${m.node}, Python ${m.python}. ` +
      `Load average ${fmt(m.loadAverage.start, 1)} at the start, ${fmt(m.loadAverage.end, 1)} at the end ` +
      `(other work shared the machine; every figure is compared with a reference measured in the same run). ` +
      `Took ${Math.round(results.durationSeconds)} s.`,
    "",
  );
  if (results.server) {
    const v = results.server.versions;
    const pkgs = Object.entries(v)
      .filter(([name]) => name !== "python")
      .map(([name, version]) => `${name} ${version}`)
      .join(", ");
    out.push(`Server packages: ${pkgs}.`, "");
    if (results.server.experiments.length) {
      out.push(
        `Rows named \`<store> + ${results.server.experiments.join(" + ")}\` are that store with the experiment applied ` +
          `(see bench/README.md), measured in the same rounds; "vs generated" is their throughput over the unchanged store's. ` +
          `Targets and the other tables use the generated code as is.`,
        "",
      );
    }
  }

  if (results.targets.length) {
    out.push("### Targets", "", "| target | goal | measured | met |", "| --- | --- | --- | --- |");
    for (const t of results.targets) {
      out.push(`| ${t.name} | ${t.goal} | ${t.figure} | ${t.met === null ? "n/a" : t.met ? "yes" : "**no**"} |`);
    }
    out.push("");
  }

  const gen = results.generator;
  if (gen) {
    out.push(
      "### Generator",
      "",
      "Whole process, alternating runs; median (p10-p90) wall time and median peak RSS.",
      "",
      "| command | runs | wall ms | peak RSS MB | vs create-vite (wall / RSS) |",
      "| --- | ---: | ---: | ---: | --- |",
    );
    const vite = gen.cases["create-vite"];
    const viteHelp = gen.cases["create-vite-help"];
    for (const [key, c] of Object.entries(gen.cases)) {
      const ref = key === "help" ? viteHelp : key.startsWith("create-vite") ? undefined : vite;
      const vs = ref ? `${fmt(c.wallMs.median / ref.wallMs.median, 2)}x / ${fmt(c.maxRssMb.median / ref.maxRssMb.median, 2)}x` : "(reference)";
      const failed = c.failures ? ` (${c.failures} failed)` : "";
      out.push(
        `| \`${c.label}\` | ${c.runs}${failed} | ${fmt(c.wallMs.median, 0)} (${fmt(c.wallMs.p10, 0)}-${fmt(c.wallMs.p90, 0)}) | ${fmt(c.maxRssMb.median, 1)} | ${vs} |`,
      );
    }
    out.push("");
  }

  const server = results.server;
  if (server) {
    const p = server.params;
    out.push(
      "### Generated server: throughput and latency",
      "",
      `Zero-latency fake model, one uvicorn process, loopback HTTP, each SSE answer read to its end by a separate client process. ` +
        `Turns: a new thread every ${p.threadTurns} turns, the rest added to it (history limit 50). ` +
        `Medians of ${p.rounds} alternating rounds (${p.c1Turns} turns at concurrency 1, ${p.c32Turns} at 32, per target and round); ` +
        `latency percentiles over all their turns. Server CPU is the uvicorn process's user + system time (PostgreSQL's own processes not included). The floor is the same FastAPI/uvicorn setup replaying a recorded stream of the same events (no SDK, no store).`,
      "",
      "| target | conc. | turns/s | vs floor | vs memory | first event p50 / p99 ms | last event p50 / p99 ms | server CPU ms/turn | events/turn |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const [name, t] of Object.entries(server.throughput)) {
      for (const key of ["c1", "c32"] as const) {
        const s = t[key];
        const vsFloor = t.vsFloor ? `${fmt(t.vsFloor[key] * 100, 0)}%` : "-";
        const vsMemory =
          (key === "c32" && t.vsMemoryC32 !== undefined ? `${fmt(t.vsMemoryC32 * 100, 0)}%` : "-") +
          (t.vsGenerated ? ` (vs generated ${fmt(t.vsGenerated[key], 2)}x)` : "");
        out.push(
          `| ${name} | ${key === "c1" ? 1 : 32} | ${fmt(s.turnsPerSecond, 1)} | ${vsFloor} | ${vsMemory} | ` +
            `${fmt(s.firstEventMs.p50, 1)} / ${fmt(s.firstEventMs.p99, 1)} | ${fmt(s.lastEventMs.p50, 1)} / ${fmt(s.lastEventMs.p99, 1)} | ` +
            `${fmt(s.cpuMsPerTurn, 1)} | ${s.eventsPerTurn} |`,
        );
      }
    }
    out.push("");

    if (Object.keys(server.history).length) {
      out.push(
        "### History and thread-list cost",
        "",
        `Seeded through the store API before serving. Turns at concurrency 1 alternate between one thread of ` +
          `${p.bigItems.toLocaleString("en")} items and fresh threads of ${p.smallItems} items, history limit ${p.historyLimit} for both; ` +
          `threads.list (limit ${p.smallThreads}: a full page for both) alternates between a user with ${p.bigThreads.toLocaleString("en")} threads and one with ${p.smallThreads}. ` +
          `Median (p90) ms to the end of the answer.`,
        "",
        `| store | turn, ${p.bigItems.toLocaleString("en")} items | turn, ${p.smallItems} items | ratio | list, ${p.bigThreads.toLocaleString("en")} threads | list, ${p.smallThreads} threads | ratio |`,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
      );
      for (const [store, h] of entries(server.history)) {
        out.push(
          `| ${store} | ${fmt(h.turn.bigMs, 1)} (${fmt(h.turn.bigP90, 1)}) | ${fmt(h.turn.smallMs, 1)} (${fmt(h.turn.smallP90, 1)}) | ${fmt(h.turn.ratio, 2)}x | ` +
            `${fmt(h.list.bigMs, 2)} (${fmt(h.list.bigP90, 2)}) | ${fmt(h.list.smallMs, 2)} (${fmt(h.list.smallP90, 2)}) | ${fmt(h.list.ratio, 2)}x |`,
        );
      }
      out.push("");
    }

    if (Object.keys(server.rss).length) {
      out.push(
        "### Server memory",
        "",
        "RSS of the server process, read 1 s after the load stopped, over the same servers as the throughput table.",
        "",
        "| store | turns | RSS MB | turns | RSS MB | growth | all readings (turns: MB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
      );
      for (const [store, r] of entries(server.rss)) {
        const series = r.series.map(([turns, mb]) => `${turns}: ${fmt(mb, 0)}`).join(", ");
        out.push(
          `| ${store} | ${r.first.turns.toLocaleString("en")} | ${fmt(r.first.mb, 1)} | ${r.last.turns.toLocaleString("en")} | ${fmt(r.last.mb, 1)} | ${fmt(r.growth, 2)}x | ${series} |`,
        );
      }
      out.push("");
    }
  }

  if (results.lengths) out.push(...lengthsMarkdown(results.lengths));

  const notes = [
    ...(results.generator?.notes ?? []),
    ...(results.server?.notes ?? []),
    ...(results.lengths?.notes ?? []),
    ...results.errors,
  ];
  if (notes.length) {
    out.push("### Notes", "", ...notes.map((note) => `- ${note.replace(/\n/g, " ")}`), "");
  }
  return out.join("\n");
}

function entries<T>(record: Partial<Record<Store, T>>): Array<[Store, T]> {
  return Object.entries(record).filter((e): e is [Store, T] => e[1] !== undefined);
}

function ok(value: number, test: (v: number) => boolean): boolean | null {
  return Number.isFinite(value) ? test(value) : null;
}

function fmt(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}
