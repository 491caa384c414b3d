// SIGTERM with an answer streaming, on a postgres project (--auth header, its default
// --rate-limit postgres) logging JSON: uvicorn stops accepting at once, lets the answer finish
// within UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN, then the app closes its store and the process
// exits. Past the grace period the answer is cut and the process still exits, its stream slot
// given back. Every line either server printed is one JSON object; the turn lines carry their
// ids, and none holds what was said.
import { describe, expect, it } from "vitest";
import { conversation, createdThreadId, expectOneAssistantTurn } from "./assertions.js";
import type { ChatKitEvent } from "./chatkit-client.js";
import { usePostgres } from "./postgres-server.js";
import { SERVER_TIMEOUT, useGeneratedProject } from "./project-fixture.js";
import type { FakeModelServer } from "./uvicorn-server.js";

/** Streamed one word per 0.25 s by the fake model: about 4 s. */
const SLOW_TEXT = "slow: a secret nobody logs, streamed word by word while the server is asked to stop";
/** About 10 s: longer than a 1 s grace period. */
const SLOWER_TEXT = `slow: ${"more words that will not all arrive before the grace period ends ".repeat(4).trim()}`;

const postgres = usePostgres();

interface LogEntry {
  level: string;
  logger: string;
  message: string;
  [field: string]: unknown;
}

/** Every line of `output`, parsed; fails naming the first that is not one JSON object. */
function jsonLines(output: string): LogEntry[] {
  return output
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch {
        throw new Error(`a log line that is not JSON: ${line}`);
      }
      expect(typeof entry === "object" && entry !== null && !Array.isArray(entry), line).toBe(true);
      return entry as LogEntry;
    });
}

describe("SIGTERM with a stream in flight (postgres, JSON logs)", () => {
  const project = useGeneratedProject({ store: "postgres", auth: "header" }, { postgres });

  async function serverWithThread(store: Record<string, string>, grace: string): Promise<{ server: FakeModelServer; threadId: string }> {
    const server = await project.startServer({ ...store, UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN: grace, CHATKIT_LOG_FORMAT: "json" });
    const threadId = createdThreadId(await project.client(server).createThread("before the stop"));
    return { server, threadId };
  }

  it("lets the answer finish within the grace period, then closes the store and exits", async () => {
    const store = await project.freshStore("graceful");
    const { server, threadId } = await serverWithThread(store, "10");
    const events: ChatKitEvent[] = [];
    const reading = (async () => {
      for await (const event of project.client(server).addUserMessageIncrementally(threadId, SLOW_TEXT)) {
        events.push(event);
        if (events.filter((e) => e.type === "thread.item.updated").length === 2) server.terminate();
      }
    })();
    await reading;
    // The whole answer arrived although SIGTERM came after its second word.
    const done = events.filter((e) => e.type === "thread.item.done").map((e) => e.item as { type: string; content?: { text: string }[] });
    expect(done.at(-1)?.content?.[0]?.text).toBe(`echo: ${SLOW_TEXT}`);
    // uvicorn ends by the signal it was sent, after its shutdown (or exits 0, before 0.29).
    expect(["killed by SIGTERM", "exited 0"], server.logs()).toContain(await server.exitWithin(15_000));
    // Nothing new was accepted once the stop began.
    await expect(fetch(`${server.baseUrl}/health`)).rejects.toThrow();

    const logs = jsonLines(server.logs(Number.MAX_SAFE_INTEGER));
    const messages = logs.map((entry) => entry.message);
    expect(messages).toContain("Waiting for connections to close. (CTRL+C to force quit)");
    const turn = logs.filter((entry) => entry.message.startsWith("turn completed")).at(-1);
    expect(turn).toMatchObject({ logger: "app.server", level: "INFO", outcome: "completed", thread_id: threadId, user_id: "alice" });
    expect(turn?.turn_id).toMatch(/^turn_[0-9a-f]{16}$/);
    expect(typeof turn?.duration_ms).toBe("number");
    // The store closed after the stream had ended: "shutdown complete" comes after the turn line.
    expect(messages.indexOf("Application shutdown complete.")).toBeGreaterThan(logs.indexOf(turn as LogEntry));
    expect(messages.join("\n")).not.toContain("secret nobody logs");
    expect(messages.join("\n")).not.toMatch(/Traceback|ERROR/);

    // The answer was stored whole: read back through a new server on the same database.
    const again = await project.startServer(store);
    const items = (await project.client(again).listItems(threadId)).data;
    expect(conversation(items).slice(-2)).toEqual([
      ["user_message", SLOW_TEXT],
      ["assistant_message", `echo: ${SLOW_TEXT}`],
    ]);
  }, SERVER_TIMEOUT);

  it("past the grace period cuts the answer, exits, and gives its stream slot back", async () => {
    const store = { ...(await project.freshStore("grace-exceeded")), CHATKIT_RATE_LIMIT_CONCURRENT_STREAMS: "1" };
    const { server, threadId } = await serverWithThread(store, "1");
    let deltas = 0;
    let stopped = 0;
    let ended = "";
    try {
      for await (const event of project.client(server).addUserMessageIncrementally(threadId, SLOWER_TEXT)) {
        if (event.type !== "thread.item.updated") continue;
        deltas += 1;
        if (deltas === 2) {
          stopped = Date.now();
          server.terminate();
        }
      }
      ended = "the stream ended";
    } catch (error) {
      ended = `the connection was cut: ${String(error)}`;
    }
    // Cut short: not every one of its words arrived.
    expect(deltas, ended).toBeLessThan(SLOWER_TEXT.split(" ").length);
    expect(["killed by SIGTERM", "exited 0"], server.logs()).toContain(await server.exitWithin(10_000));
    expect(Date.now() - stopped).toBeLessThan(8_000);
    const messages = jsonLines(server.logs(Number.MAX_SAFE_INTEGER)).map((entry) => entry.message);
    expect(messages.some((m) => /^Cancel \d+ running task\(s\), timeout graceful shutdown exceeded$/.test(m)), messages.join("\n")).toBe(true);
    expect(messages).toContain("Application shutdown complete.");

    // The slot was released when the stream was cancelled, not left to expire (60 s): a new
    // server admits alice's turn at once, and the thread takes it.
    const again = await project.startServer(store);
    expectOneAssistantTurn(await project.client(again).addUserMessage(threadId, "after the restart"), "after the restart");
    const items = conversation((await project.client(again).listItems(threadId, { limit: 100 })).data);
    expect(items.slice(0, 3)).toEqual([
      ["user_message", "before the stop"],
      ["assistant_message", "echo: before the stop"],
      ["user_message", SLOWER_TEXT],
    ]);
    expect(items.slice(-2)).toEqual([
      ["user_message", "after the restart"],
      ["assistant_message", "echo: after the restart"],
    ]);
  }, SERVER_TIMEOUT);
});
