// A cross-process lock on a cache entry, so two test runs sharing one cache (two developers'
// shells, or `npm test` next to `vitest run test/e2e`) never rebuild the same venv at once.
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";

const POLL_MS = 500;
/** A lock with no readable pid this old was left by a run killed while taking it. */
const PIDLESS_STALE_MS = 60_000;

/** Runs fn while holding `<lockDir>` (created with mkdir, which is atomic). */
export async function withLock<T>(lockDir: string, fn: () => Promise<T>, timeoutMs = 30 * 60_000): Promise<T> {
  await acquire(lockDir, timeoutMs);
  try {
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function acquire(lockDir: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await mkdir(path.dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(path.join(lockDir, "pid"), `${process.pid}\n`);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = await holderPid(lockDir);
    const stale = holder === undefined ? await olderThan(lockDir, PIDLESS_STALE_MS) : !isAlive(holder);
    if (stale) {
      await rm(lockDir, { recursive: true, force: true }); // left behind by a killed run
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`waited ${timeoutMs} ms for ${lockDir} (held by pid ${holder ?? "unknown"})`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function holderPid(lockDir: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(path.join(lockDir, "pid"), "utf8"), 10);
    return Number.isNaN(pid) ? undefined : pid;
  } catch {
    return undefined; // being created right now, or gone
  }
}

async function olderThan(file: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(file)).mtimeMs > ms;
  } catch {
    return false; // already gone: the next mkdir will tell
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
