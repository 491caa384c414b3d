// End to end: generate each supported project variant with the built CLI, install it for real
// from PyPI, run its own checks, then serve it with a scripted model and talk to it over HTTP.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  assistantMessages,
  ChatKitClient,
  ChatKitHttpError,
  itemText,
  userInput,
  type ChatKitEvent,
} from "./chatkit-client.js";
import { generateProject, type StoreVariant } from "./generate-project.js";
import { describeFailure, run, type RunResult } from "./process.js";
import { ensureProjectEnv, type ProjectEnv } from "./python-env.js";
import { FakeModelServer } from "./uvicorn-server.js";

const VARIANTS: StoreVariant[] = ["sqlite", "memory"];
const FAKE_ID = "__fake_id__";
const MINUTE = 60_000;
const SETUP_TIMEOUT = 20 * MINUTE; // a cold uv cache downloads every dependency from PyPI
const CHECK_TIMEOUT = 5 * MINUTE;
const SERVER_TIMEOUT = 2 * MINUTE;
const STOP_TIMEOUT = 30_000; // SIGTERM, up to 10 s of grace, then SIGKILL

describe.each(VARIANTS)("generated project (--store %s)", (store) => {
  let workDir: string;
  let projectDir: string;
  let env: ProjectEnv;
  const servers: FakeModelServer[] = [];

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), `chatkit-e2e-${store}-`));
    projectDir = path.join(workDir, `${store}-server`);
    await generateProject(projectDir, store);
    env = await ensureProjectEnv(projectDir, `store-${store}`);
  }, SETUP_TIMEOUT);

  // Servers a test started: stopped after it, their output shown if it failed.
  beforeEach(({ onTestFailed }) => {
    servers.length = 0;
    onTestFailed(() => servers.forEach(printLogs));
  });
  afterEach(() => Promise.all(servers.map((server) => server.stop())), STOP_TIMEOUT);

  afterAll(async () => {
    if (workDir && !process.env.CHATKIT_E2E_KEEP) await rm(workDir, { recursive: true, force: true });
  });

  /** Runs one of the venv's tools in the project directory. */
  function inProject(cmd: string, args: string[]): Promise<RunResult> {
    return run(cmd, args, { cwd: projectDir, env: childEnv(), timeoutMs: CHECK_TIMEOUT });
  }

  /** Starts the project with the fake model; afterEach stops it. */
  async function startServer(extraEnv: Record<string, string> = {}): Promise<FakeModelServer> {
    const server = await FakeModelServer.start({ python: env.python, projectDir, env: { ...childEnv(), ...extraEnv } });
    servers.push(server);
    return server;
  }

  function dbEnv(name = "chatkit.sqlite3"): Record<string, string> {
    return store === "sqlite" ? { CHATKIT_DB_PATH: path.join(workDir, name) } : {};
  }

  it("passes its own test suite", async () => {
    const result = await inProject(env.pytest, ["-q", "-p", "no:cacheprovider"]);
    expect(result.code, describeFailure(result)).toBe(0);
    const summary = result.stdout.trim().split("\n").at(-1) ?? "";
    const passed = Number(/(\d+) passed/.exec(summary)?.[1] ?? 0);
    expect(passed, `pytest summary line: '${summary}'`).toBeGreaterThan(0);
  }, CHECK_TIMEOUT);

  it("is clean under ruff check and ruff format --check", async () => {
    const lint = await inProject(env.ruff, ["check", "--no-cache", "."]);
    expect(lint.code, describeFailure(lint)).toBe(0);
    const format = await inProject(env.ruff, ["format", "--check", "--no-cache", "."]);
    expect(format.code, describeFailure(format)).toBe(0);
  }, CHECK_TIMEOUT);

  it("byte-compiles", async () => {
    const result = await inProject(env.python, ["-m", "compileall", "-q", "app", "tests"]);
    expect(result.code, describeFailure(result)).toBe(0);
  }, CHECK_TIMEOUT);

  describe("served with a scripted model that reuses one item id", () => {
    // One server for the tests below, which each work on threads of their own.
    let shared: FakeModelServer | undefined;
    let client: ChatKitClient;
    beforeAll(async () => {
      shared = await FakeModelServer.start({ python: env.python, projectDir, env: { ...childEnv(), ...dbEnv() } });
      client = new ChatKitClient(shared.baseUrl);
    }, SERVER_TIMEOUT);
    beforeEach(({ onTestFailed }) => onTestFailed(() => shared && printLogs(shared)));
    afterAll(() => shared?.stop(), STOP_TIMEOUT);

    it("holds a two-turn conversation, giving each assistant message its own id", async () => {
      const first = await client.createThread("Hello there");
      const threadId = createdThreadId(first);
      const reply1 = expectOneAssistantTurn(first, "Hello there");

      const second = await client.addUserMessage(threadId, "How are you?");
      expect(second.map((e) => e.type)).not.toContain("thread.created");
      const reply2 = expectOneAssistantTurn(second, "How are you?");
      expect(reply2).not.toBe(reply1);

      const items = (await client.listItems(threadId)).data;
      expect(items.map((item) => item.type)).toEqual(["user_message", "assistant_message", "user_message", "assistant_message"]);
      expect(new Set(items.map((item) => item.id)).size).toBe(4);
      expect(items.map(itemText)).toEqual(["Hello there", "echo: Hello there", "How are you?", "echo: How are you?"]);
      expect([items[1].id, items[3].id]).toEqual([reply1, reply2]);

      const threads = (await client.listThreads()).data;
      expect(threads.map((thread) => thread.id)).toContain(threadId);
    }, SERVER_TIMEOUT);

    it("gives two assistant messages of one turn distinct ids", async () => {
      const events = await client.createThread("twice: please");
      expectNoErrors(events);
      const { messages, strayUpdates } = assistantMessages(events);
      expect(strayUpdates, "updated events whose id no added event announced").toEqual([]);
      expect(messages.map((m) => m.text)).toEqual(["echo: twice: please", "again: twice: please"]);
      expect(messages.map((m) => [m.added, m.done])).toEqual([[1, 1], [1, 1]]);
      expect(messages[0].id).not.toBe(messages[1].id);
      expect(JSON.stringify(events)).not.toContain(FAKE_ID);

      const items = (await client.listItems(createdThreadId(events))).data;
      expect(items.map((item) => item.type)).toEqual(["user_message", "assistant_message", "assistant_message"]);
      expect(items.slice(1).map((item) => item.id)).toEqual(messages.map((m) => m.id));
    }, SERVER_TIMEOUT);

    it("answers 404 for an unknown thread and 400 JSON for an invalid body", async () => {
      const missing = "thr_doesnotexist";
      const unknown = await client.post({ type: "threads.get_by_id", params: { thread_id: missing } });
      expect(unknown.status, unknown.body).toBe(404);
      // A streaming request too: the answer must not be a 200 stream carrying an error.
      const input = userInput("Anyone there?");
      const unknownStream = await client.post({ type: "threads.add_user_message", params: { thread_id: missing, input } });
      expect(unknownStream.status, unknownStream.body).toBe(404);

      for (const body of ["this is not json", { type: "threads.no_such_op", params: {} }, { type: "items.list", params: {} }]) {
        const answer = await client.post(body);
        expect(answer.status, `${JSON.stringify(body)} -> ${answer.body}`).toBe(400);
        expect(answer.contentType).toMatch(/^application\/json/);
        expect(() => JSON.parse(answer.body)).not.toThrow();
      }
    }, SERVER_TIMEOUT);

    it("renames and deletes a thread", async () => {
      const threadId = createdThreadId(await client.createThread("Name me"));
      await client.updateThread(threadId, "Renamed");
      expect((await client.getThread(threadId)).title).toBe("Renamed");
      await client.deleteThread(threadId);
      await expect(client.getThread(threadId)).rejects.toThrow(ChatKitHttpError);
      expect((await client.listThreads()).data.map((thread) => thread.id)).not.toContain(threadId);
    }, SERVER_TIMEOUT);
  });

  describe("across a restart", () => {
    if (store === "sqlite") {
      it("keeps the conversation on the same CHATKIT_DB_PATH", async () => {
        const db = dbEnv("restart.sqlite3");
        const first = await startServer(db);
        let client = new ChatKitClient(first.baseUrl);
        const threadId = createdThreadId(await client.createThread("Remember me"));
        await client.addUserMessage(threadId, "Still there?");
        const before = (await client.listItems(threadId)).data;
        expect(before).toHaveLength(4);

        await first.stop();
        client = new ChatKitClient((await startServer(db)).baseUrl);
        const after = (await client.listItems(threadId)).data;
        expect(after.map((item) => [item.id, item.type, itemText(item)])).toEqual(
          before.map((item) => [item.id, item.type, itemText(item)]),
        );
        expect((await client.listThreads()).data.map((thread) => thread.id)).toContain(threadId);

        // The conversation goes on after the restart, with fresh ids.
        const reply = expectOneAssistantTurn(await client.addUserMessage(threadId, "Back again"), "Back again");
        const items = (await client.listItems(threadId)).data;
        expect(items).toHaveLength(6);
        expect(new Set(items.map((item) => item.id)).size).toBe(6);
        expect(items.at(-1)?.id).toBe(reply);
      }, SERVER_TIMEOUT);
    } else {
      it("forgets its threads (in-memory store)", async () => {
        const first = await startServer();
        const threadId = createdThreadId(await new ChatKitClient(first.baseUrl).createThread("Forget me"));
        await first.stop();
        const client = new ChatKitClient((await startServer()).baseUrl);
        const answer = await client.post({ type: "threads.get_by_id", params: { thread_id: threadId } });
        expect(answer.status, answer.body).toBe(404);
      }, SERVER_TIMEOUT);
    }
  });
});

function printLogs(server: FakeModelServer): void {
  console.error(`--- output of the server on port ${server.port} ---\n${server.logs()}`);
}

/** A child environment without the host's OpenAI key or CHATKIT_* settings. */
function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key === "OPENAI_API_KEY" || key.startsWith("CHATKIT_")) continue;
    env[key] = value;
  }
  return env;
}

function createdThreadId(events: ChatKitEvent[]): string {
  const created = events.find((event) => event.type === "thread.created");
  expect(created?.thread?.id, `no thread.created event in ${summarize(events)}`).toBeTypeOf("string");
  return created!.thread!.id;
}

function expectNoErrors(events: ChatKitEvent[]): void {
  const errors = events.filter((event) => event.type === "error");
  expect(errors, "error events in the stream").toEqual([]);
}

/**
 * Checks one turn's stream: the user message is echoed back as done, then exactly one assistant
 * message whose added, updated and done events all carry one id, not the model's placeholder.
 * Returns that id.
 */
function expectOneAssistantTurn(events: ChatKitEvent[], userText: string): string {
  expectNoErrors(events);
  const types = events.map((event) => event.type);
  for (const type of ["stream_options", "thread.item.added", "thread.item.updated", "thread.item.done"]) {
    expect(types, summarize(events)).toContain(type);
  }
  const firstDone = events.find((event) => event.type === "thread.item.done");
  expect(firstDone?.item?.type, summarize(events)).toBe("user_message");
  expect(itemText(firstDone!.item!)).toBe(userText);

  const { messages, strayUpdates } = assistantMessages(events);
  expect(strayUpdates, `updated events whose id no added event announced: ${summarize(events)}`).toEqual([]);
  expect(messages, summarize(events)).toHaveLength(1);
  const [message] = messages;
  expect(message).toMatchObject({ added: 1, done: 1, text: `echo: ${userText}` });
  expect(message.updated).toBeGreaterThan(0);
  expect(message.id).not.toBe(FAKE_ID);
  expect(JSON.stringify(events)).not.toContain(FAKE_ID);
  return message.id;
}

function summarize(events: ChatKitEvent[]): string {
  return events
    .map((event) => {
      const id = event.item?.id ?? event.item_id ?? event.thread?.id ?? "";
      return `${event.type}${event.item ? `(${event.item.type})` : ""}${id ? ` ${id}` : ""}`;
    })
    .join(", ");
}
