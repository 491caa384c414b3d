// The load generator (bench/load-client.ts) as a child process the bench sends jobs to.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Job, JobResult } from "../load-client.js";
import { JsonLinesChild } from "./json-lines.js";

const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export class LoadClient {
  private readonly child = new JsonLinesChild(
    "the load client",
    process.execPath,
    ["--import", path.join(BENCH_DIR, "ts-loader.mjs"), path.join(BENCH_DIR, "load-client.ts")],
  );

  async run(job: Job): Promise<JobResult> {
    const answer = await this.child.request<JobResult | { fatal: string }>(job);
    if ("fatal" in answer) throw new Error(`the load client failed: ${answer.fatal}`);
    return answer;
  }

  close(): Promise<void> {
    return this.child.close();
  }
}
