/**
 * One run of the CLI: parse the command line, run the command, map errors to exit codes.
 * All outside effects except the file system come through `CliIO`, so tests can call `run`
 * in-process with a fake prompt and captured output.
 *
 *   create-chatkit-server [directory]   src/commands/create.ts
 *   ... update [directory]              src/commands/update.ts
 *   ... check [directory]               src/commands/check.ts
 */
import { CommanderError } from "commander";
import { EXIT, type CliIO } from "./cli-io.js";
import { refuseCommandTypo } from "./command-typo.js";
import { createProject } from "./commands/create.js";
import { CancelledError, FailureError, UserError, isPromptCancellation } from "./errors.js";
import { buildProgram, type CommandLine } from "./program.js";
import { loadStyles } from "./styles.js";

export { EXIT, colorLevel, isInteractive, type CliIO } from "./cli-io.js";

/** What `--json` prints on stdout when a command fails before it has a result to report. */
export interface ErrorSummary {
  command: CommandLine["command"];
  error: string;
  exitCode: number;
}

/** The message and exit code for a thrown error (commander's own errors are already printed). */
function describeError(error: unknown, env: CliIO["env"]): { message: string; exitCode: number; detail?: string } {
  if (error instanceof CommanderError) {
    return { message: error.message.replace(/^error: /, ""), exitCode: error.exitCode === 0 ? EXIT.ok : EXIT.usage };
  }
  if (error instanceof UserError) return { message: error.message, exitCode: EXIT.usage };
  if (error instanceof FailureError) return { message: error.message, exitCode: EXIT.failure };
  if (error instanceof CancelledError || isPromptCancellation(error)) return { message: "Cancelled", exitCode: EXIT.cancelled };
  const message = `Unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  const detail = env.DEBUG && error instanceof Error ? error.stack : undefined;
  return { message, exitCode: EXIT.failure, ...(detail === undefined ? {} : { detail }) };
}

/** --json before the command line is parsed (a usage error): the flag among the arguments. */
function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).includes("--json");
}

/** Runs the CLI with user arguments (no node/script prefix) and returns the exit code. */
export async function run(args: readonly string[], io: CliIO): Promise<number> {
  const { program, read } = buildProgram({
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => io.stderr.write(text),
  });
  let json = wantsJson(args);
  let command: CommandLine["command"] = args[0] === "update" || args[0] === "check" ? args[0] : "create";
  try {
    program.parse([...args], { from: "user" });
    const cli = read();
    command = cli.command;
    json = cli.command === "create" ? cli.run.json : cli.command === "update" ? cli.update.json : cli.json;
    // `create`, the default command, loads with the CLI; the others load their own modules,
    // so that `create` never pays for the merge and diff libraries.
    const styles = await loadStyles(io);
    if (cli.command === "update") return await (await import("./commands/update.js")).updateProject(cli, io, styles);
    if (cli.command === "check") return await (await import("./commands/check.js")).checkProject(cli, io, styles);
    refuseCommandTypo(cli.directory, program.commands.map((c) => c.name()), cli.run.force, io.cwd);
    return await createProject(cli, io, styles);
  } catch (error) {
    const { message, exitCode, detail } = describeError(error, io.env);
    // Commander already printed help, the version or its usage error.
    if (!(error instanceof CommanderError)) io.stderr.write(`${message}\n${detail === undefined ? "" : `${detail}\n`}`);
    if (json && exitCode !== EXIT.ok) {
      const summary: ErrorSummary = { command, error: message, exitCode };
      io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    }
    return exitCode;
  }
}
