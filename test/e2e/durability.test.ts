// Durability: `kill -9` the server, between turns and in the middle of a streamed answer, then
// start it again on the same store. Every completed item must be there, once, and the thread
// must go on.
import { describe, expect, it } from "vitest";
import {
  conversation,
  createdThreadId,
  expectOneAssistantTurn,
  expectSoundThread,
  itemSummaries,
  summarize,
} from "./assertions.js";
import type { ChatKitEvent } from "./chatkit-client.js";
import type { ProjectVariant } from "./generate-project.js";
import { usePostgres } from "./postgres-server.js";
import { SERVER_TIMEOUT, useGeneratedProject } from "./project-fixture.js";

const VARIANTS: ProjectVariant[] = [
  { store: "sqlite", auth: "none" },
  { store: "postgres", auth: "none" },
];

/** The fake model streams a `slow:` answer one word per 0.25 s: long enough to kill it midway. */
const SLOW_TEXT = "slow: this answer arrives one word at a time and never finishes";

const postgres = usePostgres();

describe.each(VARIANTS)("a --store $store project killed with SIGKILL", (variant) => {
  const project = useGeneratedProject(variant, { postgres });

  it("keeps every turn completed before the kill, and the thread goes on", async () => {
    const store = await project.freshStore("kill-between-turns");
    const first = await project.startServer(store);
    let client = project.client(first);
    const threadId = createdThreadId(await client.createThread("First words"));
    expectOneAssistantTurn(await client.addUserMessage(threadId, "Second words"), "Second words");
    const before = (await client.listItems(threadId)).data;
    expect(conversation(before)).toEqual([
      ["user_message", "First words"],
      ["assistant_message", "echo: First words"],
      ["user_message", "Second words"],
      ["assistant_message", "echo: Second words"],
    ]);

    await first.kill9(); // right after the last answer was read to its end

    client = project.client(await project.startServer(store));
    expect(itemSummaries((await client.listItems(threadId)).data)).toEqual(itemSummaries(before));
    expect((await client.listThreads()).data.map((thread) => thread.id)).toEqual([threadId]);

    expectOneAssistantTurn(await client.addUserMessage(threadId, "After the crash"), "After the crash");
    const after = (await client.listItems(threadId)).data;
    expectSoundThread(after, ["First words", "Second words", "After the crash"], "after the restart");
    expect(itemSummaries(after.slice(0, 4))).toEqual(itemSummaries(before));
  }, SERVER_TIMEOUT);

  it("keeps every completed item when killed while an answer streams, and the thread goes on", async () => {
    const store = await project.freshStore("kill-while-streaming");
    const first = await project.startServer(store);
    let client = project.client(first);
    const threadId = createdThreadId(await client.createThread("Before the crash"));
    const before = (await client.listItems(threadId)).data;

    // Read the slow answer as it comes; kill the server at its first text delta, with the
    // connection still open (a client that hung up first would make it a cancellation), then
    // read on until the dead connection ends the stream.
    const seen: ChatKitEvent[] = [];
    let cutOff: unknown;
    try {
      for await (const event of client.addUserMessageIncrementally(threadId, SLOW_TEXT)) {
        seen.push(event);
        if (event.type === "thread.item.updated" && first.running) await first.kill9();
      }
    } catch (error) {
      cutOff = error; // "terminated": the server died in the middle of the response
    }
    expect(cutOff, "the stream was cut off, not ended").toBeInstanceOf(Error);
    const userDone = seen.find((event) => event.type === "thread.item.done" && event.item?.type === "user_message");
    expect(userDone, `the user message was stored and announced: ${summarize(seen)}`).toBeDefined();
    const started = seen.find((event) => event.type === "thread.item.added" && event.item?.type === "assistant_message");
    expect(started, `the answer had started: ${summarize(seen)}`).toBeDefined();
    expect(first.running, "the server was killed in the middle of the answer").toBe(false);
    expect(seen.some((event) => event.type === "thread.item.done" && event.item?.type === "assistant_message")).toBe(false);

    client = project.client(await project.startServer(store));
    const afterCrash = (await client.listItems(threadId)).data;
    // What was complete is there once: the first turn and the user message of the cut-off turn;
    // the half-streamed answer was never completed, so it is not stored.
    expect(itemSummaries(afterCrash.slice(0, 2))).toEqual(itemSummaries(before));
    expect(conversation(afterCrash)).toEqual([
      ["user_message", "Before the crash"],
      ["assistant_message", "echo: Before the crash"],
      ["user_message", SLOW_TEXT],
    ]);
    expect(afterCrash[2].id).toBe(userDone!.item!.id);

    expectOneAssistantTurn(await client.addUserMessage(threadId, "After the crash"), "After the crash");
    const after = (await client.listItems(threadId)).data;
    expect(conversation(after)).toEqual([
      ...conversation(afterCrash),
      ["user_message", "After the crash"],
      ["assistant_message", "echo: After the crash"],
    ]);
    expect(new Set(after.map((item) => item.id)).size, "item ids are distinct").toBe(after.length);
    expect(itemSummaries(after.slice(0, 3))).toEqual(itemSummaries(afterCrash));
  }, SERVER_TIMEOUT);
});
