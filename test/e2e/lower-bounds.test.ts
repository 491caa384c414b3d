// Lower bounds: install a generated project with `uv pip install --resolution lowest-direct`,
// so each of its own dependency ranges resolves to its floor, and run its test suite there.
// This is what makes the floors in the generated pyproject.toml claims that were tested.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ProjectVariant } from "./generate-project.js";
import { usePostgres } from "./postgres-server.js";
import { describeFailure } from "./process.js";
import { CHECK_TIMEOUT, useGeneratedProject } from "./project-fixture.js";

const FLOORS_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "dependency_floors.py");

interface DependencyFloor {
  requirement: string;
  name: string;
  floor: string | null;
  installed: string | null;
  at_floor: boolean;
}

// sqlite for the common floors, postgres for asyncpg's.
const VARIANTS: ProjectVariant[] = [
  { store: "sqlite", auth: "none" },
  { store: "postgres", auth: "none" },
];

const postgres = usePostgres();

describe.each(VARIANTS)("a --store $store project at the floor of every dependency range", (variant) => {
  const project = useGeneratedProject(variant, {
    envKey: `lowest-direct-${variant.store}`,
    resolution: "lowest-direct",
    postgres,
  });

  it("has the lowest version each of its ranges allows installed", async () => {
    const result = await project.run(project.env.python, [FLOORS_SCRIPT, "dev"]);
    expect(result.code, describeFailure(result)).toBe(0);
    const floors = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as DependencyFloor);
    console.info(
      `lowest-direct installed:\n${floors.map((f) => `  ${f.requirement.padEnd(32)} -> ${f.installed}`).join("\n")}`,
    );
    expect(floors.length).toBeGreaterThan(0);
    expect(floors.filter((f) => f.floor === null).map((f) => f.requirement), "ranges without a floor").toEqual([]);
    expect(
      floors.filter((f) => !f.at_floor).map((f) => `${f.requirement}: ${f.installed ?? "not installed"}`),
      "dependencies not at their floor",
    ).toEqual([]);
  }, CHECK_TIMEOUT);

  it("passes its own test suite there", async () => {
    const databaseEnv: Record<string, string> =
      variant.store === "postgres" ? { TEST_DATABASE_URL: await postgres.get().createDatabase("pytest_lowest") } : {};
    const result = await project.run(project.env.pytest, ["-q", "-p", "no:cacheprovider"], databaseEnv);
    expect(result.code, describeFailure(result)).toBe(0);
    const summary = result.stdout.trim().split("\n").at(-1) ?? "";
    expect(Number(/(\d+) passed/.exec(summary)?.[1] ?? 0), `pytest summary line: '${summary}'`).toBeGreaterThan(0);
    expect(summary, "no test may be skipped").not.toMatch(/failed|error|skipped|deselected/);
  }, CHECK_TIMEOUT);
});
