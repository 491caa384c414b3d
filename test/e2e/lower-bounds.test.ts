// Lower bounds: install a generated project with `uv pip install --resolution lowest-direct`,
// so each of its own dependency ranges resolves to its floor, and run its test suite there.
// This is what makes the floors in the generated pyproject.toml claims that were tested.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { variantName, type ProjectVariant } from "./generate-project.js";
import { usePostgres } from "./postgres-server.js";
import { describeFailure } from "./process.js";
import { CHECK_TIMEOUT, useGeneratedProject } from "./project-fixture.js";
import { OFFLINE_ENV } from "./provider-projects.js";
import { expectAllPassed } from "./pytest-summary.js";

const FLOORS_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "dependency_floors.py");

interface DependencyFloor {
  requirement: string;
  name: string;
  floor: string | null;
  installed: string | null;
  at_floor: boolean;
}

// Between them every range a generated project can have: sqlite for the common floors and
// aiosqlite's, postgres for asyncpg's, and memory with the LiteLLM extra (openai-agents[litellm]
// at its floor, with the LiteLLM that release allows) and every example tool.
const VARIANTS: ProjectVariant[] = [
  { store: "sqlite", auth: "none" },
  { store: "postgres", auth: "none" },
  { store: "memory", auth: "none", flags: ["--provider", "litellm", "--tools", "example,client,widget"], label: "litellm" },
];

const postgres = usePostgres();

describe.each(VARIANTS.map((variant) => ({ ...variant, name: variantName(variant) })))(
  "a $name project at the floor of every dependency range",
  (variant) => {
    const litellm = variant.label === "litellm";
    const project = useGeneratedProject(variant, {
      envKey: `lowest-direct-${variant.name}`,
      resolution: "lowest-direct",
      postgres,
    });

    it("has the lowest version each of its ranges allows installed", async () => {
      const result = await project.run(project.env.python, [FLOORS_SCRIPT, "dev"]);
      expect(result.code, describeFailure(result)).toBe(0);
      const floors = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as DependencyFloor);
      console.info(
        `lowest-direct installed (${variant.name}):\n${floors
          .map((f) => `  ${f.requirement.padEnd(36)} -> ${f.installed}`)
          .join("\n")}`,
      );
      expect(floors.length).toBeGreaterThan(0);
      expect(floors.filter((f) => f.floor === null).map((f) => f.requirement), "ranges without a floor").toEqual([]);
      expect(
        floors.filter((f) => !f.at_floor).map((f) => `${f.requirement}: ${f.installed ?? "not installed"}`),
        "dependencies not at their floor",
      ).toEqual([]);
      const requirements = floors.map((f) => f.requirement);
      expect(requirements.some((r) => r.startsWith("openai-agents[litellm]")), "the LiteLLM extra").toBe(litellm);
      if (litellm) {
        // The extra took effect: LiteLLM and the SDK's model class over it import.
        const probe = await project.run(
          project.env.python,
          ["-c", "from importlib.metadata import version; import agents.extensions.models.litellm_model; print(version('litellm'))"],
          OFFLINE_ENV,
        );
        expect(probe.code, describeFailure(probe)).toBe(0);
        console.info(`  litellm (through the extra)             -> ${probe.stdout.trim()}`);
      }
    }, CHECK_TIMEOUT);

    it("passes its own test suite there", async () => {
      const databaseEnv: Record<string, string> =
        variant.store === "postgres" ? { TEST_DATABASE_URL: await postgres.get().createDatabase("pytest_lowest") } : {};
      const result = await project.run(project.env.pytest, ["-q", "-p", "no:cacheprovider"], { ...OFFLINE_ENV, ...databaseEnv });
      console.info(`${variant.name} at its floors: ${expectAllPassed(result)} passed`);
    }, CHECK_TIMEOUT);
  },
);
