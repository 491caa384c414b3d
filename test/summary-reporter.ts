/**
 * Ends a test run with one plain line, `Tests: N passed, N failed, N skipped`, that CI
 * reads to count what ran (it does not parse vitest's own summary).
 */
import type { Reporter, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const testModule of testModules) {
      // A file whose setup (beforeAll) failed has failed even if no test in it ran.
      if (testModule.state() === "failed" && !hasFailedTest(testModule)) counts.failed += 1;
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === "passed" || state === "failed") counts[state] += 1;
        else counts.skipped += 1;
      }
    }
    process.stdout.write(`\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}

function hasFailedTest(testModule: TestModule): boolean {
  for (const test of testModule.children.allTests()) if (test.result().state === "failed") return true;
  return false;
}
