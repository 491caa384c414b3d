// The generated project's wire fuzzer (tests/fuzz_requests.py, tests/fuzz_world.py) over real
// HTTP against uvicorn, for sqlite and postgres with --auth header; afterwards the server is
// healthy, holds a normal conversation, and logged no traceback.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { conversation, createdThreadId, expectNoErrors } from "./assertions.js";
import type { ProjectVariant } from "./generate-project.js";
import { usePostgres } from "./postgres-server.js";
import { describeFailure } from "./process.js";
import { SERVER_TIMEOUT, USER_HEADER, useGeneratedProject } from "./project-fixture.js";

const RUNNER = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "fuzz_over_http.py");
// Per request type, as many as the generated in-process test runs.
const EXAMPLES = "20";
const VARIANTS: ProjectVariant[] = [
  { store: "sqlite", auth: "header" },
  { store: "postgres", auth: "header" },
];

const postgres = usePostgres();

describe.each(VARIANTS)("the wire fuzzer over HTTP, --store $store --auth header", (variant) => {
  const project = useGeneratedProject(variant, { postgres, envKey: `wire-fuzz-${variant.store}` });

  it(
    "answers every hostile request well, then serves a normal conversation",
    async () => {
      // No rate limits: the fuzzer sends hundreds of turns a minute.
      const store = {
        ...(await project.freshStore("fuzz")),
        CHATKIT_RATE_LIMIT_TURNS_PER_MINUTE: "0",
        CHATKIT_RATE_LIMIT_CONCURRENT_STREAMS: "0",
      };
      const server = await project.startServer(store);

      const fuzz = await project.run(project.env.python, [RUNNER], {
        ...store,
        FUZZ_BASE_URL: server.baseUrl,
        FUZZ_USER_HEADER: USER_HEADER,
        FUZZ_EXAMPLES: EXAMPLES,
      });

      expect(fuzz.code, describeFailure(fuzz)).toBe(0);
      const summary = /fuzzed (\d+) requests of (\d+) types/.exec(fuzz.stdout);
      expect(summary, fuzz.stdout).not.toBeNull();
      expect(Number(summary![2])).toBe(16);
      expect(Number(summary![1])).toBeGreaterThanOrEqual(16 * Number(EXAMPLES));
      console.log(`${variant.store}: ${fuzz.stdout.trim()}`);

      const health = await fetch(`${server.baseUrl}/health`);
      expect(health.status).toBe(200);
      const client = project.client(server);
      const created = await client.createThread("Still there?");
      expectNoErrors(created);
      const threadId = createdThreadId(created);
      expectNoErrors(await client.addUserMessage(threadId, "And now?"));
      expect(conversation((await client.listItems(threadId, { order: "asc" })).data)).toEqual([
        ["user_message", "Still there?"],
        ["assistant_message", "echo: Still there?"],
        ["user_message", "And now?"],
        ["assistant_message", "echo: And now?"],
      ]);
      expect(server.logs(1_000_000)).not.toMatch(/Traceback|\bERROR\b/);
    },
    SERVER_TIMEOUT,
  );
});
