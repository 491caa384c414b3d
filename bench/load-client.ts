// The bench's HTTP load generator: a process of its own, so its CPU is never the server's.
//
// Reads one job per line (JSON) on stdin and answers one result per line on stdout; it stays up
// between jobs, so its start-up and warm-up are paid once. Requests go over keep-alive loopback
// connections (one per worker) and every streamed answer is read to its end.
//
//   {"kind": "turns", ...}  chat turns: each worker opens a thread (threads.create) and adds user
//                           messages to it (threads.add_user_message), `threadTurns` turns a thread
//   {"kind": "script", ...} a given list of requests, taken in order by `concurrency` workers
import http from "node:http";
import { createInterface } from "node:readline";
import { parseSse, userInput } from "../test/e2e/chatkit-client.js";

export interface TurnsJob {
  kind: "turns";
  baseUrl: string;
  concurrency: number;
  /** How many turns in all. */
  turns: number;
  /** Turns per thread: the first creates it. */
  threadTurns: number;
  /** No new request starts after this; the job then reports what it did. */
  maxSeconds: number;
  headers?: Record<string, string>;
  /** Ask the fake model for answers of this many text deltas (serve.py's `answer-deltas=N`). */
  answerDeltas?: number;
}

export interface ScriptRequest {
  label: string;
  body: unknown;
  headers?: Record<string, string>;
  /** An SSE answer (turns) rather than JSON. */
  stream: boolean;
}

export interface ScriptJob {
  kind: "script";
  baseUrl: string;
  concurrency: number;
  maxSeconds: number;
  requests: ScriptRequest[];
}

export type Job = TurnsJob | ScriptJob;

export interface LabelSamples {
  /** Milliseconds from sending the request to the first byte of the answer's body. */
  firstMs: number[];
  /** Milliseconds from sending the request to the end of the answer. */
  lastMs: number[];
  /** Milliseconds from sending the request to the first text delta (streams with one). */
  firstDeltaMs: number[];
  /** SSE events per answer (0 for JSON answers). */
  events: number[];
}

export interface JobResult {
  /** From the first request sent to the last answer read. */
  elapsedMs: number;
  completed: number;
  errorCount: number;
  errors: string[];
  /** True when maxSeconds stopped the job before it sent everything. */
  cutShort: boolean;
  samples: Record<string, LabelSamples>;
}

const REQUEST_TIMEOUT_MS = 60_000;
const MAX_ERRORS_KEPT = 5;
const TURN_WORDS = ["please", "answer", "this", "bench", "turn"];

interface Answer {
  status: number;
  contentType: string;
  body: string;
  firstMs: number;
  lastMs: number;
  /** -1 when no text delta came. */
  firstDeltaMs: number;
}

const TEXT_DELTA = '"assistant_message.content_part.text_delta"';

function post(agent: http.Agent, url: URL, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstMs = -1;
    let firstDeltaMs = -1;
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          const now = performance.now() - started;
          if (firstMs < 0) firstMs = now;
          // Searched from a little before the chunk: the marker may straddle two chunks.
          const from = Math.max(0, text.length - TEXT_DELTA.length);
          text += chunk;
          if (firstDeltaMs < 0 && text.includes(TEXT_DELTA, from)) firstDeltaMs = now;
        });
        response.on("end", () => {
          const lastMs = performance.now() - started;
          resolve({
            status: response.statusCode ?? 0,
            contentType: String(response.headers["content-type"] ?? ""),
            body: text,
            firstMs: firstMs < 0 ? lastMs : firstMs,
            lastMs,
            firstDeltaMs,
          });
        });
        response.on("error", reject);
      },
    );
    request.setTimeout(REQUEST_TIMEOUT_MS, () => request.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    request.on("error", reject);
    request.end(body);
  });
}

/** Why a streamed turn is not a good one, or undefined. Cheap: no JSON parsing. */
function streamProblem(answer: Answer): string | undefined {
  if (answer.status !== 200) return `HTTP ${answer.status}: ${answer.body.slice(0, 300)}`;
  if (!answer.contentType.startsWith("text/event-stream")) return `content-type ${answer.contentType}: ${answer.body.slice(0, 300)}`;
  if (answer.body.includes('"type":"error"')) return `error event: ${answer.body.slice(-300)}`;
  if (!answer.body.includes('"type":"assistant_message","content":[{')) return `no finished assistant message: ${answer.body.slice(-300)}`;
  return undefined;
}

const THREAD_ID = /"type":"thread\.created","thread":\{"id":"([^"]+)"/;

class Recorder {
  readonly samples: Record<string, LabelSamples> = {};
  completed = 0;
  errorCount = 0;
  readonly errors: string[] = [];

  ok(label: string, answer: Answer, events: number): void {
    const s = (this.samples[label] ??= { firstMs: [], lastMs: [], firstDeltaMs: [], events: [] });
    s.firstMs.push(round(answer.firstMs));
    s.lastMs.push(round(answer.lastMs));
    if (answer.firstDeltaMs >= 0) s.firstDeltaMs.push(round(answer.firstDeltaMs));
    s.events.push(events);
    this.completed++;
  }

  fail(label: string, problem: string): void {
    this.errorCount++;
    if (this.errors.length < MAX_ERRORS_KEPT) this.errors.push(`${label}: ${problem}`);
  }
}

async function runTurns(job: TurnsJob): Promise<JobResult> {
  const url = new URL("/chatkit", job.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const recorder = new Recorder();
  const deadline = performance.now() + job.maxSeconds * 1000;
  let issued = 0;
  let cutShort = false;
  const started = performance.now();

  async function worker(index: number): Promise<void> {
    let threadId: string | undefined;
    let turnInThread = 0;
    for (;;) {
      if (issued >= job.turns) return;
      if (performance.now() > deadline) {
        cutShort = true;
        return;
      }
      const n = issued++;
      const asked = job.answerDeltas === undefined ? "" : ` answer-deltas=${job.answerDeltas}`;
      const text = `${TURN_WORDS.join(" ")} ${n} worker ${index}${asked}`;
      const creating = threadId === undefined || turnInThread >= job.threadTurns;
      const body = creating
        ? { type: "threads.create", params: { input: userInput(text) } }
        : { type: "threads.add_user_message", params: { thread_id: threadId, input: userInput(text) } };
      try {
        const answer = await post(agent, url, JSON.stringify(body), job.headers);
        const problem = streamProblem(answer);
        if (problem) {
          recorder.fail(body.type, problem);
          threadId = undefined; // start afresh
          continue;
        }
        if (creating) {
          const match = THREAD_ID.exec(answer.body);
          if (!match) {
            recorder.fail(body.type, `no thread.created event: ${answer.body.slice(0, 300)}`);
            continue;
          }
          threadId = match[1];
          turnInThread = 0;
        }
        turnInThread++;
        recorder.ok("turn", answer, parseSse(answer.body).length);
      } catch (error) {
        recorder.fail(body.type, (error as Error).message);
        threadId = undefined;
      }
    }
  }

  await Promise.all(Array.from({ length: job.concurrency }, (_, i) => worker(i)));
  agent.destroy();
  return { elapsedMs: round(performance.now() - started), ...summary(recorder), cutShort };
}

async function runScript(job: ScriptJob): Promise<JobResult> {
  const url = new URL("/chatkit", job.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const recorder = new Recorder();
  const deadline = performance.now() + job.maxSeconds * 1000;
  let next = 0;
  let cutShort = false;
  const started = performance.now();

  async function worker(): Promise<void> {
    for (;;) {
      if (next >= job.requests.length) return;
      if (performance.now() > deadline) {
        cutShort = true;
        return;
      }
      const request = job.requests[next++];
      try {
        const answer = await post(agent, url, JSON.stringify(request.body), request.headers);
        if (request.stream) {
          const problem = streamProblem(answer);
          if (problem) recorder.fail(request.label, problem);
          else recorder.ok(request.label, answer, parseSse(answer.body).length);
        } else if (answer.status !== 200 || !answer.contentType.startsWith("application/json")) {
          recorder.fail(request.label, `HTTP ${answer.status} ${answer.contentType}: ${answer.body.slice(0, 300)}`);
        } else {
          recorder.ok(request.label, answer, 0);
        }
      } catch (error) {
        recorder.fail(request.label, (error as Error).message);
      }
    }
  }

  await Promise.all(Array.from({ length: job.concurrency }, () => worker()));
  agent.destroy();
  return { elapsedMs: round(performance.now() - started), ...summary(recorder), cutShort };
}

function summary(recorder: Recorder) {
  return {
    completed: recorder.completed,
    errorCount: recorder.errorCount,
    errors: recorder.errors,
    samples: recorder.samples,
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

async function main(): Promise<void> {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let result: JobResult | { fatal: string };
    try {
      const job = JSON.parse(line) as Job;
      result = job.kind === "turns" ? await runTurns(job) : await runScript(job);
    } catch (error) {
      result = { fatal: (error as Error).stack ?? String(error) };
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}

await main();
