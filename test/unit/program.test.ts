import { describe, expect, it } from "vitest";
import { booleanOption, stringOption } from "../../src/options/option-kinds.js";
import { buildProgram } from "../../src/program.js";

const quiet = { writeOut: () => {}, writeErr: () => {} };
const prompt = { kind: "input" as const, message: "?" };

function parse(args: string[]) {
  const schema = [
    stringOption({ id: "agentName", flag: "--agent-name", label: "Agent name", valueName: "<name>", description: "d", default: "x", rules: { maxLength: 9 }, prompt }),
    booleanOption({ id: "withAuth", flag: "--auth", label: "Auth", description: "Add auth.", default: false, prompt: { kind: "confirm", message: "?" } }),
  ];
  const { program, read } = buildProgram(quiet, schema);
  program.parse(args, { from: "user" });
  const cli = read();
  if (cli.command !== "create") throw new Error(`expected the create command, got ${cli.command}`);
  return cli;
}

describe("flags derived from the schema", () => {
  it("maps flag values to option ids, leaving absent flags undefined", () => {
    expect(parse(["dir", "--agent-name", "-dash"]).optionFlags).toEqual({ agentName: "-dash", withAuth: undefined });
    expect(parse([]).directory).toBeUndefined();
  });

  it("gives boolean options a --flag / --no-flag pair", () => {
    expect(parse(["--auth"]).optionFlags.withAuth).toBe(true);
    expect(parse(["--no-auth"]).optionFlags.withAuth).toBe(false);
  });

  it("reads the run flags with their defaults", () => {
    expect(parse([]).run).toEqual({ force: false, install: undefined, git: undefined, yes: false, dryRun: false, json: false, config: undefined });
    expect(parse(["-y", "--no-git", "--install", "--force", "--dry-run", "--json", "--config", "a.yaml"]).run).toEqual({
      force: true,
      install: true,
      git: false,
      yes: true,
      dryRun: true,
      json: true,
      config: "a.yaml",
    });
    expect(parse(["--no-install"]).run.install).toBe(false);
  });
});
