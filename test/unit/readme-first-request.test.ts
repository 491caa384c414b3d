// The generated README's first request, per auth mode: the commands a user copies, and the
// stream it shows. generated-project.test.ts runs the same commands against a served project.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Answers } from "../../src/options/schema.js";
import { renderProject } from "../../src/render/render.js";
import { loadTemplates } from "../../src/render/templates.js";
import { readFirstRequest } from "../e2e/readme-first-request.js";
import { answersWith } from "./answers.js";

const TEMPLATES = await loadTemplates(fileURLToPath(new URL("../../templates/", import.meta.url)));
const META = { projectName: "bot", distributionName: "bot", generatorVersion: "9.9.9" };

async function firstRequest(chosen: Partial<Answers>) {
  const readme = renderProject(await answersWith(chosen), TEMPLATES, META).get("README.md");
  if (typeof readme !== "string") throw new Error("no README.md rendered");
  return readFirstRequest(readme);
}

const BODY =
  `'{"type":"threads.create","params":{"input":{"content":[{"type":"input_text","text":"Hello!"}],"attachments":[],"inference_options":{}}}}'`;
const commandsWith = (...headers: string[]) =>
  [
    "curl -s -w '\\n' http://127.0.0.1:8000/health",
    "curl -sN http://127.0.0.1:8000/chatkit \\",
    "  -H 'Content-Type: application/json' \\",
    ...headers.map((h) => `  -H ${h} \\`),
    `  -d ${BODY}`,
    "",
  ].join("\n");

describe("the generated README's first request", () => {
  it("--auth none: no identity header", async () => {
    const request = await firstRequest({ auth: "none" });
    expect(request.commands).toBe(commandsWith());
    expect(request.section).not.toContain("Authorization");
  });

  it("--auth header: the configured user header", async () => {
    const request = await firstRequest({ auth: "header", userHeader: "X-Forwarded-User" });
    expect(request.commands).toBe(commandsWith("'X-Forwarded-User: alice'"));
    expect(request.section).toContain("the proxy sets `X-Forwarded-User`");
  });

  it("--auth jwt: a bearer token placeholder, explained", async () => {
    const request = await firstRequest({ auth: "jwt" });
    expect(request.commands).toBe(commandsWith('"Authorization: Bearer $TOKEN"'));
    expect(request.section).toContain("`TOKEN`: a JWT for this server's audience");
  });

  it("is valid shell with a JSON body", async () => {
    const request = await firstRequest({ auth: "header" });
    execFileSync("sh", ["-n", "-c", request.commands]);
    const body = /-d '(.*)'\n/.exec(request.commands)?.[1] ?? "";
    expect(JSON.parse(body)).toMatchObject({ type: "threads.create", params: { input: { content: [{ type: "input_text", text: "Hello!" }] } } });
  });

  it("shows the stream's events; the title event only where the first message names the thread", async () => {
    const withTitle = ["thread.created", "thread.item.done", "stream_options", "thread.item.added", "thread.updated", "thread.item.updated", "thread.item.done"];
    expect((await firstRequest({ titles: "first-message" })).eventTypes).toEqual(withTitle);
    expect((await firstRequest({ titles: "none" })).eventTypes).toEqual(withTitle.filter((t) => t !== "thread.updated"));
  });

  it("says what the answer looks like when the provider rejects the key, naming the project's variable", async () => {
    const request = await firstRequest({ provider: "litellm", model: "gemini/gemini-2.5-flash" });
    expect(request.section).toContain("Without `GEMINI_API_KEY` the server does not start");
    expect(request.section).toContain(
      'data: {"type":"error","code":"custom","message":"The model provider rejected the API key: set GEMINI_API_KEY on the server to a valid key.","allow_retry":false}',
    );
    expect(request.section).toContain('data: {"type":"error","code":"stream.error","allow_retry":true}');
  });
});
