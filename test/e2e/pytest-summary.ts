// The one check of a generated project's pytest run, for every e2e file that runs one: it
// exited 0, ran tests, and every test that ran passed. A skipped, xfailed, xpassed or
// deselected test is a test that proved nothing, so it fails the run as a failure does.
import { expect } from "vitest";
import { describeFailure, type RunResult } from "./process.js";

/** Outcomes that may appear on pytest's summary line besides `passed` (and `warnings`). */
export const UNPROVEN_OUTCOMES = ["failed", "errors", "skipped", "xfailed", "xpassed", "deselected"] as const;

export interface PytestSummary {
  line: string;
  /** Count per outcome, outcome names as pytest prints them in the plural (`error` -> `errors`). */
  counts: Record<string, number>;
}

/**
 * Reads pytest's final summary line (`12 passed, 1 skipped, 2 xfailed in 3.10s`, with or without
 * `-q`'s `=` padding). Throws when the output has none (pytest crashed before its summary).
 */
export function parsePytestSummary(stdout: string): PytestSummary {
  const lines = stdout.trim().split("\n").map((line) => line.replace(/^=+ | =+$/g, "").trim());
  const line = lines.reverse().find((candidate) => /\bin \d+(\.\d+)?s\b/.test(candidate) && /^(\d+ \w+|no tests ran)/.test(candidate));
  if (line === undefined) throw new Error(`no pytest summary line in:\n${stdout.slice(-2000)}`);
  const counts: Record<string, number> = {};
  for (const [, count, outcome] of line.matchAll(/(\d+) (\w+)/g)) {
    const plural = outcome === "error" ? "errors" : outcome === "warning" ? "warnings" : outcome;
    counts[plural] = (counts[plural] ?? 0) + Number(count);
  }
  return { line, counts };
}

/** Asserts a clean pass (exit 0, at least one test passed, nothing else); returns the count. */
export function expectAllPassed(result: RunResult): number {
  expect(result.code, describeFailure(result)).toBe(0);
  const { line, counts } = parsePytestSummary(result.stdout);
  const passed = counts.passed ?? 0;
  expect(passed, `pytest summary line: '${line}'`).toBeGreaterThan(0);
  const unproven = Object.fromEntries(UNPROVEN_OUTCOMES.filter((outcome) => counts[outcome]).map((o) => [o, counts[o]]));
  expect(unproven, `every test must pass, none skipped or expected to fail: '${line}'`).toEqual({});
  return passed;
}
