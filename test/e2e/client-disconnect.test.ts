// A client that hangs up in the middle of an answer: the server stays healthy, the thread
// stays consistent (the user message once, no duplicated or placeholder ids), and the next
// turn works.
import { describe, expect, it } from "vitest";
import { FAKE_ID, conversation, createdThreadId, expectOneAssistantTurn } from "./assertions.js";
import { SERVER_TIMEOUT, useGeneratedProject } from "./project-fixture.js";

/** The fake model streams a `slow:` answer one word per 0.25 s. */
const SLOW_TEXT = "slow: this answer arrives one word at a time and is cut short by the client";

describe("a --store sqlite project whose client disconnects mid-answer", () => {
  const project = useGeneratedProject({ store: "sqlite", auth: "none" });

  it("stays healthy and keeps the thread consistent", async () => {
    const store = await project.freshStore("client-disconnect");
    const server = await project.startServer(store);
    const client = project.client(server);
    const threadId = createdThreadId(await client.createThread("Before the hang-up"));

    let streamed = "";
    for await (const event of client.addUserMessageIncrementally(threadId, SLOW_TEXT)) {
      if (event.type !== "thread.item.updated") continue;
      const update = event.update as { delta?: unknown } | undefined;
      if (typeof update?.delta === "string") streamed += update.delta;
      // Leaving the loop cancels the response body: the client hangs up, a few words in.
      if (streamed.startsWith(`echo: ${SLOW_TEXT.split(" ").slice(0, 3).join(" ")}`)) break;
    }
    expect(streamed, "text the client saw before hanging up").toBe("echo: slow: this answer ");

    // The whole answer would take about 4 s to stream; wait longer than that, so that a
    // server that ignored the hang-up would have stored it complete by now.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const items = (await client.listItems(threadId)).data;
    expect(server.running, server.logs()).toBe(true);
    expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200);

    const afterHangUp = conversation(items);
    expect(afterHangUp.slice(0, 3)).toEqual([
      ["user_message", "Before the hang-up"],
      ["assistant_message", "echo: Before the hang-up"],
      ["user_message", SLOW_TEXT],
    ]);
    // At most a partial answer was kept (the SDK saves what had streamed), never a whole one:
    // the server stopped the turn when the client left. A kept answer holds at least what the
    // client saw, never nothing.
    const partial = afterHangUp.slice(3);
    console.info(`streamed before the hang-up: ${JSON.stringify(streamed)}; kept: ${JSON.stringify(partial)}`);
    expect(partial.length).toBeLessThanOrEqual(1);
    for (const [type, text = ""] of partial) {
      expect(type).toBe("assistant_message");
      expect(text.length, "an empty partial answer").toBeGreaterThan(0);
      expect(text.startsWith(streamed), `kept ${JSON.stringify(text)}, the client saw ${JSON.stringify(streamed)}`).toBe(true);
      expect(`echo: ${SLOW_TEXT}`.startsWith(text)).toBe(true);
      expect(text).not.toBe(`echo: ${SLOW_TEXT}`);
    }

    expectOneAssistantTurn(await client.addUserMessage(threadId, "After the hang-up"), "After the hang-up");
    const after = (await client.listItems(threadId)).data;
    const ids = after.map((item) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(FAKE_ID);
    expect(conversation(after).slice(-2)).toEqual([
      ["user_message", "After the hang-up"],
      ["assistant_message", "echo: After the hang-up"],
    ]);
    expect(server.logs()).not.toMatch(/Traceback/);
  }, SERVER_TIMEOUT);
});
