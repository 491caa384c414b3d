/**
 * The commander program. Option flags and their help are derived from the option schema in
 * one loop; the remaining flags control this run only and are not recorded in the project.
 */
import { Command, Option } from "commander";
import { optionSchema } from "./options/schema.js";
import type { OptionSpec } from "./options/types.js";
import { PACKAGE_NAME, PACKAGE_VERSION, TEMPLATES_ENV_VAR } from "./package-info.js";

export interface RunFlags {
  force: boolean;
  /** undefined: ask when interactive, otherwise do not install. */
  install: boolean | undefined;
  git: boolean;
  yes: boolean;
  dryRun: boolean;
}

export interface ParsedCommandLine {
  directory: string | undefined;
  /** Raw values of schema options by option id; undefined when not given. */
  optionFlags: Record<string, string | boolean | undefined>;
  run: RunFlags;
}

const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    failure (e.g. dependency install failed; the project is kept)
  2    invalid usage or input
  130  cancelled (Ctrl-C)

Environment:
  CI          when set, never prompt (same as --yes)
  NO_COLOR    when set, no colours
  ${TEMPLATES_ENV_VAR}  use another templates directory
`;

const quoteDefault = (value: unknown) => (typeof value === "string" ? JSON.stringify(value) : String(value));

/** Help line for one option: description, choices and default, all from the schema. */
export function helpTextFor(spec: OptionSpec): string {
  const parts: string[] = [];
  if (spec.choices) {
    const names = spec.choices.map((c) => (c.disabledReason === undefined ? c.value : `${c.value} (not available yet)`));
    parts.push(`choices: ${names.join(", ")}`);
  }
  if (spec.default !== undefined && typeof spec.default !== "function") parts.push(`default: ${quoteDefault(spec.default)}`);
  return parts.length === 0 ? spec.description : `${spec.description} (${parts.join("; ")})`;
}

export interface ProgramOutput {
  writeOut: (text: string) => void;
  writeErr: (text: string) => void;
}

export function buildProgram(
  output: ProgramOutput,
  schema: readonly OptionSpec[] = optionSchema,
): { program: Command; read: () => ParsedCommandLine } {
  const program = new Command()
    .name(PACKAGE_NAME)
    .version(PACKAGE_VERSION)
    .description("Create a Python ChatKit server project (FastAPI + OpenAI ChatKit + Agents SDK).")
    .argument("[directory]", "folder to create the project in")
    .exitOverride()
    .configureOutput({ writeOut: output.writeOut, writeErr: output.writeErr })
    .showHelpAfterError("(run with --help for usage)");

  const schemaOptions: [string, Option][] = [];
  for (const spec of schema) {
    if (spec.type === "boolean") {
      const on = new Option(spec.flag, helpTextFor(spec));
      program.addOption(on).addOption(new Option(`--no-${spec.flag.slice(2)}`));
      schemaOptions.push([spec.id, on]);
    } else {
      const option = new Option(`${spec.flag} ${spec.valueName}`, helpTextFor(spec));
      program.addOption(option);
      schemaOptions.push([spec.id, option]);
    }
  }

  program
    .option("--force", "write into a non-empty directory (only generated files are overwritten)")
    .option("--install", "create .venv and install the project's dependencies (default: ask; off without a terminal)")
    .option("--no-install", "do not install dependencies")
    .option("--git", "initialise a git repository with an initial commit (default)")
    .option("--no-git", "do not initialise a git repository")
    .option("-y, --yes", "accept defaults for everything not given as a flag; never prompt")
    .option("--dry-run", "print what would be written, write nothing")
    .addHelpText("after", EXIT_CODES_HELP);

  const read = (): ParsedCommandLine => {
    const opts = program.opts<Record<string, unknown>>();
    const optionFlags: Record<string, string | boolean | undefined> = {};
    for (const [id, option] of schemaOptions) {
      optionFlags[id] = opts[option.attributeName()] as string | boolean | undefined;
    }
    return {
      directory: program.args[0],
      optionFlags,
      run: {
        force: opts.force === true,
        install: opts.install as boolean | undefined,
        git: opts.git !== false,
        yes: opts.yes === true,
        dryRun: opts.dryRun === true,
      },
    };
  };
  return { program, read };
}
