// Many replicas: two uvicorn processes of one postgres project (--auth header) share one
// database and serve interleaved turns of two users, several requests in flight at once.
import { describe, expect, it } from "vitest";
import {
  conversation,
  createdThreadId,
  expectNoErrors,
  expectOneAssistantTurn,
  expectSoundThread,
  itemSummaries,
} from "./assertions.js";
import { assistantMessages, type ChatKitClient, type ThreadItem } from "./chatkit-client.js";
import { usePostgres } from "./postgres-server.js";
import { SERVER_TIMEOUT, useGeneratedProject } from "./project-fixture.js";

const USERS = ["alice", "bob"];
const THREADS_PER_USER = 3;
const SEQUENTIAL_TURNS = 4; // per thread, each on the other replica than the one before

interface Conversation {
  user: string;
  label: string;
  threadId: string;
  /** Every user text sent to the thread, in the order the turns were started. */
  sent: string[];
}

const postgres = usePostgres();

describe("two replicas of a postgres project (--auth header) on one database", () => {
  const project = useGeneratedProject({ store: "postgres", auth: "header" }, { postgres });

  it("serve interleaved turns on shared threads: nothing lost, duplicated, reordered or leaked", async () => {
    const store = await project.freshStore("replicas");
    // Both start at once on an empty database: both try to migrate it at the same moment.
    const replicas = await Promise.all([project.startServer(store), project.startServer(store)]);
    const as = (replica: number, user: string): ChatKitClient => project.client(replicas[replica % 2], user);

    // Phase 1: every user's threads at once; within a thread, turns one after another, each
    // on the other replica (a chat UI waits for the answer before the next message).
    const threads = USERS.flatMap((user) => Array.from({ length: THREADS_PER_USER }, (_, i) => ({ user, i })));
    const conversations: Conversation[] = await Promise.all(
      threads.map(async ({ user, i }, n): Promise<Conversation> => {
        const label = `${user} thread ${i}`;
        const sent: string[] = [];
        let threadId = "";
        for (let turn = 0; turn < SEQUENTIAL_TURNS; turn++) {
          const text = `${label} turn ${turn}`;
          const client = as(n + turn, user);
          sent.push(text);
          const events = turn === 0 ? await client.createThread(text) : await client.addUserMessage(threadId, text);
          if (turn === 0) threadId = createdThreadId(events);
          expectOneAssistantTurn(events, text);
        }
        return { user, label, threadId, sent };
      }),
    );

    // Phase 2: on every thread, two messages at the same moment, one to each replica
    // (twelve streams in flight). Which message each reply echoes depends on the race.
    await Promise.all(
      conversations.flatMap((c) =>
        [0, 1].map(async (replica) => {
          const text = `${c.label} together on replica ${replica}`;
          c.sent.push(text);
          const events = await as(replica, c.user).addUserMessage(c.threadId, text);
          expectNoErrors(events);
          const { messages, strayUpdates } = assistantMessages(events);
          expect(strayUpdates).toEqual([]);
          expect(messages.map((m) => [m.added, m.done]), `${text}: one reply`).toEqual([[1, 1]]);
        }),
      ),
    );

    // Every thread, read through either replica, holds exactly what was said.
    const allIds: string[] = [];
    for (const c of conversations) {
      const listings: ThreadItem[][] = [];
      for (const replica of [0, 1]) {
        const client = as(replica, c.user);
        const items = (await client.listItems(c.threadId, { limit: 100 })).data;
        expectSoundThread(items, c.sent, `${c.label} via replica ${replica}`);
        const sequential = c.sent.slice(0, SEQUENTIAL_TURNS).flatMap((text) => [
          ["user_message", text],
          ["assistant_message", `echo: ${text}`],
        ]);
        expect(conversation(items.slice(0, 2 * SEQUENTIAL_TURNS)), c.label).toEqual(sequential);
        const descending = (await client.listItems(c.threadId, { order: "desc", limit: 100 })).data;
        expect(itemSummaries(descending), `${c.label}: desc is asc reversed`).toEqual(itemSummaries(items).reverse());
        listings.push(items);
      }
      expect(itemSummaries(listings[1]), `${c.label}: both replicas agree`).toEqual(itemSummaries(listings[0]));
      allIds.push(c.threadId, ...listings[0].map((item) => item.id));
    }
    expect(new Set(allIds).size, "thread and item ids are distinct across the database").toBe(allIds.length);

    // Each user lists exactly their own threads, on either replica; another's thread is 404.
    for (const user of USERS) {
      const own = conversations.filter((c) => c.user === user).map((c) => c.threadId).sort();
      const others = conversations.filter((c) => c.user !== user).map((c) => c.threadId);
      for (const replica of [0, 1]) {
        const client = as(replica, user);
        const listed = (await client.listThreads({ limit: 50 })).data.map((thread) => thread.id);
        expect([...listed].sort(), `${user}'s threads via replica ${replica}`).toEqual(own);
        for (const threadId of others) {
          const answer = await client.post({ type: "threads.get_by_id", params: { thread_id: threadId } });
          expect(answer.status, `${user} reading ${threadId} via replica ${replica}: ${answer.body}`).toBe(404);
        }
      }
    }

    // The migrations ran once although both replicas started together, and neither logged a crash.
    const versions = await postgres
      .get()
      .query<{ version: number; n: number }>(
        store.DATABASE_URL,
        "SELECT version, count(*)::int AS n FROM chatkit_schema_version GROUP BY version ORDER BY version",
      );
    expect(versions.length).toBeGreaterThan(0);
    expect(versions, "each migration recorded exactly once").toEqual(versions.map((_, i) => ({ version: i + 1, n: 1 })));
    for (const replica of replicas) expect(replica.logs(Number.MAX_SAFE_INTEGER), `replica on port ${replica.port}`).not.toMatch(/Traceback|ERROR/);
  }, SERVER_TIMEOUT);
});
