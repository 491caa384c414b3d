// Expectations about what a ChatKit server streams and stores, shared by the e2e test files.
import { expect } from "vitest";
import { assistantMessages, itemText, type ChatKitEvent, type ThreadItem } from "./chatkit-client.js";

/** The one item id Chat Completions based models give every output item. */
export const FAKE_ID = "__fake_id__";

export function createdThreadId(events: ChatKitEvent[]): string {
  const created = events.find((event) => event.type === "thread.created");
  expect(created?.thread?.id, `no thread.created event in ${summarize(events)}`).toBeTypeOf("string");
  return created!.thread!.id;
}

export function expectNoErrors(events: ChatKitEvent[]): void {
  const errors = events.filter((event) => event.type === "error");
  expect(errors, "error events in the stream").toEqual([]);
}

/**
 * Checks one turn's stream: the user message is echoed back as done, then exactly one assistant
 * message whose added, updated and done events all carry one id, not the model's placeholder.
 * Returns that id.
 */
export function expectOneAssistantTurn(events: ChatKitEvent[], userText: string): string {
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

export function summarize(events: ChatKitEvent[]): string {
  return events
    .map((event) => {
      const id = event.item?.id ?? event.item_id ?? event.thread?.id ?? "";
      return `${event.type}${event.item ? `(${event.item.type})` : ""}${id ? ` ${id}` : ""}`;
    })
    .join(", ");
}

/** `[id, type, text]` of each item: what a comparison of two listings looks at. */
export function itemSummaries(items: ThreadItem[]): Array<[string, string, string | undefined]> {
  return items.map((item) => [item.id, item.type, itemText(item)]);
}

/** `[type, text]` of each item, for comparing a thread with the conversation that was held. */
export function conversation(items: ThreadItem[]): Array<[string, string | undefined]> {
  return items.map((item) => [item.type, itemText(item)]);
}

/**
 * What must hold for any stored thread, however its turns were interleaved: ids are distinct
 * and none is the model's placeholder; the listing (ascending) never goes back in created_at;
 * each user text in `sentTexts` is there exactly once and nothing else from a user; there are
 * as many echo replies as user messages, and each reply `echo: X` comes after the message X.
 */
export function expectSoundThread(items: ThreadItem[], sentTexts: string[], where: string): void {
  const context = `${where}: ${JSON.stringify(conversation(items))}`;
  const ids = items.map((item) => item.id);
  expect(new Set(ids).size, `duplicate item ids in ${context}`).toBe(ids.length);
  expect(ids, context).not.toContain(FAKE_ID);

  const times = items.map((item) => createdAtMicros(item));
  for (let i = 1; i < times.length; i++) {
    expect(times[i] >= times[i - 1], `item ${i} is older than item ${i - 1} in ${context}`).toBe(true);
  }

  const userTexts = items.filter((item) => item.type === "user_message").map(itemText);
  expect([...userTexts].sort(), `user messages of ${context}`).toEqual([...sentTexts].sort());

  const replies = items.filter((item) => item.type === "assistant_message");
  expect(replies.length, `assistant replies of ${context}`).toBe(sentTexts.length);
  for (const reply of replies) {
    const text = itemText(reply) ?? "";
    expect(text, context).toMatch(/^echo: /);
    const question = items.findIndex((item) => item.type === "user_message" && `echo: ${itemText(item)}` === text);
    expect(question, `no user message for reply '${text}' in ${context}`).toBeGreaterThanOrEqual(0);
    expect(items.indexOf(reply), `reply '${text}' before its message in ${context}`).toBeGreaterThan(question);
  }
}

/**
 * An item's created_at in microseconds since the epoch. Date.parse keeps milliseconds only, and
 * items written within one millisecond must still compare correctly.
 */
export function createdAtMicros(item: ThreadItem): bigint {
  const value = item.created_at;
  const match = typeof value === "string" ? /^(.+T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$/.exec(value) : null;
  if (!match) throw new Error(`item ${item.id} has no ISO created_at: ${JSON.stringify(value)}`);
  const [, seconds, fraction = "", zone = "Z"] = match;
  const wholeMs = Date.parse(`${seconds}${zone}`);
  if (Number.isNaN(wholeMs)) throw new Error(`item ${item.id}: unreadable created_at ${value}`);
  return BigInt(wholeMs) * 1000n + BigInt(fraction.padEnd(6, "0").slice(0, 6));
}
