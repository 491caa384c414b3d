/**
 * One run of the CLI: parse the command line, run the command, map errors to exit codes.
 * All outside effects except the file system come through `CliIO`, so tests can call `run`
 * in-process with a fake prompt and captured output.
 *
 *   create-chatkit-server [directory]   src/commands/create.ts
 *   ... update [directory]              src/commands/update.ts
 *   ... check [directory]               src/commands/check.ts
 */
import { Chalk } from "chalk";
import { CommanderError } from "commander";
import { EXIT, colorLevel, type CliIO } from "./cli-io.js";
import { checkProject } from "./commands/check.js";
import { createProject } from "./commands/create.js";
import { updateProject } from "./commands/update.js";
import { CancelledError, UserError, isPromptCancellation } from "./errors.js";
import { buildProgram } from "./program.js";

export { EXIT, colorLevel, isInteractive, type CliIO } from "./cli-io.js";

/** Runs the CLI with user arguments (no node/script prefix) and returns the exit code. */
export async function run(args: readonly string[], io: CliIO): Promise<number> {
  const chalk = new Chalk({ level: colorLevel(io) });
  const { program, read } = buildProgram({
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => io.stderr.write(text),
  });
  try {
    program.parse([...args], { from: "user" });
    const cli = read();
    if (cli.command === "update") return await updateProject(cli, io, chalk);
    if (cli.command === "check") return await checkProject(cli, io, chalk);
    return await createProject(cli, io, chalk);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed help, the version or its usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UserError) {
      io.stderr.write(`${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof CancelledError || isPromptCancellation(error)) {
      io.stderr.write("Cancelled\n");
      return EXIT.cancelled;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`Unexpected error: ${message}\n`);
    if (io.env.DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return EXIT.failure;
  }
}
