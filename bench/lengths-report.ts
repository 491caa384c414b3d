// The answer-length section (lengths-bench.ts) in the Markdown report, and its targets.
import type { LengthResults } from "./lengths-bench.js";
import { TARGETS } from "./lengths-bench.js";

export interface LengthTarget {
  name: string;
  goal: string;
  figure: string;
  met: boolean | null;
}

const NAMES: Record<(typeof TARGETS)[number], string> = {
  floor: "replay floor",
  plain: "plain peer",
  generated: "generated",
  coalesced: "generated, coalescing",
};

export function lengthTargets(l: LengthResults): LengthTarget[] {
  const targets: LengthTarget[] = [];
  for (const [events, row] of Object.entries(l.figures)) {
    for (const c of ["c1", "c32"] as const) {
      const v = row.generated[c].vsPlain ?? Number.NaN;
      targets.push({
        name: `generated vs plain peer, ${events} events, concurrency ${c === "c1" ? 1 : 32}`,
        goal: ">= 0.95x",
        figure: `${fmt(v, 2)}x`,
        met: ok(v, (x) => x >= 0.95),
      });
    }
  }
  const longest = Math.max(...l.params.events);
  const row = l.figures[longest];
  if (row) {
    for (const c of ["c1", "c32"] as const) {
      const v = row.coalesced[c].vsPlain ?? Number.NaN;
      const conc = c === "c1" ? 1 : 32;
      targets.push({
        name: `coalescing ${l.params.coalesceMs} ms vs plain peer, ${longest} events, concurrency ${conc}`,
        goal: ">= 2x",
        figure: `${fmt(v, 2)}x`,
        met: ok(v, (x) => x >= 2),
      });
      const gap = row.coalesced[c].firstDeltaMs.p50 - row.generated[c].firstDeltaMs.p50;
      targets.push({
        name: `time to first delta p50 with coalescing, ${longest} events, concurrency ${conc}`,
        goal: "within 1 ms of coalescing off",
        figure: `${fmt(row.coalesced[c].firstDeltaMs.p50, 2)} vs ${fmt(row.generated[c].firstDeltaMs.p50, 2)} ms (${gap >= 0 ? "+" : ""}${fmt(gap, 2)})`,
        met: ok(gap, (x) => x <= 1),
      });
    }
  }
  return targets;
}

export function lengthsMarkdown(l: LengthResults): string[] {
  const p = l.params;
  const out: string[] = [
    "### Answer lengths: generated server, plain peer, coalescing",
    "",
    `The ${l.store} store; answers of ${p.events.join(", ")} events (the fake model streams the text in 3-character ` +
      `deltas; the events counted are those of the answer as streamed, before coalescing). The plain peer is ` +
      `bench/fixtures/plain.py: a ChatKitServer subclass doing what the SDK's docs show, same store and model, no middleware. ` +
      `"coalescing" is the generated server with CHATKIT_STREAM_COALESCE_MS=${p.coalesceMs}. ${p.rounds} rounds, the servers' order ` +
      `rotating each round; ratios are medians of per-round ratios, so other work on the machine (it is shared) hits both sides alike. ` +
      `Server CPU per event: the uvicorn process's user + system time per turn over the answer's events. ` +
      `Time to first delta: from sending the request to the first text delta read.`,
    "",
    "| events | server | conc. | turns/s | events/s | CPU µs/event | first delta p50 / p99 ms | events sent/turn | vs plain | vs floor |",
    "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const [events, row] of Object.entries(l.figures)) {
    for (const name of TARGETS) {
      for (const c of ["c1", "c32"] as const) {
        const f = row[name][c];
        out.push(
          `| ${events} | ${NAMES[name]} | ${c === "c1" ? 1 : 32} | ${fmt(f.turnsPerSecond, 1)} | ${fmt(f.eventsPerSecond, 0)} | ` +
            `${fmt(f.cpuUsPerEvent, 1)} | ${fmt(f.firstDeltaMs.p50, 2)} / ${fmt(f.firstDeltaMs.p99, 2)} | ${f.sentEventsPerTurn} | ` +
            `${f.vsPlain === undefined ? "-" : `${fmt(f.vsPlain, 2)}x`} | ${f.vsFloor === undefined ? "-" : `${fmt(f.vsFloor, 2)}x`} |`,
        );
      }
    }
  }
  out.push("");
  if (Object.keys(l.workers).length) {
    out.push(
      "### uvicorn --workers 2",
      "",
      "The generated server with one worker and with `--workers 2` (two processes on this 2-core machine, CPU counted over both), concurrency 32, alternating rounds.",
      "",
      "| store | events | 1 worker turns/s | 2 workers turns/s | scaling |",
      "| --- | ---: | ---: | ---: | ---: |",
    );
    for (const [store, rows] of Object.entries(l.workers)) {
      for (const [events, w] of Object.entries(rows ?? {})) {
        out.push(`| ${store} | ${events} | ${fmt(w.oneWorker, 1)} | ${fmt(w.twoWorkers, 1)} | ${fmt(w.scaling, 2)}x |`);
      }
    }
    out.push("");
  }
  return out;
}

function ok(value: number, test: (v: number) => boolean): boolean | null {
  return Number.isFinite(value) ? test(value) : null;
}

function fmt(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}
