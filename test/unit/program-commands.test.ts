import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/program.js";

function parse(args: string[]) {
  let err = "";
  const { program, read } = buildProgram({ writeOut: () => {}, writeErr: (t) => (err += t) });
  program.parse(args, { from: "user" });
  return { cli: read(), err };
}

describe("subcommands", () => {
  it("update takes the schema flags and its own run flags; the directory is optional", () => {
    expect(parse(["update", "--store", "memory", "--dry-run", "--json"]).cli).toMatchObject({
      command: "update",
      directory: undefined,
      optionFlags: { store: "memory", model: undefined },
      update: { yes: false, dryRun: true, json: true, resetBase: false },
    });
    expect(parse(["update", "bot", "-y", "--reset-base"]).cli).toMatchObject({ directory: "bot", update: { yes: true, resetBase: true, config: undefined } });
    expect(parse(["update", "--config", "s.yml"]).cli).toMatchObject({ update: { config: "s.yml" } });
  });

  it("check takes a directory and --json only", () => {
    expect(parse(["check", "bot", "--json"]).cli).toEqual({ command: "check", directory: "bot", json: true });
    expect(() => parse(["check", "--store", "memory"])).toThrow(/unknown option '--store'/);
  });

  it("any other first argument is the directory of a new project, as before", () => {
    expect(parse(["my-bot", "--store", "memory"]).cli).toMatchObject({ command: "create", directory: "my-bot", optionFlags: { store: "memory" } });
    expect(parse(["help"]).cli).toMatchObject({ command: "create", directory: "help" });
  });
});
