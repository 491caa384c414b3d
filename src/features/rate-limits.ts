/**
 * Per-user rate limits (`--rate-limit`): turns per minute and concurrent streams, counted in
 * the process (`memory`) or shared by every replica (`postgres`, `redis`). `none` generates
 * none of this code. One module per backend behind one interface (app/rate_limits/base.py).
 */
import type { RuntimeDependencyName } from "../python-deps.js";
import type { Feature } from "./types.js";

const COMMON_FILES = [
  "app/rate_limits/__init__.py",
  "app/rate_limits/base.py",
  "app/rate_limits/responses.py",
  "app/rate_limits/setup.py",
  "tests/test_rate_limits.py",
];

/** Replicas share these limits: leases expire unless their holder renews them. */
const SHARED_FILES = ["app/rate_limits/shared.py", "tests/test_rate_limits_shared.py"];

const BACKENDS = {
  memory: { files: ["app/rate_limits/memory.py"], runtimeDependencies: [] },
  postgres: { files: [...SHARED_FILES, "app/rate_limits/postgres.py"], runtimeDependencies: [] },
  redis: { files: [...SHARED_FILES, "app/rate_limits/redis.py", "tests/redis_server.py"], runtimeDependencies: ["redis"] },
} as const satisfies Record<string, { files: readonly string[]; runtimeDependencies: readonly RuntimeDependencyName[] }>;

export const rateLimitsFeature: Feature = {
  id: "rate-limits",
  claims: [...new Set([...COMMON_FILES, ...Object.values(BACKENDS).flatMap((backend) => backend.files)])],
  select(answers) {
    const where = answers.rateLimit;
    const context = {
      rateLimit: {
        any: where !== "none",
        memory: where === "memory",
        postgres: where === "postgres",
        redis: where === "redis",
      },
    };
    if (where === "none") return { files: [], context };
    const backend = BACKENDS[where];
    return { files: [...COMMON_FILES, ...backend.files], context, runtimeDependencies: backend.runtimeDependencies };
  },
};
