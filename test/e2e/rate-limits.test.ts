// Per-user rate limits shared by two uvicorn replicas of a postgres project (--auth header):
// counted in the database (the default, --rate-limit postgres) and in Redis (--rate-limit
// redis). A limit reached on one replica holds on the other: 429 with Retry-After, nothing
// stored; a stream's slot comes back when it ends, also when its client hangs up.
import { describe, expect, it } from "vitest";
import { createdThreadId, expectOneAssistantTurn } from "./assertions.js";
import { userInput, type ChatKitClient, type RawResponse } from "./chatkit-client.js";
import type { ProjectVariant } from "./generate-project.js";
import { usePostgres } from "./postgres-server.js";
import { SERVER_TIMEOUT, useGeneratedProject } from "./project-fixture.js";
import { useRedis } from "./redis-server.js";
import type { FakeModelServer } from "./uvicorn-server.js";

/** The fake model streams a `slow:` answer one word per 0.25 s: about 4 s for this one. */
const SLOW_TEXT = "slow: this answer takes a few seconds to stream, one word at a time, while others knock";

const postgres = usePostgres();
const redis = useRedis();

const VARIANTS: { title: string; variant: ProjectVariant; env: () => Record<string, string> }[] = [
  { title: "counted in PostgreSQL (--rate-limit postgres)", variant: { store: "postgres", auth: "header" }, env: () => ({}) },
  {
    title: "counted in Redis (--rate-limit redis)",
    variant: { store: "postgres", auth: "header", flags: ["--rate-limit", "redis"], label: "redis" },
    env: () => ({ REDIS_URL: redis.get(), CHATKIT_REDIS_KEY_PREFIX: `e2e-${Date.now()}-${Math.random().toString(36).slice(2)}:` }),
  },
];

function newMessage(threadId: string, text: string) {
  return { type: "threads.add_user_message", params: { thread_id: threadId, input: userInput(text) } };
}

/** A 429 in the app's JSON error shape with `code`; returns its Retry-After in seconds. */
function expect429(response: RawResponse, code: string, where: string): number {
  expect(response.status, `${where}: ${response.body}`).toBe(429);
  expect(response.contentType).toMatch(/^application\/json/);
  expect((JSON.parse(response.body) as { error: { code: string } }).error.code).toBe(code);
  const retryAfter = response.headers.get("retry-after") ?? "";
  expect(retryAfter, `${where}: Retry-After`).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(60);
  return Number(retryAfter);
}

for (const { title, variant, env } of VARIANTS) {
  describe(`two replicas with rate limits ${title}`, () => {
    const project = useGeneratedProject(variant, { postgres });

    async function replicas(label: string, limits: Record<string, string>): Promise<FakeModelServer[]> {
      const settings = { ...(await project.freshStore(label)), ...env(), ...limits };
      return Promise.all([project.startServer(settings), project.startServer(settings)]);
    }

    it("count a user's turns across both: the fifth of four per minute is 429 on either", async () => {
      const servers = await replicas("turns", { CHATKIT_RATE_LIMIT_TURNS_PER_MINUTE: "4", CHATKIT_RATE_LIMIT_CONCURRENT_STREAMS: "0" });
      const alice = servers.map((server) => project.client(server, "alice"));
      const threadId = createdThreadId(await alice[0].createThread("turn 1"));
      for (const [n, client] of [alice[1], alice[0], alice[1]].entries()) {
        expectOneAssistantTurn(await client.addUserMessage(threadId, `turn ${n + 2}`), `turn ${n + 2}`);
      }
      for (const [replica, client] of alice.entries()) {
        const refused = await client.post(newMessage(threadId, `refused on replica ${replica}`));
        const retryAfter = expect429(refused, "rate_limited", `replica ${replica}`);
        expect(refused.body).toContain(`try again in ${retryAfter} s`);
      }
      // Nothing of the refused turns was stored; a non-streaming request is still served.
      const items = (await alice[1].listItems(threadId, { limit: 100 })).data;
      expect(items.map((item) => item.type)).toEqual(Array(4).fill(["user_message", "assistant_message"]).flat());
      // Another user's turns are their own.
      expectOneAssistantTurn(await project.client(servers[1], "bob").createThread("bob's turn"), "bob's turn");
    }, SERVER_TIMEOUT);

    it("count streams in flight across both, and free a slot when its stream ends or its client hangs up", async () => {
      const servers = await replicas("streams", { CHATKIT_RATE_LIMIT_TURNS_PER_MINUTE: "0", CHATKIT_RATE_LIMIT_CONCURRENT_STREAMS: "1" });
      const [alice0, alice1] = servers.map((server) => project.client(server, "alice"));
      const threadId = createdThreadId(await alice0.createThread("before the slow one"));

      // A slow answer on replica 0, hung up after its first delta (leaving the loop cancels
      // the body): its slot must come back at once, not when the answer would have ended.
      let deltas = 0;
      for await (const event of alice0.addUserMessageIncrementally(threadId, SLOW_TEXT)) {
        if (event.type === "thread.item.updated") deltas += 1;
        if (deltas === 1) break;
      }
      expect(deltas).toBe(1);
      await waitUntilAdmitted(alice1, "after the hang-up");

      // Another slow answer on replica 0 holds alice's only slot on both replicas.

      const holder = alice0.addUserMessageIncrementally(threadId, SLOW_TEXT);
      const first = await holder.next();
      expect(first.done).toBe(false);
      for (const [replica, client] of [alice0, alice1].entries()) {
        const refused = await client.post({ type: "threads.create", params: { input: userInput(`knock ${replica}`) } });
        expect(expect429(refused, "too_many_streams", `replica ${replica}`)).toBe(2);
      }
      expectOneAssistantTurn(await project.client(servers[1], "bob").createThread("bob meanwhile"), "bob meanwhile");
      // The held stream runs to its end; then the slot is free again, on the other replica.
      const rest: string[] = [];
      for await (const event of holder) rest.push(event.type);
      expect(rest).toContain("thread.item.done");
      expectOneAssistantTurn(await alice1.createThread("after the slow one"), "after the slow one");
    }, SERVER_TIMEOUT);
  });
}

/**
 * Knocks every 100 ms until a turn of `client`'s user is admitted, and asserts that it happens
 * well before a hung-up slow answer (about 4 s) would have ended on its own.
 */
async function waitUntilAdmitted(client: ChatKitClient, label: string): Promise<void> {
  const started = Date.now();
  for (;;) {
    const answer = await client.post({ type: "threads.create", params: { input: userInput(label) } });
    if (answer.status === 200) break;
    expect429(answer, "too_many_streams", label);
    expect(Date.now() - started, `${label}: the slot stayed taken`).toBeLessThan(2_500);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
