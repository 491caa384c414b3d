// Redis for the e2e tests: the server CHATKIT_TEST_REDIS_URL names, else a throwaway
// `redis-server` (Debian's package; .ci/run installs it) on a free loopback port, nothing saved
// to disk. Without either the tests fail and say so; nothing is skipped.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { freePort } from "./uvicorn-server.js";

export const REDIS_URL_VARIABLE = "CHATKIT_TEST_REDIS_URL";
const START_TIMEOUT_MS = 15_000;

/** Registers beforeAll/afterAll in the calling file; `get()` returns the server's URL in tests. */
export function useRedis(): { get(): string } {
  let url: string | undefined;
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const fromEnv = process.env[REDIS_URL_VARIABLE]?.trim();
    if (fromEnv) {
      url = fromEnv;
      return;
    }
    ({ url, stop } = await startRedis());
  }, START_TIMEOUT_MS * 2);
  afterAll(() => stop?.());
  return {
    get() {
      if (!url) throw new Error("no Redis server: useRedis()'s beforeAll failed (see its error above)");
      return url;
    },
  };
}

async function startRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), "chatkit-e2e-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir];
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<string>((resolve) => {
    child.on("error", (error) => resolve(`could not start redis-server (${error.message}): install it (Debian: apt-get install redis-server) or set ${REDIS_URL_VARIABLE}`));
    child.on("close", (code, signal) => resolve(`redis-server ${signal ? `was killed by ${signal}` : `exited ${code}`}:\n${output}`));
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  let failure: string | undefined;
  void exited.then((why) => (failure = why));
  while (Date.now() < deadline) {
    if (failure !== undefined) throw new Error(failure);
    if (await answersPing(port)) return { url: `redis://127.0.0.1:${port}/0`, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`redis-server did not answer PING on port ${port} within ${START_TIMEOUT_MS} ms:\n${output}`);
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => socket.write("PING\r\n"));
    socket.setTimeout(1_000, () => socket.destroy());
    socket.once("data", (data) => {
      resolve(data.toString().startsWith("+PONG"));
      socket.destroy();
    });
    socket.once("error", () => resolve(false));
    socket.once("close", () => resolve(false));
  });
}

