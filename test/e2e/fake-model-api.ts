// A stand-in for a model provider's HTTP API, on loopback, written for the e2e tests: it answers
// `POST /v1/chat/completions` (Chat Completions, streaming) and `POST /v1/responses` (Responses
// API, streaming) with scripted Server-Sent Events, and records every request it was sent, so a
// test can check what a generated server asked the model, and every frame it answered, so a test
// can check those against the installed `openai` package's own types.
//
// Bounded: it listens on 127.0.0.1 only, refuses bodies over MAX_BODY_BYTES and answers at most
// `maxRequests` requests (a server caught in a tool-call loop fails instead of spinning).
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const HOST = "127.0.0.1";
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** One request the fake API received, its JSON body parsed. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

/** One SSE frame: `event:` line (Responses API) when `event` is set, then one `data:` line. */
export interface SseFrame {
  event?: string;
  data: unknown;
}

/** What the fake answers one request with. */
export interface ScriptedReply {
  frames: SseFrame[];
  /** End with `data: [DONE]`, as Chat Completions streams do. */
  done?: boolean;
}

/** Decides the reply to the n-th request (0-based). Throwing answers 500 with the message. */
export type Script = (request: RecordedRequest, n: number) => ScriptedReply;

export interface Exchange {
  request: RecordedRequest;
  /** The frames sent back (empty when the script failed). */
  reply: SseFrame[];
}

export class FakeModelApi {
  readonly exchanges: Exchange[] = [];
  /** Requests the fake could not answer (wrong route, bad JSON, a script error, over the limit). */
  readonly problems: string[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** `http://127.0.0.1:<port>/v1`: what OPENAI_BASE_URL or a base_url setting takes. */
  get baseUrl(): string {
    return `http://${HOST}:${this.port}/v1`;
  }

  get requests(): RecordedRequest[] {
    return this.exchanges.map((exchange) => exchange.request);
  }

  /** Requests to one route, e.g. `/v1/chat/completions`. */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** `acceptKey`: requests without `Authorization: Bearer <acceptKey>` get the 401 OpenAI answers a wrong key with. */
  static async start(script: Script, options: { maxRequests?: number; acceptKey?: string } = {}): Promise<FakeModelApi> {
    const maxRequests = options.maxRequests ?? 50;
    let api: FakeModelApi | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      req.on("end", () => {
        const self = api!;
        const path = (req.url ?? "").split("?")[0];
        const refuse = (status: number, message: string) => {
          self.problems.push(`${req.method} ${req.url}: ${message}`);
          sendJson(res, status, { error: { message, type: "invalid_request_error", code: null, param: null } });
        };
        if (size > MAX_BODY_BYTES) return refuse(413, `body over ${MAX_BODY_BYTES} bytes`);
        if (req.method !== "POST" || !["/v1/chat/completions", "/v1/responses"].includes(path)) {
          return refuse(404, "the fake model API serves only POST /v1/chat/completions and /v1/responses");
        }
        if (options.acceptKey !== undefined && req.headers.authorization !== `Bearer ${options.acceptKey}`) {
          const error = { message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key", param: null };
          return sendJson(res, 401, { error });
        }
        if (self.exchanges.length >= maxRequests) return refuse(429, `more than ${maxRequests} requests`);
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch (error) {
          return refuse(400, `body is not JSON: ${String(error)}`);
        }
        const request: RecordedRequest = { method: req.method, path, headers: req.headers, body };
        const exchange: Exchange = { request, reply: [] };
        self.exchanges.push(exchange);
        let reply: ScriptedReply;
        try {
          reply = script(request, self.exchanges.length - 1);
        } catch (error) {
          return refuse(500, `script failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        exchange.reply = reply.frames;
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
        for (const frame of reply.frames) {
          res.write(`${frame.event ? `event: ${frame.event}\n` : ""}data: ${JSON.stringify(frame.data)}\n\n`);
        }
        if (reply.done) res.write("data: [DONE]\n\n");
        res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, HOST, () => resolve());
    });
    api = new FakeModelApi(server, (server.address() as AddressInfo).port);
    return api;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

// ---------------------------------------------------------------------------------------------
// Chat Completions streaming (`chat.completion.chunk` objects, then `[DONE]`).

export interface ChatToolCall {
  id: string;
  name: string;
  /** The JSON arguments, in the pieces they are streamed in. */
  argumentChunks: string[];
}

/**
 * The chunks of one streamed chat completion: the role, the text in `textDeltas` (one chunk
 * each), then each tool call (its id and name first, then its arguments piece by piece), a
 * final chunk with the finish reason, and a usage chunk with no choices (as
 * `stream_options.include_usage` asks for).
 */
export function chatCompletionReply(options: {
  id: string;
  model: string;
  textDeltas?: string[];
  toolCalls?: ChatToolCall[];
}): ScriptedReply {
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
    data: { id: options.id, object: "chat.completion.chunk", created, model: options.model, choices, ...extra },
  });
  const delta = (fields: Record<string, unknown>, finishReason: string | null = null) =>
    chunk([{ index: 0, delta: fields, finish_reason: finishReason, logprobs: null }]);

  const frames: SseFrame[] = [delta({ role: "assistant", content: "" })];
  for (const text of options.textDeltas ?? []) frames.push(delta({ content: text }));
  (options.toolCalls ?? []).forEach((call, index) => {
    frames.push(delta({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }));
    for (const piece of call.argumentChunks) frames.push(delta({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  frames.push(delta({}, options.toolCalls?.length ? "tool_calls" : "stop"));
  frames.push(chunk([], { usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } }));
  return { frames, done: true };
}

// ---------------------------------------------------------------------------------------------
// Responses API streaming (typed events, `event:` lines, ending with `response.completed`).

export type ResponsesOutput =
  | { type: "message"; id: string; textDeltas: string[] }
  | { type: "function_call"; id: string; callId: string; name: string; argumentChunks: string[] };

/**
 * The events of one streamed response, in the order the Responses API sends them:
 * `response.created`, `response.in_progress`, then per output item `response.output_item.added`,
 * (messages) `response.content_part.added`, `response.output_text.delta` per delta,
 * `response.output_text.done`, `response.content_part.done` / (function calls)
 * `response.function_call_arguments.delta` per piece, `response.function_call_arguments.done`,
 * then `response.output_item.done`; finally `response.completed` carrying every output item.
 */
export function responsesReply(options: { id: string; model: string; output: ResponsesOutput[] }): ScriptedReply {
  const createdAt = Math.floor(Date.now() / 1000);
  let sequence = 0;
  const frames: SseFrame[] = [];
  const emit = (type: string, fields: Record<string, unknown>) =>
    frames.push({ event: type, data: { type, sequence_number: sequence++, ...fields } });
  const response = (status: string, output: unknown[], usage: unknown) => ({
    id: options.id,
    object: "response",
    created_at: createdAt,
    status,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: options.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: 1.0,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: 1.0,
    truncation: "disabled",
    usage,
    user: null,
    metadata: {},
  });

  emit("response.created", { response: response("in_progress", [], null) });
  emit("response.in_progress", { response: response("in_progress", [], null) });
  const done: unknown[] = [];
  options.output.forEach((item, outputIndex) => {
    if (item.type === "message") {
      const text = item.textDeltas.join("");
      const message = (status: string, content: unknown[]) => ({ id: item.id, type: "message", role: "assistant", status, content });
      const part = (partText: string) => ({ type: "output_text", text: partText, annotations: [], logprobs: [] });
      const where = { item_id: item.id, output_index: outputIndex, content_index: 0 };
      emit("response.output_item.added", { output_index: outputIndex, item: message("in_progress", []) });
      emit("response.content_part.added", { ...where, part: part("") });
      for (const piece of item.textDeltas) emit("response.output_text.delta", { ...where, delta: piece, logprobs: [] });
      emit("response.output_text.done", { ...where, text, logprobs: [] });
      emit("response.content_part.done", { ...where, part: part(text) });
      const finished = message("completed", [part(text)]);
      emit("response.output_item.done", { output_index: outputIndex, item: finished });
      done.push(finished);
    } else {
      const args = item.argumentChunks.join("");
      const call = (status: string, callArgs: string) => ({
        id: item.id,
        type: "function_call",
        status,
        call_id: item.callId,
        name: item.name,
        arguments: callArgs,
      });
      const where = { item_id: item.id, output_index: outputIndex };
      emit("response.output_item.added", { output_index: outputIndex, item: call("in_progress", "") });
      for (const piece of item.argumentChunks) emit("response.function_call_arguments.delta", { ...where, delta: piece });
      emit("response.function_call_arguments.done", { ...where, name: item.name, arguments: args });
      const finished = call("completed", args);
      emit("response.output_item.done", { output_index: outputIndex, item: finished });
      done.push(finished);
    }
  });
  const usage = {
    input_tokens: 11,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: 7,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 18,
  };
  emit("response.completed", { response: response("completed", done, usage) });
  return { frames };
}

// ---------------------------------------------------------------------------------------------
// Reading what a server sent.

/** The text of a Chat Completions message or Responses input item (string or parts). */
export function messageText(message: { content?: unknown }): string | undefined {
  const content = message.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return undefined;
  return content
    .map((part: { text?: unknown }) => (typeof part?.text === "string" ? part.text : ""))
    .join("");
}

/** Splits a text into word-sized deltas ("Hello there." -> ["Hello ", "there."]). */
export function wordDeltas(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}
