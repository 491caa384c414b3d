import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Builds dist/ once, so CLI tests can run the real binary as a child process.
    globalSetup: ["test/unit/global-setup.ts"],
    testTimeout: 30_000,
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
