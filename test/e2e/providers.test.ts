// End to end, per model provider: a generated project served as its README says (uvicorn
// app.main:app), its agent running on the provider's real client code (OpenAIChatCompletionsModel,
// OpenAIResponsesModel, LitellmModel) against a loopback fake of the provider's HTTP API that
// speaks the streaming wire format (fake-model-api.ts). Three turns over HTTP in the ChatKit
// protocol, the second with a call to the example tool; then what was streamed, stored and sent
// to the model is checked: every assistant message stored once under its own id although the
// model reused one id (`__fake_id__` from Chat Completions, one real `msg_...` id from the fake
// Responses API), one id across each message's added/updated/done events, the tool output sent
// back to the model, and the history window sent on the third turn.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AppServer } from "./app-server.js";
import { createdThreadId, expectNoErrors, FAKE_ID, summarize } from "./assertions.js";
import { ChatKitClient, itemText, type ChatKitEvent, type ThreadItem } from "./chatkit-client.js";
import {
  chatCompletionReply,
  FakeModelApi,
  messageText,
  responsesReply,
  wordDeltas,
  type RecordedRequest,
  type Script,
} from "./fake-model-api.js";
import { describeFailure, run, type RunResult } from "./process.js";
import { expectAllPassed } from "./pytest-summary.js";
import { CHECK_TIMEOUT, childEnv, SERVER_TIMEOUT, SETUP_TIMEOUT } from "./project-fixture.js";
import { envKeyFor, generateWithFlags, OFFLINE_ENV, type Provider } from "./provider-projects.js";
import { ensureProjectEnv, type ProjectEnv } from "./python-env.js";

const MODEL = "e2e-fake-model";
const DUMMY_KEY = "sk-e2e-dummy-key-not-real";
const TOOL_NAME = "get_current_time";
const TOOL_CALL_ID = "call_e2e_paris";
const TOOL_ARGUMENT_CHUNKS = ['{"time', 'zone": "Eur', 'ope/Paris"}'];
/** The one message id the fake Responses API gives every message, in every turn. */
const REUSED_MESSAGE_ID = "msg_e2e_reused_0001";
const FUNCTION_CALL_ITEM_ID = "fc_e2e_paris";
const CHECK_FRAMES = fileURLToPath(new URL("./fixtures/check_openai_frames.py", import.meta.url));

const TURNS = ["Hello there", "What time is it in Paris?", "Thanks, that is all"] as const;
/** An ISO time in Paris, as the example tool returns it: `2025-01-31T12:34:56+01:00`. */
const PARIS_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$/;

// ---------------------------------------------------------------------------------------------
// What the fake model says, the same in every wire format: an echo, except that a question
// about the time gets "Let me check the time." and a call of the example tool, and the tool's
// output gets "In Paris it is <output>.", each streamed one word per delta.

interface Plan {
  texts: string[];
  callTool: boolean;
}

function plan(userText: string | undefined, toolOutput: string | undefined): Plan {
  if (toolOutput !== undefined) return { texts: [`In Paris it is ${toolOutput}.`], callTool: false };
  if (userText !== undefined && /\btime\b/i.test(userText)) return { texts: ["Let me check the time."], callTool: true };
  return { texts: [`You said: ${userText ?? "(nothing)"}`], callTool: false };
}

/** The replies of one turn, in order: one message, or a message and then the tool's answer. */
function expectedReplies(userText: string): Array<string | RegExp> {
  return plan(userText, undefined).callTool
    ? ["Let me check the time.", /^In Paris it is \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00\.$/]
    : [`You said: ${userText}`];
}

const chatScript: Script = (request, n) => {
  const messages: Array<Record<string, unknown>> = request.body.messages ?? [];
  const last = messages.at(-1) ?? {};
  const next = plan(
    last.role === "user" ? messageText(last) : undefined,
    last.role === "tool" ? messageText(last) : undefined,
  );
  return chatCompletionReply({
    id: `chatcmpl-e2e-${n}`,
    model: String(request.body.model),
    textDeltas: wordDeltas(next.texts.join(" ")),
    toolCalls: next.callTool ? [{ id: TOOL_CALL_ID, name: TOOL_NAME, argumentChunks: TOOL_ARGUMENT_CHUNKS }] : [],
  });
};

const responsesScript: Script = (request, n) => {
  const input: Array<Record<string, unknown>> = Array.isArray(request.body.input) ? request.body.input : [];
  const last = input.at(-1) ?? {};
  const next = plan(
    last.role === "user" ? messageText(last) : undefined,
    last.type === "function_call_output" ? String(last.output) : undefined,
  );
  const output: Parameters<typeof responsesReply>[0]["output"] = next.texts.map((text) => ({
    type: "message" as const,
    id: REUSED_MESSAGE_ID,
    textDeltas: wordDeltas(text),
  }));
  if (next.callTool) {
    output.push({
      type: "function_call",
      id: FUNCTION_CALL_ITEM_ID,
      callId: TOOL_CALL_ID,
      name: TOOL_NAME,
      argumentChunks: TOOL_ARGUMENT_CHUNKS,
    });
  }
  return responsesReply({ id: `resp_e2e_${n}`, model: String(request.body.model), output });
};

// ---------------------------------------------------------------------------------------------
// Reading requests in either wire format.

type Role = "user" | "assistant";

interface WireFormat {
  name: "chat completions" | "responses";
  route: string;
  script: Script;
  /** The conversation a request carries, (role, text) in order; instructions and tool traffic left out. */
  window(request: RecordedRequest): Array<[Role, string]>;
  /** The tool call and the output the request sends back, if any. */
  toolRoundTrip(request: RecordedRequest): { call: { id: string; name: string; arguments: string }; output: string } | undefined;
  /** The instructions the request carries. */
  instructions(request: RecordedRequest): string | undefined;
}

const CHAT_COMPLETIONS: WireFormat = {
  name: "chat completions",
  route: "/v1/chat/completions",
  script: chatScript,
  window: (request) =>
    (request.body.messages as Array<Record<string, unknown>>)
      // An assistant message that only calls tools carries no text: tool traffic, not conversation.
      .filter((m) => (m.role === "user" || m.role === "assistant") && messageText(m))
      .map((m) => [m.role as Role, messageText(m) ?? ""]),
  toolRoundTrip(request) {
    const messages = request.body.messages as Array<Record<string, any>>;
    const callIndex = messages.findIndex((m) => m.role === "assistant" && Array.isArray(m.tool_calls));
    if (callIndex < 0) return undefined;
    const [call] = messages[callIndex].tool_calls;
    const output = messages.slice(callIndex + 1).find((m) => m.role === "tool");
    return {
      call: { id: call.id, name: call.function?.name, arguments: call.function?.arguments },
      output: output && output.tool_call_id === call.id ? String(messageText(output)) : `<no tool message for ${call.id}>`,
    };
  },
  instructions: (request) => {
    const first = (request.body.messages as Array<Record<string, unknown>>)[0];
    return first?.role === "system" || first?.role === "developer" ? messageText(first) : undefined;
  },
};

const RESPONSES: WireFormat = {
  name: "responses",
  route: "/v1/responses",
  script: responsesScript,
  window: (request) =>
    (request.body.input as Array<Record<string, unknown>>)
      .filter((item) => (item.type === undefined || item.type === "message") && (item.role === "user" || item.role === "assistant"))
      .map((item) => [item.role as Role, messageText(item) ?? ""]),
  toolRoundTrip(request) {
    const input = request.body.input as Array<Record<string, any>>;
    const call = input.find((item) => item.type === "function_call");
    if (!call) return undefined;
    const output = input.find((item) => item.type === "function_call_output" && item.call_id === call.call_id);
    return {
      call: { id: call.call_id, name: call.name, arguments: call.arguments },
      output: output ? String(output.output) : `<no function_call_output for ${call.call_id}>`,
    };
  },
  instructions: (request) => request.body.instructions,
};

// ---------------------------------------------------------------------------------------------
// One generated project, installed, served against a fake API, for the tests of a describe block.

interface LiveOptions {
  provider: Provider;
  /** CLI flags beyond --provider (the store is always sqlite, the CLI's default). */
  flags: string[];
  wire: WireFormat;
  /** The server's provider settings, given the fake API's base URL (`http://127.0.0.1:<port>/v1`). */
  providerEnv(baseUrl: string): Record<string, string>;
}

interface Live {
  projectDir: string;
  env: ProjectEnv;
  api: FakeModelApi;
  server: AppServer;
  client: ChatKitClient;
  /** The server's whole environment. */
  serverEnv: Record<string, string>;
  /** The instructions of the project's agent, as `build_agent()` gives them. */
  instructions: string;
  run(cmd: string, args: string[], extraEnv?: Record<string, string>): Promise<RunResult>;
}

function useLiveProject(options: LiveOptions): () => Live {
  let workDir: string | undefined;
  let live: Live | undefined;
  let api: FakeModelApi | undefined;
  let server: AppServer | undefined;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), `chatkit-e2e-provider-${options.provider}-`));
    const projectDir = path.join(workDir, `${options.provider}-live`);
    await generateWithFlags(projectDir, ["--provider", options.provider, "--store", "sqlite", ...options.flags]);
    const env = await ensureProjectEnv(projectDir, envKeyFor({ provider: options.provider, store: "sqlite" }));
    api = await FakeModelApi.start(options.wire.script, { acceptKey: DUMMY_KEY });
    const serverEnv = {
      ...childEnv(),
      ...OFFLINE_ENV,
      CHATKIT_DB_PATH: path.join(workDir, "chat.sqlite3"),
      ...options.providerEnv(api.baseUrl),
    };
    server = await AppServer.start({ python: env.python, projectDir, env: serverEnv });
    const runIn = (cmd: string, args: string[], extraEnv: Record<string, string> = {}) =>
      run(cmd, args, { cwd: projectDir, env: { ...childEnv(), ...OFFLINE_ENV, ...extraEnv }, timeoutMs: CHECK_TIMEOUT });
    const instructions = await agentInstructions(projectDir, env.python, runIn);
    live = { projectDir, env, api, server, client: new ChatKitClient(server.baseUrl), serverEnv, instructions, run: runIn };
  }, SETUP_TIMEOUT);

  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      if (server) console.error(`--- ${options.provider} server output ---\n${server.logs()}`);
      if (api?.problems.length) console.error(`--- fake API problems ---\n${api.problems.join("\n")}`);
    });
  });

  afterAll(async () => {
    await server?.stop();
    await api?.close();
    if (workDir && !process.env.CHATKIT_E2E_KEEP) await rm(workDir, { recursive: true, force: true });
  }, 30_000);

  return () => {
    if (!live) throw new Error(`the ${options.provider} project was not prepared (see beforeAll's error)`);
    return live;
  };
}

/**
 * The instructions the project's agent runs with: `app/instructions.md`, which build_agent()
 * reads as is, or when a project keeps them elsewhere, what build_agent() gives (slower: imports the SDK).
 */
async function agentInstructions(projectDir: string, python: string, runIn: Live["run"]): Promise<string> {
  const file = path.join(projectDir, "app", "instructions.md");
  if (existsSync(file)) return readFile(file, "utf8");
  const script = "import json; from app.agent import build_agent; print(json.dumps(build_agent().instructions))";
  const result = await runIn(python, ["-c", script]);
  if (result.code !== 0) throw new Error(`build_agent() failed:\n${describeFailure(result)}`);
  const instructions = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "null");
  if (typeof instructions !== "string" || !instructions) throw new Error(`build_agent().instructions is not text: ${result.stdout}`);
  return instructions;
}

// ---------------------------------------------------------------------------------------------
// The conversation and what must hold for it.

interface Conversation {
  threadId: string;
  turns: ChatKitEvent[][];
  /** Assistant message ids per turn, in stream order. */
  replyIds: string[][];
}

/** Holds the three turns; checks each turn's stream as it comes. */
async function holdThreeTurns(live: Live, modelIds: string[]): Promise<Conversation> {
  const { client, server } = live;
  const turns: ChatKitEvent[][] = [];
  const replyIds: string[][] = [];
  let threadId = "";
  for (const [index, text] of TURNS.entries()) {
    const events = index === 0 ? await client.createThread(text) : await client.addUserMessage(threadId, text);
    if (index === 0) threadId = createdThreadId(events);
    if (events.some((event) => event.type === "error")) {
      // Say why: the stream only carries `stream.error`, the cause is in the server's log.
      const logged = server.logs(Number.MAX_SAFE_INTEGER).split("\n").filter((line) => /^\w*(Error|ERROR)\b|Error:/.test(line));
      expect.fail(`turn ${index + 1} ('${text}') streamed an error event; the server logged:\n${logged.join("\n")}`);
    }
    turns.push(events);
    replyIds.push(expectTurnStream(events, text, modelIds));
  }
  return { threadId, turns, replyIds };
}

/**
 * One turn's stream: the user message done first, then each expected assistant message as
 * added -> updated (one per delta, at least two) -> done, all under one id that is neither a
 * model id nor shared with another message. Returns the message ids in order.
 */
function expectTurnStream(events: ChatKitEvent[], userText: string, modelIds: string[]): string[] {
  const context = `turn '${userText}': ${summarize(events)}`;
  expectNoErrors(events);
  const firstDone = events.find((event) => event.type === "thread.item.done");
  expect(firstDone?.item?.type, context).toBe("user_message");
  expect(itemText(firstDone!.item!), context).toBe(userText);

  // Every assistant-message event, grouped by the item id it carries, in stream order.
  const assistantIds = new Set(
    events.filter((event) => event.item?.type === "assistant_message").map((event) => event.item!.id),
  );
  const sequences = new Map<string, string[]>();
  const texts = new Map<string, string | undefined>();
  const strays: string[] = [];
  for (const event of events) {
    let id: string | undefined;
    if (event.type === "thread.item.updated") id = event.item_id;
    else if (event.item?.type === "assistant_message") id = event.item.id;
    if (id === undefined) continue;
    if (!assistantIds.has(id)) {
      strays.push(`${event.type} ${id}`);
      continue;
    }
    sequences.set(id, [...(sequences.get(id) ?? []), event.type]);
    if (event.type === "thread.item.done") texts.set(id, itemText(event.item!));
  }
  expect(strays, `updated events under ids no assistant message was added with: ${context}`).toEqual([]);

  const ids = [...sequences.keys()];
  const expected = expectedReplies(userText);
  expect(ids.length, `assistant messages in ${context}`).toBe(expected.length);
  ids.forEach((id, i) => {
    const sequence = sequences.get(id)!;
    expect(sequence[0], `${id} starts with added: ${context}`).toBe("thread.item.added");
    expect(sequence.at(-1), `${id} ends with done: ${context}`).toBe("thread.item.done");
    expect(sequence.slice(1, -1).every((type) => type === "thread.item.updated"), `${id}: ${sequence.join(", ")}`).toBe(true);
    // One updated event per streamed word at least: the deltas reached the client one by one.
    const words = wordDeltas(texts.get(id) ?? "").length;
    expect(sequence.length - 2, `${id}: updated events for ${words} deltas`).toBeGreaterThanOrEqual(words);
    expect(texts.get(id), context).toMatch(typeof expected[i] === "string" ? exact(expected[i] as string) : expected[i]);
  });
  expect(new Set(ids).size, context).toBe(ids.length);
  for (const modelId of [FAKE_ID, ...modelIds]) {
    expect(ids, context).not.toContain(modelId);
    expect(JSON.stringify(events), `the model's id ${modelId} leaked into the stream`).not.toContain(modelId);
  }
  return ids;
}

function exact(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
}

/** What is stored after the three turns: every message once, in order, under the streamed ids. */
async function expectStoredConversation(client: ChatKitClient, conversation: Conversation): Promise<ThreadItem[]> {
  const items = (await client.listItems(conversation.threadId, { limit: 100 })).data;
  const expectedKinds = TURNS.flatMap((text) => ["user_message", ...expectedReplies(text).map(() => "assistant_message")]);
  const listing = JSON.stringify(items.map((item) => [item.id, item.type, itemText(item)]));
  expect(items.map((item) => item.type), listing).toEqual(expectedKinds);

  const ids = items.map((item) => item.id);
  expect(new Set(ids).size, `distinct ids: ${listing}`).toBe(ids.length);
  expect(ids, listing).not.toContain(FAKE_ID);
  const assistantIds = items.filter((item) => item.type === "assistant_message").map((item) => item.id);
  expect(assistantIds, "stored under the ids they were streamed with, in order").toEqual(conversation.replyIds.flat());

  const userTexts = items.filter((item) => item.type === "user_message").map(itemText);
  expect(userTexts).toEqual([...TURNS]);
  const replies = TURNS.flatMap((text) => expectedReplies(text));
  items
    .filter((item) => item.type === "assistant_message")
    .forEach((item, i) => expect(itemText(item), listing).toMatch(typeof replies[i] === "string" ? exact(replies[i] as string) : replies[i]));

  const descending = (await client.listItems(conversation.threadId, { order: "desc", limit: 100 })).data;
  expect(descending.map((item) => item.id), "desc is asc reversed").toEqual([...ids].reverse());
  expect((await client.getThread(conversation.threadId)).title).toBe(TURNS[0]);
  return items;
}

/**
 * What the server sent the model: one request per model call (turn 2 makes two: the tool call,
 * then its output), each streaming, for the configured model, with the instructions and the key;
 * the tool's output went back in the second request of turn 2, and again (stored, hidden from the
 * client) in turn 3; the third turn's window is the stored conversation in order, the newest
 * user message once and last.
 */
function expectModelRequests(live: Live, wire: WireFormat, stored: ThreadItem[], expectedKey: string): void {
  const { api } = live;
  expect(api.problems, "requests the fake API could not answer").toEqual([]);
  const requests = api.requests;
  expect(requests.map((request) => request.path)).toEqual(Array(4).fill(wire.route));
  for (const request of requests) {
    expect(request.body.stream, "every model call streams").toBe(true);
    expect(request.body.model).toBe(MODEL);
    expect(request.headers.authorization).toBe(`Bearer ${expectedKey}`);
    expect(wire.instructions(request), "the agent's instructions").toBe(live.instructions);
    const tools = (request.body.tools ?? []) as Array<Record<string, any>>;
    const names = tools.map((tool) => tool.name ?? tool.function?.name);
    expect(names, "the example tool is offered to the model").toEqual([TOOL_NAME]);
  }
  const [turn1, toolCallRequest, toolOutputRequest, turn3] = requests;

  expect(wire.window(turn1)).toEqual([["user", TURNS[0]]]);
  expect(wire.toolRoundTrip(toolCallRequest), "no tool traffic before the model asked for it").toBeUndefined();

  const roundTrip = wire.toolRoundTrip(toolOutputRequest);
  expect(roundTrip, "the second request of turn 2 carries the tool call and its output").toBeDefined();
  expect(roundTrip!.call).toMatchObject({ id: TOOL_CALL_ID, name: TOOL_NAME });
  expect(JSON.parse(roundTrip!.call.arguments)).toEqual({ timezone: "Europe/Paris" });
  expect(roundTrip!.output, "the tool's real output").toMatch(PARIS_TIME);
  const storedReply = stored.filter((item) => item.type === "assistant_message").map(itemText)[2];
  expect(storedReply, "the model's answer to the tool output is what was stored").toBe(`In Paris it is ${roundTrip!.output}.`);

  expect(wire.toolRoundTrip(turn3), "turn 3's history holds turn 2's tool call and its output, from the store").toEqual(roundTrip);

  const window = wire.window(turn3);
  // Everything stored before turn 3's reply: the three turns' messages up to the newest user message.
  const storedConversation = stored.slice(0, -1).map((item): [Role, string] => [
    item.type === "user_message" ? "user" : "assistant",
    itemText(item) ?? "",
  ]);
  expect(window, "turn 3 sends the stored conversation, in order").toEqual(storedConversation);
  expect(window.filter(([role, text]) => role === "user" && text === TURNS[2]), "newest user message once").toHaveLength(1);
  expect(window.at(-1)).toEqual(["user", TURNS[2]]);
}

/** Every frame the fake API sent parses as the installed `openai` package's own types. */
async function expectFramesMatchOpenAiTypes(live: Live, wire: WireFormat): Promise<void> {
  const sent = live.api.exchanges.flatMap((exchange) => exchange.reply.map((frame) => frame.data));
  expect(sent.length).toBeGreaterThan(0);
  const file = path.join(path.dirname(live.projectDir), `frames-${wire.route.replaceAll("/", "_")}.json`);
  await writeFile(file, JSON.stringify(wire.name === "responses" ? { responses: sent } : { chat: sent }));
  const result = await live.run(live.env.python, [CHECK_FRAMES, file]);
  expect(result.code, describeFailure(result)).toBe(0);
  expect(result.stdout).toMatch(/^checked \d+ chat chunks, \d+ responses events/);
}

/** No failure logged, and `turns` completed turns (the three turns' test, then two more). */
async function expectCleanLogs(server: AppServer, turns: number = TURNS.length): Promise<void> {
  // The server logs a turn after its last event is sent: its line may reach us a moment later.
  const completed = () => server.logs(Number.MAX_SAFE_INTEGER).match(/turn completed/g) ?? [];
  for (let waited = 0; completed().length < turns && waited < 5_000; waited += 50) await sleep(50);
  const logs = server.logs(Number.MAX_SAFE_INTEGER);
  expect(logs, "the server logged a failure").not.toMatch(/Traceback|^ERROR|ERROR /m);
  expect(completed(), "one completed turn per request").toHaveLength(turns);
}

async function expectOwnChecksPass(live: Live, extraEnv: Record<string, string> = {}): Promise<void> {
  expectAllPassed(await live.run(live.env.pytest, ["-q", "-p", "no:cacheprovider"], extraEnv));
  const lint = await live.run(live.env.ruff, ["check", "--no-cache", "."]);
  expect(lint.code, describeFailure(lint)).toBe(0);
  const format = await live.run(live.env.ruff, ["format", "--check", "--no-cache", "."]);
  expect(format.code, describeFailure(format)).toBe(0);
}


// Attachments: an image, a PDF and a CSV file uploaded to the server (direct upload) and sent
// in one message. The provider cannot reach this server's URLs, so the request it receives must
// carry the bytes themselves (base64) and the file's text, on that turn and on the next (history).
const PNG = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.from("an image, as far as anyone checks")]);
const PDF = Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n");
// No "time" in it: the fake model would call the clock tool.
const CSV = "city,country\nParis,France\n";

async function uploadDirect(baseUrl: string, name: string, data: Buffer, type: string): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob([data], { type }), name);
  const response = await fetch(`${baseUrl}/attachments`, { method: "POST", body: form });
  const body = await response.text();
  expect(response.status, body).toBe(200);
  return (JSON.parse(body) as { id: string }).id;
}

async function expectAttachmentsReachTheModel(live: Live): Promise<void> {
  const { api, client, server } = live;
  const ids = [
    await uploadDirect(server.baseUrl, "pixel.png", PNG, "image/png"),
    await uploadDirect(server.baseUrl, "report.pdf", PDF, "application/pdf"),
    await uploadDirect(server.baseUrl, "cities.csv", Buffer.from(CSV), "text/csv"),
  ];
  const before = api.requests.length;
  const input = { content: [{ type: "input_text", text: "Look at these" }], attachments: ids, inference_options: {} };
  const first = await client.stream({ type: "threads.create", params: { input } });
  expectNoErrors(first);
  expectNoErrors(await client.addUserMessage(createdThreadId(first), "Thanks"));

  const turns = api.requests.slice(before);
  expect(turns).toHaveLength(2);
  for (const [n, request] of turns.entries()) {
    const sent = JSON.stringify(request.body);
    expect(sent, `turn ${n + 1}: the image bytes`).toContain(`data:image/png;base64,${PNG.toString("base64")}`);
    expect(sent, `turn ${n + 1}: the PDF bytes`).toContain(`data:application/pdf;base64,${PDF.toString("base64")}`);
    expect(sent, `turn ${n + 1}: the PDF's name`).toContain("report.pdf");
    expect(sent, `turn ${n + 1}: the CSV's text`).toContain(JSON.stringify(CSV).slice(1, -1));
    expect(sent, `turn ${n + 1}: no link to this server`).not.toContain(server.baseUrl);
  }
  await expectCleanLogs(server, TURNS.length + 2);
}

/**
 * A second server of the project with a wrong key, which the fake API refuses with 401: the
 * turn ends with the error event naming the key's variable; the key shows nowhere.
 */
async function expectRejectedKeyNamed({ env, projectDir, serverEnv }: Live): Promise<void> {
  const variable = Object.keys(serverEnv).find((key) => serverEnv[key] === DUMMY_KEY) ?? "(no key variable)";
  const wrong = "sk-e2e-wrong-key-the-fake-api-refuses";
  const server = await AppServer.start({
    python: env.python,
    projectDir,
    env: { ...serverEnv, [variable]: wrong, CHATKIT_DB_PATH: `${serverEnv.CHATKIT_DB_PATH}-wrong-key` },
  });
  try {
    const events = await new ChatKitClient(server.baseUrl).createThread("Hello there");
    expect(events.filter((event) => event.type === "error") as unknown[], summarize(events)).toEqual([
      {
        type: "error",
        code: "custom",
        message: `The model provider rejected the API key: set ${variable} on the server to a valid key.`,
        allow_retry: false,
      },
    ]);
    expect(JSON.stringify(events)).not.toContain(wrong);
    await waitFor(() => /turn failed/.test(server.logs(Number.MAX_SAFE_INTEGER)), "the turn's log line");
    const logs = server.logs(Number.MAX_SAFE_INTEGER);
    expect(logs).toContain("the model provider rejected the API key (HTTP 401)");
    expect(logs).not.toContain(wrong);
    expect(logs).not.toMatch(/Traceback/);
  } finally {
    await server.stop();
  }
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 100) {
    if (waited > 10_000) throw new Error(`no ${what} within 10 s`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------

describe("--provider openai-compatible, served against a loopback Chat Completions API", () => {
  const live = useLiveProject({
    provider: "openai-compatible",
    // A dead base URL: the server must take CHATKIT_BASE_URL from its environment.
    flags: ["--tools", "example", "--base-url", "http://127.0.0.1:9/v1"],
    wire: CHAT_COMPLETIONS,
    providerEnv: (baseUrl) => ({ CHATKIT_BASE_URL: baseUrl, CHATKIT_MODEL: MODEL, OPENAI_API_KEY: DUMMY_KEY }),
  });

  it("holds three turns, a tool call among them, storing each `__fake_id__` message once under its own id", async () => {
    const { client, server } = live();
    const conversation = await holdThreeTurns(live(), []);
    const stored = await expectStoredConversation(client, conversation);
    expectModelRequests(live(), CHAT_COMPLETIONS, stored, DUMMY_KEY);
    await expectCleanLogs(server);
  }, SERVER_TIMEOUT);

  it("answered in chunks the installed openai package parses as ChatCompletionChunk", async () => {
    await expectFramesMatchOpenAiTypes(live(), CHAT_COMPLETIONS);
  }, CHECK_TIMEOUT);

  it("passes its own tests offline, ruff-clean", async () => {
    await expectOwnChecksPass(live());
  }, CHECK_TIMEOUT);

  it("ends a turn the provider refuses for its key (401) with an error event naming the variable", async () => {
    await expectRejectedKeyNamed(live());
  }, SERVER_TIMEOUT);

  it("sends attached images, PDFs and text files to the model inline, on their turn and later", async () => {
    await expectAttachmentsReachTheModel(live());
  }, SERVER_TIMEOUT);
});

describe("--provider openai, served against a loopback Responses API (OPENAI_BASE_URL)", () => {
  const live = useLiveProject({
    provider: "openai",
    flags: ["--tools", "example"],
    wire: RESPONSES,
    providerEnv: (baseUrl) => ({
      OPENAI_BASE_URL: baseUrl,
      OPENAI_API_KEY: DUMMY_KEY,
      CHATKIT_MODEL: MODEL,
      // Tracing would upload to api.openai.com with the dummy key.
      CHATKIT_TRACING: "false",
    }),
  });

  it("holds three turns, a tool call among them, storing each message of one reused id once under its own id", async () => {
    const { client, api, server } = live();
    const conversation = await holdThreeTurns(live(), [REUSED_MESSAGE_ID, FUNCTION_CALL_ITEM_ID]);
    const stored = await expectStoredConversation(client, conversation);
    expectModelRequests(live(), RESPONSES, stored, DUMMY_KEY);
    // The history the server rebuilds from its store names no item ids: the API would look them up.
    const historyIds = (api.requests[3].body.input as Array<Record<string, unknown>>).filter((item) => item.id !== undefined);
    expect(historyIds, "input items of turn 3 carrying ids").toEqual([]);
    expect(api.requests.every((request) => request.body.previous_response_id == null)).toBe(true);
    await expectCleanLogs(server);
  }, SERVER_TIMEOUT);

  it("answered with events the installed openai package parses as ResponseStreamEvent", async () => {
    await expectFramesMatchOpenAiTypes(live(), RESPONSES);
  }, CHECK_TIMEOUT);

  it("passes its own tests offline, ruff-clean", async () => {
    await expectOwnChecksPass(live());
  }, CHECK_TIMEOUT);

  it("ends a turn the provider refuses for its key (401) with an error event naming the variable", async () => {
    await expectRejectedKeyNamed(live());
  }, SERVER_TIMEOUT);

  it("sends attached images, PDFs and text files to the model inline, on their turn and later", async () => {
    await expectAttachmentsReachTheModel(live());
  }, SERVER_TIMEOUT);
});

describe("--provider litellm, served against a loopback Chat Completions API (model openai/<name>)", () => {
  const live = useLiveProject({
    provider: "litellm",
    flags: ["--tools", "example"],
    wire: CHAT_COMPLETIONS,
    providerEnv: (baseUrl) => ({
      // LiteLLM routes `openai/<name>` to an OpenAI-compatible server at OPENAI_BASE_URL.
      CHATKIT_MODEL: `openai/${MODEL}`,
      OPENAI_BASE_URL: baseUrl,
      // The generated settings read the key from the variable --api-key-env named (gemini's by default).
      GEMINI_API_KEY: DUMMY_KEY,
    }),
  });

  it("passes its own tests offline, ruff-clean", async () => {
    await expectOwnChecksPass(live());
  }, CHECK_TIMEOUT);

  it("ends a turn the provider refuses for its key (401) with an error event naming the variable", async () => {
    await expectRejectedKeyNamed(live());
  }, SERVER_TIMEOUT);

  it("holds three turns through LitellmModel, a tool call among them, each message stored once under its own id", async () => {
    const { client, server } = live();
    const conversation = await holdThreeTurns(live(), []);
    const stored = await expectStoredConversation(client, conversation);
    expectModelRequests(live(), CHAT_COMPLETIONS, stored, DUMMY_KEY);
    await expectCleanLogs(server);
  }, SERVER_TIMEOUT);

  it("sends attached images, PDFs and text files to the model inline, on their turn and later", async () => {
    await expectAttachmentsReachTheModel(live());
  }, SERVER_TIMEOUT);
});
