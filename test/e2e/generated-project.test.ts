// End to end: generate each supported project variant with the built CLI, install it for real
// from PyPI, run its own checks, then serve it with a scripted model and talk to it over HTTP.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AppServer } from "./app-server.js";
import {
  createdThreadId,
  expectNoErrors,
  expectOneAssistantTurn,
  FAKE_ID,
  itemSummaries,
} from "./assertions.js";
import { assistantMessages, ChatKitClient, ChatKitHttpError, itemText, userInput } from "./chatkit-client.js";
import type { ProjectVariant } from "./generate-project.js";
import { usePostgres } from "./postgres-server.js";
import { describeFailure, run } from "./process.js";
import { expectAllPassed } from "./pytest-summary.js";
import { CHECK_TIMEOUT, childEnv, SERVER_TIMEOUT, useGeneratedProject, USER_HEADER } from "./project-fixture.js";
import { atBaseUrl, readFirstRequest } from "./readme-first-request.js";
import { freePort, type FakeModelServer } from "./uvicorn-server.js";

const VARIANTS: ProjectVariant[] = [
  { store: "sqlite", auth: "none" },
  { store: "memory", auth: "none" },
  { store: "postgres", auth: "none" },
  { store: "postgres", auth: "header" },
];

// A shell (a deployment container, a developer's) that exports the app's settings, each one
// unlike what the tests expect or not valid at all: the suite's result must not change.
const HOSTILE_SETTINGS: Record<string, string> = {
  CHATKIT_HISTORY_LIMIT: "1",
  CHATKIT_MAX_REQUEST_BYTES: "10",
  CHATKIT_MODEL: "no-such-model",
  CHATKIT_COMPOSER_MODELS: "not json",
  CHATKIT_DB_PATH: "/proc/no/such/dir/chat.db",
  CHATKIT_DATABASE_URL: "postgresql://nobody@127.0.0.1:1/nothing",
  CHATKIT_DATABASE_SCHEMA: "elsewhere",
  CHATKIT_USER_HEADER: "X-Someone-Else",
  CHATKIT_ATTACHMENTS_DIR: "/proc/no/such/dir",
  CHATKIT_ATTACHMENTS_MAX_BYTES: "1",
  CHATKIT_ATTACHMENTS_MEDIA_TYPES: '["text/html"]',
  CHATKIT_ATTACHMENTS_PER_MESSAGE: "0",
  CHATKIT_LOG_LEVEL: "NOT-A-LEVEL",
  CHATKIT_TRACING: "true",
};

const postgres = usePostgres();

describe.each(VARIANTS)("generated project (--store $store --auth $auth)", (variant) => {
  const project = useGeneratedProject(variant, { postgres });
  const persistent = variant.store !== "memory";

  it("passes its own test suite, whatever app settings the shell exports", async () => {
    // A postgres project's tests make a schema each in the database they are given.
    const databaseEnv: Record<string, string> =
      variant.store === "postgres" ? { TEST_DATABASE_URL: await postgres.get().createDatabase(`pytest_${project.name}`) } : {};
    const env = { ...HOSTILE_SETTINGS, ...databaseEnv };
    expectAllPassed(await project.run(project.env.pytest, ["-q", "-p", "no:cacheprovider"], env));
  }, CHECK_TIMEOUT);

  it("is clean under ruff check and ruff format --check", async () => {
    const lint = await project.run(project.env.ruff, ["check", "--no-cache", "."]);
    expect(lint.code, describeFailure(lint)).toBe(0);
    const format = await project.run(project.env.ruff, ["format", "--check", "--no-cache", "."]);
    expect(format.code, describeFailure(format)).toBe(0);
  }, CHECK_TIMEOUT);

  it("byte-compiles", async () => {
    const result = await project.run(project.env.python, ["-m", "compileall", "-q", "app", "tests"]);
    expect(result.code, describeFailure(result)).toBe(0);
  }, CHECK_TIMEOUT);

  if (variant.store === "sqlite") {
    it("does not start without OPENAI_API_KEY: uvicorn exits, printing one sentence naming it and no traceback", async () => {
      const python = project.env.python;
      const env = { ...childEnv(), ...(await project.freshStore("no-key")) };
      const args = ["-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", String(await freePort())];
      const result = await run(python, args, { cwd: project.projectDir, env, timeoutMs: CHECK_TIMEOUT });
      expect(result.code, describeFailure(result)).not.toBe(0);
      const output = result.stdout + result.stderr;
      expect(output).toContain(
        "ERROR:    Set OPENAI_API_KEY to your OpenAI API key: the agent's model runs on OpenAI's API, which refuses requests without one.\n",
      );
      expect(output).not.toMatch(/Traceback|File "/);
    }, SERVER_TIMEOUT);

    it("answers the README's first request, with a key the provider rejects, as the README says: an error event naming the variable", async () => {
      const request = readFirstRequest(await readFile(path.join(project.projectDir, "README.md"), "utf8"));
      const key = "sk-rejected-by-the-loopback-api";
      // A loopback stand-in for the provider that refuses every key with 401, as OpenAI does.
      const api = createServer((_, response) => {
        response.writeHead(401, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}.`, type: "invalid_request_error", code: "invalid_api_key" } }));
      });
      await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
      const { port } = api.address() as AddressInfo;
      // The real app (`uvicorn app.main:app`); tracing off, as it would upload with the key.
      const env = {
        ...childEnv(),
        ...(await project.freshStore("rejected-key")),
        OPENAI_API_KEY: key,
        OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
        CHATKIT_TRACING: "false",
      };
      const server = await AppServer.start({ python: project.env.python, projectDir: project.projectDir, env });
      try {
        const curl = await run("sh", ["-c", atBaseUrl(request.commands, server.baseUrl)], { timeoutMs: CHECK_TIMEOUT });
        expect(curl.code, describeFailure(curl)).toBe(0);
        const rejected =
          'data: {"type":"error","code":"custom","message":"The model provider rejected the API key: set OPENAI_API_KEY on the server to a valid key.","allow_retry":false}';
        expect(request.section).toContain(rejected);
        expect(curl.stdout).toContain(`${rejected}\n`);
        expect(curl.stdout).not.toContain(key);
        const events = curl.stdout.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)) as { type: string; thread?: { id: string } });
        // The thread and the message are stored all the same.
        const threadId = events.find((e) => e.type === "thread.created")?.thread?.id ?? "";
        const items = (await new ChatKitClient(server.baseUrl).listItems(threadId)).data;
        expect(items.map((item) => [item.type, itemText(item)])).toEqual([["user_message", "Hello!"]]);
        const logs = server.logs(Number.MAX_SAFE_INTEGER);
        expect(logs).toContain("the model provider rejected the API key (HTTP 401)");
        expect(logs).toMatch(/turn failed .*outcome=failed/);
        expect(logs).not.toContain(key);
        expect(logs).not.toMatch(/Traceback/);
      } finally {
        await server.stop();
        await new Promise((resolve) => api.close(resolve));
      }
    }, SERVER_TIMEOUT);
  }

  describe("served with a scripted model that reuses one item id", () => {
    // One server for the tests below, which each work on threads of their own; the last one
    // restarts it.
    let shared: FakeModelServer;
    let sharedStore: Record<string, string>;
    let client: ChatKitClient;
    beforeAll(async () => {
      sharedStore = await project.freshStore("shared");
      shared = await project.startServer(sharedStore);
      client = project.client(shared);
    }, SERVER_TIMEOUT);

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
      expect(errorCode(unknown.body), unknown.body).toBe("not_found");
      // A streaming request too: the answer must not be a 200 stream carrying an error.
      const input = userInput("Anyone there?");
      const unknownStream = await client.post({ type: "threads.add_user_message", params: { thread_id: missing, input } });
      expect(unknownStream.status, unknownStream.body).toBe(404);
      expect(errorCode(unknownStream.body), unknownStream.body).toBe("not_found");

      for (const body of ["this is not json", { type: "threads.no_such_op", params: {} }, { type: "items.list", params: {} }]) {
        const answer = await client.post(body);
        expect(answer.status, `${JSON.stringify(body)} -> ${answer.body}`).toBe(400);
        expect(answer.contentType).toMatch(/^application\/json/);
        expect(errorCode(answer.body), `${JSON.stringify(body)} -> ${answer.body}`).toBe("invalid_request");
      }
    }, SERVER_TIMEOUT);

    it("answers the README's first request, run as written with curl, with the events the README shows", async () => {
      const request = readFirstRequest(await readFile(path.join(project.projectDir, "README.md"), "utf8"));
      const curl = await run("sh", ["-c", atBaseUrl(request.commands, shared.baseUrl)], { timeoutMs: CHECK_TIMEOUT });
      expect(curl.code, describeFailure(curl)).toBe(0);
      const [health, ...rest] = curl.stdout.split("\n");
      expect(health).toBe('{"status":"ok"}');
      const lines = rest.filter((line) => line.startsWith("data: "));
      const events = lines.map((line) => JSON.parse(line.slice("data: ".length)) as { type: string });
      expectNoErrors(events);
      // The README's events, in its order, are all in the stream (which has more of them).
      const types = events.map((e) => e.type);
      let at = 0;
      for (const type of request.eventTypes) {
        at = types.indexOf(type, at) + 1;
        expect(at, `${type} (in the README) in ${types.join(", ")}`).toBeGreaterThan(0);
      }
      expect(curl.stdout).toContain('"text":"echo: Hello!"');
    }, SERVER_TIMEOUT);

    it("renames and deletes a thread", async () => {
      const threadId = createdThreadId(await client.createThread("Name me"));
      await client.updateThread(threadId, "Renamed");
      expect((await client.getThread(threadId)).title).toBe("Renamed");
      await client.deleteThread(threadId);
      await expect(client.getThread(threadId)).rejects.toThrow(ChatKitHttpError);
      expect((await client.listThreads()).data.map((thread) => thread.id)).not.toContain(threadId);
    }, SERVER_TIMEOUT);

    if (variant.auth === "header") {
      it(`answers 401 to a request without a user (${USER_HEADER} missing or blank)`, async () => {
        const threadId = createdThreadId(await client.createThread("Mine"));
        const requests = [
          { type: "threads.list", params: { limit: 20, order: "desc" } },
          { type: "threads.get_by_id", params: { thread_id: threadId } },
          { type: "threads.create", params: { input: userInput("Who am I?") } },
          { type: "threads.add_user_message", params: { thread_id: threadId, input: userInput("Me again") } },
        ];
        const anonymousHeaders: Array<Record<string, string>> = [{}, { [USER_HEADER]: "" }, { [USER_HEADER]: "   " }];
        for (const headers of anonymousHeaders) {
          const anonymous = client.withHeaders(headers);
          for (const body of requests) {
            const answer = await anonymous.post(body);
            expect(answer.status, `${JSON.stringify(headers)} ${body.type} -> ${answer.body}`).toBe(401);
            expect(answer.contentType).toMatch(/^application\/json/);
            expect(errorCode(answer.body), answer.body).toBe("unauthenticated");
          }
        }
        // Nothing the anonymous requests sent was stored.
        expect((await client.listItems(threadId)).data.map(itemText)).toEqual(["Mine", "echo: Mine"]);
      }, SERVER_TIMEOUT);

      it("keeps two users apart: each lists only their own threads, another's is 404", async () => {
        const alice = project.client(shared, "alice-isolation");
        const bob = project.client(shared, "bob-isolation");
        const aliceThread = createdThreadId(await alice.createThread("Alice's secret"));
        const bobThread = createdThreadId(await bob.createThread("Bob's secret"));

        expect((await alice.listThreads()).data.map((t) => t.id)).toEqual([aliceThread]);
        expect((await bob.listThreads()).data.map((t) => t.id)).toEqual([bobThread]);

        const attempts = [
          { type: "threads.get_by_id", params: { thread_id: aliceThread } },
          { type: "items.list", params: { thread_id: aliceThread, order: "asc", limit: 50 } },
          { type: "threads.add_user_message", params: { thread_id: aliceThread, input: userInput("Bob was here") } },
          { type: "threads.update", params: { thread_id: aliceThread, title: "Bob's now" } },
          { type: "threads.delete", params: { thread_id: aliceThread } },
        ];
        for (const body of attempts) {
          const answer = await bob.post(body);
          expect(answer.status, `bob ${body.type} on alice's thread -> ${answer.body}`).toBe(404);
          expect(answer.body).not.toContain("Alice's secret");
        }

        // Alice's thread is as she left it.
        const thread = await alice.getThread(aliceThread);
        expect(thread.title ?? null).not.toBe("Bob's now");
        expect((await alice.listItems(aliceThread)).data.map(itemText)).toEqual(["Alice's secret", "echo: Alice's secret"]);
        expect((await bob.listItems(bobThread)).data.map(itemText)).toEqual(["Bob's secret", "echo: Bob's secret"]);
      }, SERVER_TIMEOUT);
    }

    // Last in this block: it stops the shared server.
    if (persistent) {
      it("keeps the conversation across a restart on the same store", async () => {
        const threadId = createdThreadId(await client.createThread("Remember me"));
        await client.addUserMessage(threadId, "Still there?");
        const before = (await client.listItems(threadId)).data;
        expect(before).toHaveLength(4);

        await shared.stop();
        const restarted = project.client(await project.startServer(sharedStore));
        const after = (await restarted.listItems(threadId)).data;
        expect(itemSummaries(after)).toEqual(itemSummaries(before));
        expect((await restarted.listThreads()).data.map((thread) => thread.id)).toContain(threadId);

        // The conversation goes on after the restart, with fresh ids.
        const reply = expectOneAssistantTurn(await restarted.addUserMessage(threadId, "Back again"), "Back again");
        const items = (await restarted.listItems(threadId)).data;
        expect(items).toHaveLength(6);
        expect(new Set(items.map((item) => item.id)).size).toBe(6);
        expect(items.at(-1)?.id).toBe(reply);
      }, SERVER_TIMEOUT);
    } else {
      it("forgets its threads across a restart (in-memory store)", async () => {
        const threadId = createdThreadId(await client.createThread("Forget me"));
        await shared.stop();
        const restarted = project.client(await project.startServer());
        const answer = await restarted.post({ type: "threads.get_by_id", params: { thread_id: threadId } });
        expect(answer.status, answer.body).toBe(404);
      }, SERVER_TIMEOUT);
    }
  });
});

/** The `code` of the generated server's `{"error": {"code", "message"}}` answer (throws if it is not one). */
function errorCode(body: string): string {
  const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
  if (typeof parsed.error?.message !== "string" || parsed.error.message === "") throw new Error(`no error message in ${body}`);
  return String(parsed.error.code);
}
