/**
 * Pinned Python dependency ranges of the generated project: the one place to bump them.
 * Which of them a project gets: `BASE_RUNTIME_DEPENDENCIES` + all dev dependencies, plus
 * whatever the features in src/features/ add for the chosen answers.
 */

export const PYTHON_RUNTIME_DEPENDENCIES = {
  "openai-chatkit": ">=1.6.5,<1.7",
  "openai-agents": ">=0.22,<0.25",
  // The same range with the LiteLLM extra, for --provider litellm.
  "openai-agents[litellm]": ">=0.22,<0.25",
  fastapi: ">=0.115,<1",
  // 0.31.1: what openai-agents 0.22's mcp dependency needs at the least.
  "uvicorn[standard]": ">=0.31.1,<1",
  "pydantic-settings": ">=2.6,<3",
  aiosqlite: ">=0.20,<1",
  asyncpg: ">=0.30,<0.33",
  // Shared rate limits with --rate-limit redis (redis.asyncio).
  redis: ">=8.0,<9",
  // Bearer tokens (--auth jwt); 2.14 added PyJWKClient's refresh cooldown, which the app sets.
  "pyjwt[crypto]": ">=2.14,<3",
  // Multipart parsing for attachment uploads (FastAPI's form support).
  "python-multipart": ">=0.0.18,<1",
} as const satisfies Record<string, string>;

export const PYTHON_DEV_DEPENDENCIES = {
  pytest: ">=8.3,<10",
  "pytest-asyncio": ">=0.24,<2",
  httpx: ">=0.27,<1",
  // Property-based fuzzing of the wire format (tests/test_fuzz.py); 6.100: derandomize and
  // the health checks the fuzzer suppresses, as it uses them.
  hypothesis: ">=6.100,<7",
  ruff: ">=0.8,<1",
} as const satisfies Record<string, string>;

export type RuntimeDependencyName = keyof typeof PYTHON_RUNTIME_DEPENDENCIES;
export type DevDependencyName = keyof typeof PYTHON_DEV_DEPENDENCIES;

/** Runtime dependencies every generated project has, whatever the answers. */
export const BASE_RUNTIME_DEPENDENCIES: readonly RuntimeDependencyName[] = [
  "openai-chatkit",
  "openai-agents",
  "fastapi",
  "uvicorn[standard]",
  "pydantic-settings",
];

/** One dependency as templates see it, e.g. { name: "fastapi", spec: ">=0.115,<1", requirement: "fastapi>=0.115,<1" }. */
export interface PythonDependency {
  name: string;
  spec: string;
  requirement: string;
}

/** Sorted by name, duplicates removed, so pyproject.toml is stable across runs. */
export function toDependencyList(names: Iterable<string>, pins: Readonly<Record<string, string>>): PythonDependency[] {
  return [...new Set(names)]
    .sort()
    .map((name) => {
      const spec = pins[name];
      if (spec === undefined) throw new Error(`No pinned version for Python dependency "${name}".`);
      return { name, spec, requirement: `${name}${spec}` };
    });
}

// Packages the dependencies above bring in that a folder is plausibly named after.
const TRANSITIVE_NAMES = ["openai", "pydantic", "starlette", "litellm"];

/**
 * Distribution names a generated project cannot take: pip cannot install a project that
 * depends, directly or through its dependencies, on a package of its own name.
 */
export const RESERVED_DISTRIBUTION_NAMES: ReadonlySet<string> = new Set(
  [...Object.keys(PYTHON_RUNTIME_DEPENDENCIES), ...Object.keys(PYTHON_DEV_DEPENDENCIES), ...TRANSITIVE_NAMES].map((name) =>
    name.replace(/\[.*\]$/, "").toLowerCase().replace(/[-_.]+/g, "-"),
  ),
);
