// The rest of the ChatKit protocol over real HTTP: feedback, widget actions, a client tool
// round trip, retry and dictation, against uvicorn, for sqlite and postgres with --auth header.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conversation, createdThreadId, expectNoErrors, FAKE_ID, summarize } from "./assertions.js";
import type { ChatKitEvent, ThreadItem } from "./chatkit-client.js";
import type { ProjectVariant } from "./generate-project.js";
import { usePostgres } from "./postgres-server.js";
import { SERVER_TIMEOUT, useGeneratedProject } from "./project-fixture.js";

// The fixture never passes OPENAI_API_KEY on: the speech API's key comes from a variable of its own.
const KEY_VARIABLE = "E2E_FAKE_PROVIDER_KEY";
const FLAGS = ["--tools", "widget,client", "--dictation", "on", "--api-key-env", KEY_VARIABLE];
const VARIANTS: ProjectVariant[] = [
  { store: "sqlite", auth: "header", flags: FLAGS, label: "protocol" },
  { store: "postgres", auth: "header", flags: FLAGS, label: "protocol" },
];

/** A loopback stand-in for the provider's speech-to-text API (OpenAI audio transcriptions). */
class FakeSpeechApi {
  readonly requests: Array<{ path: string; contentType: string; authorization: string; body: Buffer }> = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void readBody(request).then((body) => {
        this.requests.push({
          path: request.url ?? "",
          contentType: request.headers["content-type"] ?? "",
          authorization: request.headers.authorization ?? "",
          body,
        });
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ text: "dictated words" }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function widgetTexts(widget: unknown): string[] {
  const node = widget as { type?: string; value?: string; children?: unknown[] };
  const own = node.type === "Text" && node.value ? [node.value] : [];
  return [...own, ...(node.children ?? []).flatMap(widgetTexts)];
}

function findButton(widget: unknown, label: string): Record<string, unknown> | undefined {
  const node = widget as { type?: string; label?: string; onClickAction?: Record<string, unknown>; children?: unknown[] };
  if (node.type === "Button" && node.label === label) return node.onClickAction;
  for (const child of node.children ?? []) {
    const found = findButton(child, label);
    if (found) return found;
  }
  return undefined;
}

const lastAssistantText = (events: ChatKitEvent[]) =>
  events
    .filter((event) => event.type === "thread.item.done" && event.item?.type === "assistant_message")
    .map((event) => (event.item as { content: Array<{ text: string }> }).content.map((part) => part.text).join(""))
    .at(-1);

const postgres = usePostgres();

describe.each(VARIANTS)("the rest of the protocol, --store $store --auth header", (variant) => {
  const project = useGeneratedProject(variant, { postgres, envKey: `store-${variant.store}` });
  const speech = new FakeSpeechApi();
  let speechUrl: string;
  beforeAll(async () => {
    speechUrl = await speech.start();
  });
  afterAll(() => speech.stop());

  const serverEnv = (store: Record<string, string>) => ({
    ...store,
    CHATKIT_TRANSCRIPTION_BASE_URL: speechUrl,
    [KEY_VARIABLE]: "sk-e2e-test-key",
  });

  it("keeps feedback per user: the owner's is stored, another user's is 404", async () => {
    const server = await project.startServer(serverEnv(await project.freshStore("feedback")));
    const alice = project.client(server, "alice");
    const bob = project.client(server, "bob");
    const threadId = createdThreadId(await alice.createThread("Rate me"));
    const answer = (await alice.listItems(threadId)).data.find((item) => item.type === "assistant_message")!;

    const feedback = { type: "items.feedback", params: { thread_id: threadId, item_ids: [answer.id], kind: "positive" } };
    expect(await alice.json(feedback)).toEqual({});
    const denied = await bob.post(feedback);
    expect(denied.status).toBe(404);
    expect(JSON.parse(denied.body).error.code).toBe("not_found");
    // Bob cannot even learn that the thread exists.
    expect((await bob.post({ ...feedback, params: { ...feedback.params, thread_id: "thr_nope" } })).status).toBe(404);
  }, SERVER_TIMEOUT);

  it("shows a widget, and its button works after a restart", async () => {
    const store = serverEnv(await project.freshStore("widget"));
    const first = await project.startServer(store);
    const threadId = createdThreadId(await project.client(first).createThread("widget: a counter"));
    const widget = (await project.client(first).listItems(threadId)).data.find((item) => item.type === "widget") as
      | (ThreadItem & { widget: unknown })
      | undefined;
    expect(widget, "a widget item is stored").toBeDefined();
    expect(widgetTexts(widget!.widget)).toEqual(["Count: 3"]);
    await first.stop();

    const client = project.client(await project.startServer(store));
    const events = await client.stream({
      type: "threads.custom_action",
      params: { thread_id: threadId, item_id: widget!.id, action: findButton(widget!.widget, "Add one") },
    });
    expectNoErrors(events);
    const replaced = events.find((event) => event.type === "thread.item.replaced");
    expect(replaced?.item?.id, summarize(events)).toBe(widget!.id);
    const stored = (await client.listItems(threadId)).data.find((item) => item.id === widget!.id) as ThreadItem & { widget: unknown };
    expect(widgetTexts(stored.widget)).toEqual(["Count: 4"]);

    const reset = await client.json<{ updated_item: { widget: unknown } }>({
      type: "threads.sync_custom_action",
      params: { thread_id: threadId, item_id: widget!.id, action: findButton(widget!.widget, "Reset") },
    });
    expect(widgetTexts(reset.updated_item.widget)).toEqual(["Count: 0"]);
    const unknown = await client.stream({
      type: "threads.custom_action",
      params: { thread_id: threadId, item_id: widget!.id, action: { type: "cart.checkout", payload: {} } },
    });
    expect(unknown.filter((event) => event.type === "error").map((event) => event.message)).toEqual([
      expect.stringContaining("'cart.checkout'"),
    ]);
  }, SERVER_TIMEOUT);

  it("waits for the browser on a client tool, then answers with its result", async () => {
    const client = project.client(await project.startServer(serverEnv(await project.freshStore("client-tool"))));
    const first = await client.createThread("client: what is selected?");
    expectNoErrors(first);
    const threadId = createdThreadId(first);
    const pending = (await client.listItems(threadId)).data.at(-1) as ThreadItem & { status?: string; name?: string };
    expect([pending.type, pending.name, pending.status]).toEqual(["client_tool_call", "get_page_selection", "pending"]);
    expect(pending.id).not.toBe(FAKE_ID);

    const answer = await client.stream({
      type: "threads.add_client_tool_output",
      params: { thread_id: threadId, result: { text: "hello" } },
    });
    expectNoErrors(answer);
    expect(lastAssistantText(answer)).toBe('tool said: {"text": "hello"}');
    const items = (await client.listItems(threadId)).data;
    expect(items.map((item) => item.type)).toEqual(["user_message", "client_tool_call", "assistant_message"]);
  }, SERVER_TIMEOUT);

  it("retries an answer: the old one is replaced, the thread goes on", async () => {
    const client = project.client(await project.startServer(serverEnv(await project.freshStore("retry"))));
    const threadId = createdThreadId(await client.createThread("Say it again"));
    const [question, oldAnswer] = (await client.listItems(threadId)).data;

    const retried = await client.stream({ type: "threads.retry_after_item", params: { thread_id: threadId, item_id: question.id } });
    expectNoErrors(retried);
    const items = (await client.listItems(threadId)).data;
    expect(conversation(items)).toEqual([
      ["user_message", "Say it again"],
      ["assistant_message", "echo: Say it again"],
    ]);
    expect(items[0].id).toBe(question.id);
    expect(items[1].id).not.toBe(oldAnswer.id);
  }, SERVER_TIMEOUT);

  it("transcribes dictation through the provider's speech-to-text API", async () => {
    const client = project.client(await project.startServer(serverEnv(await project.freshStore("dictation"))));
    const audio = Buffer.from("\u001aE\u00df\u00a3 opus frames, more or less");
    const before = speech.requests.length;

    const result = await client.json({
      type: "input.transcribe",
      params: { audio_base64: audio.toString("base64"), mime_type: "audio/webm;codecs=opus" },
    });

    expect(result).toEqual({ text: "dictated words" });
    const request = speech.requests.at(-1)!;
    expect(speech.requests.length).toBe(before + 1);
    expect(request.path).toBe("/v1/audio/transcriptions");
    expect(request.authorization).toBe("Bearer sk-e2e-test-key");
    expect(request.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(request.body.includes(audio)).toBe(true);
    expect(request.body.toString("latin1")).toContain('filename="speech.webm"');
    const refused = await client.post({ type: "input.transcribe", params: { audio_base64: audio.toString("base64"), mime_type: "audio/wav" } });
    expect([refused.status, JSON.parse(refused.body).error.code]).toEqual([415, "unsupported_audio_type"]);
  }, SERVER_TIMEOUT);
});

