// The e2e files' one check of a generated project's pytest run (test/e2e/pytest-summary.ts).
import { describe, expect, it } from "vitest";
import { expectAllPassed, parsePytestSummary } from "../e2e/pytest-summary.js";
import type { RunResult } from "../e2e/process.js";

function pytestRun(stdout: string, code = 0): RunResult {
  return { command: "pytest -q", code, signal: null, stdout, stderr: "", durationMs: 1, timedOut: false };
}

describe("pytest's summary line", () => {
  it("counts every outcome, with -q or with the = padding", () => {
    expect(parsePytestSummary("....\n4 passed, 1 skipped, 2 xfailed, 1 xpassed, 3 warnings in 2.51s\n").counts).toEqual({
      passed: 4,
      skipped: 1,
      xfailed: 2,
      xpassed: 1,
      warnings: 3,
    });
    expect(parsePytestSummary("F.\n===== 1 failed, 1 passed, 1 error in 0.20s =====").counts).toEqual({
      failed: 1,
      passed: 1,
      errors: 1,
    });
  });

  it("is required: output without one throws", () => {
    expect(() => parsePytestSummary("ImportError while loading conftest")).toThrow(/no pytest summary line/);
  });

  it("passes only a run where every test passed (warnings allowed)", () => {
    expect(expectAllPassed(pytestRun("..\n2 passed, 1 warning in 0.10s\n"))).toBe(2);
    for (const line of [
      "69 passed, 1 xfailed in 3.00s",
      "69 passed, 1 xpassed in 3.00s",
      "69 passed, 1 skipped in 3.00s",
      "69 passed, 2 deselected in 3.00s",
      "no tests ran in 0.01s",
    ]) {
      expect(() => expectAllPassed(pytestRun(`${line}\n`)), line).toThrow();
    }
    expect(() => expectAllPassed(pytestRun("1 failed, 69 passed in 3.00s\n", 1))).toThrow();
  });
});
