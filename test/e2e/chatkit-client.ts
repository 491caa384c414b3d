// A small client for the ChatKit wire protocol over real HTTP: one POST endpoint, JSON
// requests; streaming operations answer Server-Sent Events, the others JSON.

/** One parsed SSE event. Only the fields the tests look at are typed. */
export interface ChatKitEvent {
  type: string;
  thread?: { id: string; title?: string | null };
  item?: ThreadItem;
  item_id?: string;
  [key: string]: unknown;
}

export interface ThreadItem {
  id: string;
  type: string;
  thread_id?: string;
  content?: Array<{ type: string; text?: string }>;
  [key: string]: unknown;
}

export interface ThreadMetadata {
  id: string;
  title?: string | null;
  [key: string]: unknown;
}

export interface Page<T> {
  data: T[];
  has_more: boolean;
  after: string | null;
}

/** A non-2xx answer, or one of the wrong content type. */
export class ChatKitHttpError extends Error {
  constructor(
    readonly status: number,
    readonly contentType: string,
    readonly body: string,
    operation: string,
  ) {
    super(`${operation}: HTTP ${status} (${contentType || "no content-type"}): ${body.slice(0, 500)}`);
  }
}

export interface RawResponse {
  status: number;
  contentType: string;
  body: string;
  headers: Headers;
}

const REQUEST_TIMEOUT_MS = 60_000;

export class ChatKitClient {
  /** `headers` go with every request, e.g. `{ "X-User-Id": "alice" }` for a project with `--auth header`. */
  constructor(
    readonly baseUrl: string,
    readonly headers: Record<string, string> = {},
    readonly path = "/chatkit",
  ) {}

  /** The same server, asked as someone else (or, with `{}`, as no one). */
  withHeaders(headers: Record<string, string>): ChatKitClient {
    return new ChatKitClient(this.baseUrl, headers, this.path);
  }

  createThread(text: string): Promise<ChatKitEvent[]> {
    return this.stream({ type: "threads.create", params: { input: userInput(text) } });
  }

  addUserMessage(threadId: string, text: string): Promise<ChatKitEvent[]> {
    return this.stream({ type: "threads.add_user_message", params: { thread_id: threadId, input: userInput(text) } });
  }

  /** addUserMessage, read as it arrives (see streamIncrementally). */
  addUserMessageIncrementally(threadId: string, text: string): AsyncGenerator<ChatKitEvent> {
    return this.streamIncrementally({
      type: "threads.add_user_message",
      params: { thread_id: threadId, input: userInput(text) },
    });
  }

  listItems(threadId: string, options: { order?: "asc" | "desc"; limit?: number; after?: string } = {}) {
    const params = { thread_id: threadId, order: options.order ?? "asc", limit: options.limit ?? 50, after: options.after };
    return this.json<Page<ThreadItem>>({ type: "items.list", params });
  }

  listThreads(options: { order?: "asc" | "desc"; limit?: number; after?: string } = {}) {
    const params = { order: options.order ?? "desc", limit: options.limit ?? 20, after: options.after };
    return this.json<Page<ThreadMetadata>>({ type: "threads.list", params });
  }

  getThread(threadId: string) {
    return this.json<ThreadMetadata & { items: Page<ThreadItem> }>({
      type: "threads.get_by_id",
      params: { thread_id: threadId },
    });
  }

  updateThread(threadId: string, title: string) {
    return this.json<ThreadMetadata>({ type: "threads.update", params: { thread_id: threadId, title } });
  }

  deleteThread(threadId: string) {
    return this.json<unknown>({ type: "threads.delete", params: { thread_id: threadId } });
  }

  /** POSTs any body (a string is sent as is) and returns the answer without judging it. */
  async post(body: unknown): Promise<RawResponse> {
    const response = await this.send(body);
    // text() reads a streaming answer to its end.
    const contentType = response.headers.get("content-type") ?? "";
    return { status: response.status, contentType, body: await response.text(), headers: response.headers };
  }

  /**
   * A streaming operation read as it arrives: yields each event as soon as its SSE frame is
   * complete, so a test can act in the middle of a turn (e.g. kill the server). Throws
   * ChatKitHttpError when the answer is not a 200 event stream; a connection cut short ends
   * the iteration with the network error.
   */
  async *streamIncrementally(body: { type: string; params: unknown }): AsyncGenerator<ChatKitEvent> {
    const response = await this.send(body);
    const contentType = response.headers.get("content-type") ?? "";
    if (response.status !== 200 || !contentType.startsWith("text/event-stream") || !response.body) {
      throw new ChatKitHttpError(response.status, contentType, await response.text(), body.type);
    }
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      const frames = buffered.split(/\r\n\r\n|\n\n|\r\r/);
      buffered = frames.pop() ?? "";
      for (const data of parseSse(frames.map((frame) => `${frame}\n\n`).join(""))) {
        yield JSON.parse(data) as ChatKitEvent;
      }
    }
    for (const data of parseSse(buffered)) yield JSON.parse(data) as ChatKitEvent;
  }

  private send(body: unknown): Promise<Response> {
    return fetch(`${this.baseUrl}${this.path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...this.headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  }

  /** A streaming operation: expects 200 text/event-stream, returns every event in order. */
  async stream(body: { type: string; params: unknown }): Promise<ChatKitEvent[]> {
    const response = await this.post(body);
    if (response.status !== 200 || !response.contentType.startsWith("text/event-stream")) {
      throw new ChatKitHttpError(response.status, response.contentType, response.body, body.type);
    }
    return parseSse(response.body).map((data) => JSON.parse(data) as ChatKitEvent);
  }

  /** A non-streaming operation: expects 200 application/json. */
  async json<T>(body: { type: string; params: unknown }): Promise<T> {
    const response = await this.post(body);
    if (response.status !== 200 || !response.contentType.startsWith("application/json")) {
      throw new ChatKitHttpError(response.status, response.contentType, response.body, body.type);
    }
    return JSON.parse(response.body) as T;
  }
}

export function userInput(text: string) {
  return { content: [{ type: "input_text", text }], attachments: [], inference_options: {} };
}

/**
 * The data payloads of an SSE stream, in order. Follows the SSE framing rules: events end at a
 * blank line, several `data:` lines join with "\n", one space after the colon is dropped,
 * comments (`:`) and other fields (`event:`, `id:`, `retry:`) are ignored.
 */
export function parseSse(text: string): string[] {
  const payloads: string[] = [];
  let data: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === "") {
      if (data.length > 0) payloads.push(data.join("\n"));
      data = [];
      continue;
    }
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const fieldName = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (fieldName === "data") data.push(value);
  }
  if (data.length > 0) payloads.push(data.join("\n")); // a stream cut short of its final blank line
  return payloads;
}

/** An assistant message as seen across its added -> updated* -> done events. */
export interface StreamedMessage {
  id: string;
  added: number;
  updated: number;
  done: number;
  /** Text of the done event's item. */
  text: string | undefined;
}

/**
 * Groups a stream's assistant-message events by item id. Updated events are matched to the
 * message ids announced by added events; any that match none are returned as `strayUpdates`.
 */
export function assistantMessages(events: ChatKitEvent[]): { messages: StreamedMessage[]; strayUpdates: string[] } {
  const byId = new Map<string, StreamedMessage>();
  const strayUpdates: string[] = [];
  for (const event of events) {
    if (event.type === "thread.item.added" && event.item?.type === "assistant_message") {
      const message = byId.get(event.item.id) ?? { id: event.item.id, added: 0, updated: 0, done: 0, text: undefined };
      message.added++;
      byId.set(message.id, message);
    } else if (event.type === "thread.item.updated" && event.item_id !== undefined) {
      const message = byId.get(event.item_id);
      if (message) message.updated++;
      else strayUpdates.push(event.item_id);
    } else if (event.type === "thread.item.done" && event.item?.type === "assistant_message") {
      const message = byId.get(event.item.id) ?? { id: event.item.id, added: 0, updated: 0, done: 0, text: undefined };
      message.done++;
      message.text = itemText(event.item);
      byId.set(message.id, message);
    }
  }
  return { messages: [...byId.values()], strayUpdates };
}

/** The concatenated text parts of a user or assistant message item. */
export function itemText(item: ThreadItem): string | undefined {
  const texts = (item.content ?? []).map((part) => part.text).filter((t): t is string => typeof t === "string");
  return texts.length > 0 ? texts.join("") : undefined;
}
