// Attachments over real HTTP: each storage served by uvicorn; images and PDFs uploaded both
// ways (direct multipart, two-phase), sent in a message, seen by the model on that turn and the
// next, shown again after a reload through their signed preview links; with database storage
// on PostgreSQL, two replicas share them; a server killed mid-upload leaves nothing half-stored.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { request } from "node:http";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { assistantMessages, type ChatKitClient, type ChatKitEvent } from "./chatkit-client.js";
import { createdThreadId, expectNoErrors } from "./assertions.js";
import type { ProjectVariant } from "./generate-project.js";
import { usePostgres } from "./postgres-server.js";
import { SERVER_TIMEOUT, useGeneratedProject, type ProjectFixture } from "./project-fixture.js";

// Real magic numbers and a little more: the server checks the bytes against the type.
const PNG = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251))]);
const PDF = Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const SECRET = { CHATKIT_ATTACHMENTS_SECRET: "e2e-shared-secret" };

interface Attachment {
  id: string;
  type: "image" | "file";
  name: string;
  mime_type: string;
  preview_url?: string;
  upload_descriptor: { url: string; method: string } | null;
  [key: string]: unknown;
}

const digest = (data: Buffer) => createHash("sha256").update(data).digest("hex").slice(0, 16);

async function uploadDirect(client: ChatKitClient, name: string, data: Buffer, type: string): Promise<Attachment> {
  const form = new FormData();
  form.append("file", new Blob([data], { type }), name);
  const response = await fetch(`${client.baseUrl}/attachments`, { method: "POST", body: form, headers: client.headers });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Attachment;
}

async function createTwoPhase(client: ChatKitClient, name: string, size: number, type: string): Promise<Attachment> {
  return client.json<Attachment>({ type: "attachments.create", params: { name, size, mime_type: type } });
}

async function uploadTo(url: string, data: Buffer, type: string, name: string): Promise<Attachment> {
  const form = new FormData();
  form.append("file", new Blob([data], { type }), name);
  const response = await fetch(url, { method: "POST", body: form });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Attachment;
}

function messageWith(text: string, attachmentIds: string[]) {
  return { content: [{ type: "input_text", text }], attachments: attachmentIds, inference_options: {} };
}

function replyText(events: ChatKitEvent[]): string {
  expectNoErrors(events);
  const { messages } = assistantMessages(events);
  expect(messages).toHaveLength(1);
  return messages[0].text ?? "";
}

/** Uploads an image two-phase and a PDF directly, through `uploader`; sends them through `sender`. */
async function conversationWithFiles(uploader: ChatKitClient, sender: ChatKitClient, previewer: ChatKitClient) {
  const created = await createTwoPhase(uploader, "cat.png", PNG.length, "image/png");
  expect(created.upload_descriptor?.method).toBe("POST");
  expect(created).not.toHaveProperty("metadata");
  const image = await uploadTo(created.upload_descriptor!.url, PNG, "image/png", "cat.png");
  expect(image.upload_descriptor).toBeNull();
  const pdf = await uploadDirect(uploader, "report.pdf", PDF, "application/pdf");
  expect(pdf).toMatchObject({ type: "file", name: "report.pdf", mime_type: "application/pdf", upload_descriptor: null });

  const expected = `seen: image ${digest(PNG)}, file report.pdf ${digest(PDF)}`;
  const first = await sender.stream({ type: "threads.create", params: { input: messageWith("files: what are these?", [image.id, pdf.id]) } });
  expect(replyText(first)).toBe(expected);
  const threadId = createdThreadId(first);
  // The next turn's history still carries them.
  const second = await sender.stream({
    type: "threads.add_user_message",
    params: { thread_id: threadId, input: messageWith("files: and again?", []) },
  });
  expect(replyText(second)).toBe(expected);

  // A reload: the items, then the image through its signed link, with no custom headers.
  const items = await previewer.listItems(threadId, { order: "asc" });
  const userMessage = items.data[0] as unknown as { attachments: Attachment[] };
  expect(userMessage.attachments.map((a) => a.id)).toEqual([image.id, pdf.id]);
  expect(userMessage.attachments.every((a) => !("metadata" in a))).toBe(true);
  const previewUrl = userMessage.attachments[0].preview_url!;
  const preview = await fetch(previewUrl.replace(new URL(previewUrl).origin, previewer.baseUrl));
  expect(preview.status).toBe(200);
  expect(preview.headers.get("content-type")).toBe("image/png");
  expect(preview.headers.get("x-content-type-options")).toBe("nosniff");
  expect(Buffer.from(await preview.arrayBuffer()).equals(PNG)).toBe(true);
  return { threadId, image, pdf };
}

/** Starts a raw two-phase upload that announces `total` bytes and sends only `sent` of them. */
function halfUpload(url: string, total: number, sent: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const req = request(url, { method: "POST", headers: { "content-type": "image/png", "content-length": String(total) } });
    req.on("error", () => resolve()); // the server dies under it: that is the point
    req.write(sent, () => setTimeout(resolve, 1500));
  });
}

const VARIANTS: Array<{ variant: ProjectVariant; storage: string }> = [
  { variant: { store: "sqlite", label: "files-local", flags: ["--attachments", "local"] }, storage: "local" },
  { variant: { store: "sqlite", label: "files-db", flags: ["--attachments", "database"] }, storage: "database" },
  { variant: { store: "memory", label: "files-local", flags: ["--attachments", "local"] }, storage: "local" },
  { variant: { store: "postgres", auth: "header", label: "files-db", flags: ["--attachments", "database"] }, storage: "database" },
];

const postgres = usePostgres();

describe.each(VARIANTS)("attachments over HTTP: $variant.store, $storage storage", ({ variant, storage }) => {
  const project: ProjectFixture = useGeneratedProject(variant, { postgres });

  async function settings(label: string): Promise<Record<string, string>> {
    const store = await project.freshStore(label);
    const env: Record<string, string> = { ...store, ...SECRET };
    if (storage === "local") env.CHATKIT_ATTACHMENTS_DIR = path.join(project.workDir, `${label}-${Date.now()}-files`);
    return env;
  }

  it(
    "uploads both ways, the model sees the files on this turn and the next, previews survive a reload",
    async () => {
      const server = await project.startServer(await settings("roundtrip"));
      const client = project.client(server);
      const { threadId, image } = await conversationWithFiles(client, client, client);

      // Another user gets nothing of it (header auth), and a tampered link is refused.
      if (variant.auth === "header") {
        const mallory = project.client(server, "mallory");
        const refused = await mallory.post({ type: "attachments.delete", params: { attachment_id: image.id } });
        expect(refused.status).toBe(404);
        const used = await mallory.post({ type: "threads.create", params: { input: messageWith("mine", [image.id]) } });
        expect(used.status).toBe(404);
      }
      const tampered = image.preview_url!.replace(/user=[^&]+/, "user=mallory");
      expect((await fetch(tampered)).status).toBe(403);

      // Deleting the thread deletes the bytes: the preview link finds nothing.
      await client.deleteThread(threadId);
      expect((await fetch(image.preview_url!)).status).toBe(404);
    },
    SERVER_TIMEOUT,
  );

  if (variant.store === "postgres") {
    it(
      "two replicas share the files: uploaded through one, previewed and sent through the other",
      async () => {
        const env = await settings("replicas");
        const [one, two] = await Promise.all([project.startServer(env), project.startServer(env)]);
        await conversationWithFiles(project.client(one), project.client(two), project.client(two));
      },
      SERVER_TIMEOUT,
    );
  }

  if (variant.store !== "memory") {
    it(
      "kill -9 in the middle of an upload: after a restart no partial bytes, the upload can be sent again",
      async () => {
        const env = await settings("killed");
        const first = await project.startServer(env);
        const created = await createTwoPhase(project.client(first), "big.png", PNG.length * 100, "image/png");
        await halfUpload(created.upload_descriptor!.url, PNG.length * 100, PNG);
        await first.kill9();
        if (storage === "local") {
          // The scenario is real: the killed server left a partial file behind.
          const partial = await readdir(env.CHATKIT_ATTACHMENTS_DIR as string);
          expect(partial.filter((name) => name.endsWith(".part"))).toHaveLength(1);
        }

        const second = await project.startServer(env);
        const client = project.client(second);
        const onSecond = (url: string) => url.replace(new URL(url).origin, second.baseUrl);
        if (storage === "local") {
          const dir = env.CHATKIT_ATTACHMENTS_DIR as string;
          const left = existsSync(dir) ? await readdir(dir) : [];
          expect(left, "no partial file").toEqual([]);
        }
        expect((await fetch(onSecond(created.preview_url!))).status).toBe(404);
        const refusedMessage = await client.post({ type: "threads.create", params: { input: messageWith("hi", [created.id]) } });
        expect(refusedMessage.status).toBe(400);
        expect(JSON.parse(refusedMessage.body).error.code).toBe("attachment_not_uploaded");
        const whole = Buffer.concat(Array.from({ length: 100 }, () => PNG));
        const uploaded = await uploadTo(onSecond(created.upload_descriptor!.url), whole, "image/png", "big.png");
        expect(uploaded.upload_descriptor).toBeNull();
        const preview = await fetch(onSecond(created.preview_url!));
        expect(Buffer.from(await preview.arrayBuffer()).equals(whole)).toBe(true);
      },
      SERVER_TIMEOUT,
    );
  }
});
