// The issue-14 proof over real HTTP: the postgres variant with --auth jwt (and its default
// --rate-limit postgres) served as two uvicorn replicas on a PostgreSQL server of this file's
// own (embedded, so that it can be stopped). Tokens of two users minted here (HS256, node's
// crypto); every bad-token kind refused with 401 and WWW-Authenticate on either replica; a turn
// limit that holds across both; SIGTERM on a third replica with a stream in flight (the answer
// finishes, the process exits, another replica reads it back); /ready 200, then 503 on both once the database is stopped, while
// /health stays 200; and the start-up checks of the real app (`uvicorn app.main:app`).
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createdThreadId, expectOneAssistantTurn } from "./assertions.js";
import { ChatKitClient, userInput } from "./chatkit-client.js";
import { startEmbeddedPostgres, type PostgresServer } from "./postgres-server.js";
import { describeFailure, run } from "./process.js";
import { CHECK_TIMEOUT, childEnv, SERVER_TIMEOUT, useGeneratedProject } from "./project-fixture.js";
import { freePort, type FakeModelServer } from "./uvicorn-server.js";

const SECRET = "an-hs256-secret-of-the-e2e-suite-32-bytes-or-more";
const AUDIENCE = "chatkit-e2e";
const TURNS_PER_MINUTE = 3;

const b64url = (text: string) => Buffer.from(text).toString("base64url");

/** A JWT for `claims` (defaults: our audience, valid for 5 minutes), HS256-signed with `secret`. */
function mint(claims: Record<string, unknown>, { secret = SECRET, alg = "HS256" } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64url(JSON.stringify({ alg, typ: "JWT" }))}.${b64url(JSON.stringify({ aud: AUDIENCE, iat: now, exp: now + 300, ...claims }))}`;
  const signature = alg === "none" ? "" : createHmac("sha256", secret).update(body).digest("base64url");
  return `${body}.${signature}`;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const now = () => Math.floor(Date.now() / 1000);

/** Each bad-token kind: the Authorization header sent (none for "missing") and the reason the server gives. */
const BAD_TOKENS: Record<string, { headers: () => Record<string, string>; reason: string }> = {
  missing: { headers: () => ({}), reason: "Send the user's token as `Authorization: Bearer <token>`." },
  malformed: { headers: () => bearer("not-a-jwt"), reason: "it is not a well-formed JWT" },
  expired: { headers: () => bearer(mint({ sub: "alice", exp: now() - 120 })), reason: "it has expired" },
  "not yet valid": { headers: () => bearer(mint({ sub: "alice", nbf: now() + 120 })), reason: "it is not valid yet" },
  "wrongly signed": { headers: () => bearer(mint({ sub: "alice" }, { secret: "another-secret-of-at-least-32-bytes!!" })), reason: "its signature does not match" },
  "wrong audience": { headers: () => bearer(mint({ sub: "alice", aud: "another-app" })), reason: "it is meant for another audience" },
  "alg none": { headers: () => bearer(mint({ sub: "alice" }, { alg: "none" })), reason: "its algorithm is not accepted" },
};

let postgres: PostgresServer | undefined;
const pg = () => {
  if (!postgres) throw new Error("the embedded PostgreSQL did not start (see beforeAll's error)");
  return postgres;
};
beforeAll(async () => {
  postgres = await startEmbeddedPostgres();
}, 120_000);
afterAll(() => postgres?.close(), 60_000);

describe("the postgres variant with --auth jwt as two replicas", () => {
  const project = useGeneratedProject({ store: "postgres", auth: "jwt" }, { postgres: { get: pg } });
  let replicas: FakeModelServer[] = [];
  let settings: Record<string, string> = {};
  const as = (server: FakeModelServer, user: string) => new ChatKitClient(server.baseUrl, bearer(mint({ sub: user })));

  beforeAll(async () => {
    settings = {
      ...(await project.freshStore("production")),
      CHATKIT_JWT_SECRET: SECRET,
      CHATKIT_JWT_AUDIENCE: AUDIENCE,
      CHATKIT_RATE_LIMIT_TURNS_PER_MINUTE: String(TURNS_PER_MINUTE),
      CHATKIT_READY_TIMEOUT_SECONDS: "2",
    };
    replicas = await Promise.all([project.startServer(settings), project.startServer(settings)]);
  }, SERVER_TIMEOUT);

  it("serves two users by their tokens on either replica, each seeing only their own threads", async () => {
    const [alice0, alice1] = replicas.map((server) => as(server, "alice"));
    const threadId = createdThreadId(await alice0.createThread("alice on replica 0"));
    expect((await alice1.listThreads()).data.map((thread) => thread.id)).toContain(threadId);
    const bob = as(replicas[1], "bob");
    expect((await bob.listThreads()).data).toEqual([]);
    const peek = await bob.post({ type: "threads.get_by_id", params: { thread_id: threadId } });
    expect(peek.status, peek.body).toBe(404);
  }, SERVER_TIMEOUT);

  it("refuses every bad token with 401, WWW-Authenticate and the reason, on either replica", async () => {
    for (const [kind, { headers, reason }] of Object.entries(BAD_TOKENS)) {
      for (const [n, server] of replicas.entries()) {
        const response = await new ChatKitClient(server.baseUrl, headers()).post({ type: "threads.list", params: { limit: 10, order: "desc" } });
        const where = `${kind} token on replica ${n}`;
        expect(response.status, `${where}: ${response.body}`).toBe(401);
        expect(response.contentType, where).toMatch(/^application\/json/);
        const { error } = JSON.parse(response.body) as { error: { code: string; message: string } };
        expect(error.code, where).toBe(kind === "missing" ? "unauthenticated" : "invalid_token");
        expect(error.message, where).toContain(reason);
        const challenge = response.headers.get("www-authenticate") ?? "";
        expect(challenge, where).toBe(kind === "missing" ? "Bearer" : `Bearer error="invalid_token", error_description="${reason}"`);
      }
    }
  }, SERVER_TIMEOUT);

  it("counts a user's turns across both replicas: past the limit, 429 on either", async () => {
    const [carol0, carol1] = replicas.map((server) => as(server, "carol"));
    const threadId = createdThreadId(await carol0.createThread("turn 1"));
    expectOneAssistantTurn(await carol1.addUserMessage(threadId, "turn 2"), "turn 2");
    expectOneAssistantTurn(await carol0.addUserMessage(threadId, "turn 3"), "turn 3");
    for (const [n, client] of [carol0, carol1].entries()) {
      const refused = await client.post({ type: "threads.add_user_message", params: { thread_id: threadId, input: userInput(`refused on ${n}`) } });
      expect(refused.status, `replica ${n}: ${refused.body}`).toBe(429);
      expect((JSON.parse(refused.body) as { error: { code: string } }).error.code).toBe("rate_limited");
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
    // Another user's turns are their own.
    expectOneAssistantTurn(await as(replicas[1], "dave").createThread("dave's turn"), "dave's turn");
  }, SERVER_TIMEOUT);

  it("on SIGTERM lets a stream in flight finish, then exits; the other replica serves the stored answer", async () => {
    const stopping = await project.startServer({ ...settings, UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN: "10" });
    const erin = as(stopping, "erin");
    const threadId = createdThreadId(await erin.createThread("before the stop"));
    const text = "slow: an answer streamed word by word while its replica is asked to stop";
    let deltas = 0;
    let answer = "";
    for await (const event of erin.addUserMessageIncrementally(threadId, text)) {
      if (event.type === "thread.item.updated" && ++deltas === 2) stopping.terminate();
      const item = event.item as { type: string; content?: { text: string }[] } | undefined;
      if (event.type === "thread.item.done" && item?.type === "assistant_message") answer = item.content?.[0]?.text ?? "";
    }
    expect(answer).toBe(`echo: ${text}`);
    expect(["killed by SIGTERM", "exited 0"], stopping.logs()).toContain(await stopping.exitWithin(15_000));
    const items = (await as(replicas[1], "erin").listItems(threadId)).data;
    expect(items.at(-1)?.type).toBe("assistant_message");
    expect(items.length).toBe(4);
  }, SERVER_TIMEOUT);

  it("is ready while the database answers, 503 on both replicas once it is stopped; /health stays 200", async () => {
    for (const server of replicas) {
      const ready = await fetch(`${server.baseUrl}/ready`);
      expect(await ready.json()).toEqual({ status: "ready" });
    }
    // A real stop of the server (fast shutdown): the replicas' connections go with it.
    await pg().close();
    for (const [n, server] of replicas.entries()) {
      const ready = await fetch(`${server.baseUrl}/ready`, { signal: AbortSignal.timeout(10_000) });
      const body = await ready.text();
      expect(ready.status, `replica ${n}: ${body}`).toBe(503);
      const { error } = JSON.parse(body) as { error: { code: string; message: string } };
      expect(error.code).toBe("not_ready");
      expect(error.message).toMatch(/^Not ready: the store (failed to answer \(\w+\)|did not answer within 2 seconds)\.$/);
      expect(body).not.toContain(SECRET);
      const health = await fetch(`${server.baseUrl}/health`);
      expect(health.status, `replica ${n} /health`).toBe(200);
    }
  }, SERVER_TIMEOUT);

  describe("the real app (`uvicorn app.main:app`) stops at start in one sentence", () => {
    async function start(env: Record<string, string>) {
      const args = ["-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", String(await freePort())];
      const result = await run(project.env.python, args, { cwd: project.projectDir, env: { ...childEnv(), ...env }, timeoutMs: CHECK_TIMEOUT });
      expect(result.code, describeFailure(result)).not.toBe(0);
      const output = result.stdout + result.stderr;
      expect(output).not.toMatch(/Traceback|File "/);
      return output;
    }

    it("without OPENAI_API_KEY", async () => {
      const output = await start(settings);
      expect(output).toContain(
        "ERROR:    Set OPENAI_API_KEY to your OpenAI API key: the agent's model runs on OpenAI's API, which refuses requests without one.\n",
      );
    }, SERVER_TIMEOUT);

    it("when DATABASE_URL names a server that does not answer, without its password", async () => {
      const url = new URL(settings.DATABASE_URL);
      url.password = "a-password-never-printed";
      url.port = "1";
      const output = await start({ ...settings, OPENAI_API_KEY: "sk-unused-it-does-not-start", DATABASE_URL: url.toString() });
      expect(output).toContain(`ERROR:    Cannot connect to PostgreSQL at ${url.hostname}:1 (DATABASE_URL): connection refused.\n`);
      expect(output).not.toContain("a-password-never-printed");
    }, SERVER_TIMEOUT);

    it("without CHATKIT_JWT_AUDIENCE", async () => {
      const output = await start({ ...settings, OPENAI_API_KEY: "sk-unused-it-does-not-start", CHATKIT_JWT_AUDIENCE: "" });
      expect(output).toMatch(/ERROR: {4}Set CHATKIT_JWT_AUDIENCE to the audience \(aud\) your tokens are issued for[^\n]*\.\n/);
    }, SERVER_TIMEOUT);
  });
});
