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
  /** undefined: ask when interactive, otherwise initialise a repository. */
  git: boolean | undefined;
  yes: boolean;
  dryRun: boolean;
  /** Print one JSON document on stdout; never prompt. */
  json: boolean;
  /** --config FILE, as given. */
  config: string | undefined;
}

/** Raw values of schema options by option id; undefined when not given. */
export type OptionFlags = Record<string, string | boolean | undefined>;

/** Files named by options' file flags (e.g. --instructions-file), by option id. */
export type OptionFiles = Record<string, string>;

/** `create-chatkit-server [directory]`: generate a project. */
export interface ParsedCommandLine {
  command: "create";
  directory: string | undefined;
  optionFlags: OptionFlags;
  optionFiles: OptionFiles;
  run: RunFlags;
}

export interface UpdateFlags {
  yes: boolean;
  dryRun: boolean;
  json: boolean;
  resetBase: boolean;
  /** Write even when git reports uncommitted changes to the files update rewrites. */
  allowDirty: boolean;
  /** --config FILE, as given. */
  config: string | undefined;
}

/** `create-chatkit-server update [directory]`. */
export interface UpdateCommandLine {
  command: "update";
  optionFiles: OptionFiles;
  directory: string | undefined;
  optionFlags: OptionFlags;
  update: UpdateFlags;
}

/** `create-chatkit-server check [directory]`. */
export interface CheckCommandLine {
  command: "check";
  directory: string | undefined;
  json: boolean;
}

export type CommandLine = ParsedCommandLine | UpdateCommandLine | CheckCommandLine;

const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    failure (e.g. permission denied, disk full, dependency install failed)
  2    invalid usage or input (a flag, the directory or the config file); nothing was written
  3    update only: done, with conflicts left in the files listed
  130  cancelled (Ctrl-C)
`;

/** Words joined with ", " and wrapped to lines of at most `width` characters after `indent`. */
function wrapList(words: readonly string[], indent: string, width = 96): string {
  const lines: string[] = [];
  let line = "";
  for (const [i, word] of words.entries()) {
    const item = i === words.length - 1 ? `${word}.` : `${word},`;
    if (line !== "" && indent.length + line.length + 1 + item.length > width) {
      lines.push(line);
      line = item;
    } else line = line === "" ? item : `${line} ${item}`;
  }
  return [...lines, line].map((l) => `${indent}${l}`).join("\n");
}

/** The --config section of the help: keys derived from the schema. */
function configHelp(schema: readonly OptionSpec[], forCreate: boolean): string {
  const keys = [...(forCreate ? ["directory"] : []), ...schema.map((spec) => spec.id)];
  const lines = ["", "Config file (--config FILE: .json, .yaml or .yml):"];
  lines.push('  Answers by option id, as in the "answers" of .chatkit-server.json. Flags override the file;');
  lines.push(forCreate ? "  the file overrides answers recorded in the target folder. Keys:" : '  the file overrides the project\'s recorded answers ("directory" is ignored). Keys:');
  lines.push(wrapList(keys, "    "));
  lines.push("  Example (YAML):");
  if (forCreate) lines.push("    directory: my-bot");
  lines.push("    store: postgres", "    historyLimit: 20", "    tools: [example]");
  return `${lines.join("\n")}\n`;
}

const ENVIRONMENT_HELP = `
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
  if (spec.defaultHelp !== undefined) parts.push(`default: ${spec.defaultHelp}`);
  else if (spec.default === null) parts.push("default: unset");
  else if (spec.default !== undefined && typeof spec.default !== "function") parts.push(`default: ${quoteDefault(spec.default)}`);
  return parts.length === 0 ? spec.description : `${spec.description} (${parts.join("; ")})`;
}

const UPDATE_HELP = `
Reads .chatkit-server.json and .chatkit-server/base.json.gz in [directory] (default: .).
Changed settings come from flags, from your edits to .chatkit-server.json, or (interactively)
from a list of the settings to change. Files you did not edit are replaced; files you edited
are merged three-way; conflicts are left in the file between <<<<<<< yours and
>>>>>>> generated markers. In a git work tree, update refuses (exit 2, nothing written) while
generated files or .chatkit-server.json have uncommitted changes, unless --allow-dirty;
outside git it warns and goes ahead.

Exit codes:
  0    done, no conflicts (also: nothing to do)
  1    failure; nothing was changed
  2    invalid usage or input (bad flag or config file, not a generated project, damaged record,
       uncommitted changes without --allow-dirty)
  3    done, with conflicts left in the files listed
  130  cancelled (Ctrl-C)
`;

const CHECK_HELP = `
For CI: compares the project with what its .chatkit-server.json generates with this version,
the way update would (your own edits to generated files are fine; unresolved conflict markers
are not). Files you own (e.g. app/tools.py) are not checked.

Exit codes:
  0    up to date
  1    update would change something (listed), or conflict markers are left
  2    invalid usage or input (not a generated project, damaged record)
  130  cancelled (Ctrl-C)
`;

export interface ProgramOutput {
  writeOut: (text: string) => void;
  writeErr: (text: string) => void;
}

/** Adds one flag per schema option; returns [option id, commander Option] pairs. */
function addSchemaOptions(command: Command, schema: readonly OptionSpec[]): [string, Option][] {
  const added: [string, Option][] = [];
  for (const spec of schema) {
    if (spec.type === "boolean") {
      const on = new Option(spec.flag, helpTextFor(spec));
      command.addOption(on).addOption(new Option(`--no-${spec.flag.slice(2)}`));
      added.push([spec.id, on]);
    } else {
      const option = new Option(`${spec.flag} ${spec.valueName}`, helpTextFor(spec));
      command.addOption(option);
      added.push([spec.id, option]);
      if (spec.fileFlag !== undefined) {
        command.addOption(new Option(`${spec.fileFlag} <path>`, `read ${spec.flag} from a file (UTF-8, as is)`));
      }
    }
  }
  return added;
}

function readOptionFiles(command: Command, schema: readonly OptionSpec[]): OptionFiles {
  const opts = command.opts<Record<string, unknown>>();
  const files: OptionFiles = {};
  for (const spec of schema) {
    if (spec.fileFlag === undefined) continue;
    const path = opts[new Option(`${spec.fileFlag} <path>`).attributeName()];
    if (typeof path === "string") files[spec.id] = path;
  }
  return files;
}

function readOptionFlags(command: Command, options: readonly [string, Option][]): OptionFlags {
  const opts = command.opts<Record<string, unknown>>();
  const flags: OptionFlags = {};
  for (const [id, option] of options) flags[id] = opts[option.attributeName()] as string | boolean | undefined;
  return flags;
}

export function buildProgram(
  output: ProgramOutput,
  schema: readonly OptionSpec[] = optionSchema,
): { program: Command; read: () => CommandLine } {
  const program = new Command()
    .name(PACKAGE_NAME)
    .version(PACKAGE_VERSION)
    .description("Create a Python ChatKit server project (FastAPI + OpenAI ChatKit + Agents SDK).")
    .argument("[directory]", "folder to create the project in")
    .exitOverride()
    .configureOutput({ writeOut: output.writeOut, writeErr: output.writeErr })
    .showHelpAfterError("(run with --help for usage)")
    // Options before a subcommand belong to the program, options after it to the subcommand.
    .enablePositionalOptions()
    // Keep `help` free as a project name; --help works everywhere.
    .helpCommand(false)
    // "update [directory]" rather than "update [options] [directory]": keeps the help columns narrow.
    .configureHelp({ subcommandTerm: (command) => `${command.name()} [directory]` });

  let selected: CommandLine["command"] = "create";
  const schemaOptions = addSchemaOptions(program, schema);

  program
    .option("--force", "write into a non-empty directory: files at generated paths are overwritten, no file is deleted")
    .option("--install", "create .venv and install the project's dependencies (default: ask; off without a terminal)")
    .option("--no-install", "do not install dependencies")
    .option("--git", "initialise a git repository with an initial commit (default: ask; on without a terminal)")
    .option("--no-git", "do not initialise a git repository")
    .option("-y, --yes", "accept defaults for everything not given as a flag; never prompt")
    .option("--dry-run", "print what would be written, write nothing")
    .option("--config <file>", "read answers from a JSON or YAML file (see below); flags override it")
    .option("--json", "print one JSON document on stdout (files written and next steps, or the error); never prompt")
    .addHelpText("after", `${configHelp(schema, true)}${EXIT_CODES_HELP}${ENVIRONMENT_HELP}`)
    .action(() => {
      selected = "create";
    });

  // Subcommands copy the program's output, exit and error settings when created here.
  const update = program
    .command("update")
    .description("Apply changed settings to a generated project, merging your edits.")
    .argument("[directory]", "the project folder (default: .)");
  const updateOptions = addSchemaOptions(update, schema);
  update
    .option("-y, --yes", "never prompt: change only what flags and .chatkit-server.json say")
    .option("--dry-run", "print the plan and unified diffs, write nothing")
    .option("--config <file>", "read settings from a JSON or YAML file (see below); flags override it")
    .option("--json", "print one JSON summary on stdout instead of text (also for errors); never prompt")
    .option("--reset-base", "record what the current settings generate as the merge base (no other file is touched)")
    .option("--allow-dirty", "update even when git shows uncommitted changes to generated files or .chatkit-server.json")
    .addHelpText("after", `${UPDATE_HELP}${configHelp(schema, false)}`)
    .action(() => {
      selected = "update";
    });

  const check = program
    .command("check")
    .description("Exit 1 when the project is not what its settings generate now (for CI).")
    .argument("[directory]", "the project folder (default: .)")
    .option("--json", "print one JSON summary on stdout instead of text (also for errors)")
    .addHelpText("after", CHECK_HELP)
    .action(() => {
      selected = "check";
    });

  const read = (): CommandLine => {
    if (selected === "update") {
      const opts = update.opts<Record<string, unknown>>();
      return {
        command: "update",
        directory: update.args[0],
        optionFlags: readOptionFlags(update, updateOptions),
        optionFiles: readOptionFiles(update, schema),
        update: {
          yes: opts.yes === true,
          dryRun: opts.dryRun === true,
          json: opts.json === true,
          resetBase: opts.resetBase === true,
          allowDirty: opts.allowDirty === true,
          config: opts.config as string | undefined,
        },
      };
    }
    if (selected === "check") return { command: "check", directory: check.args[0], json: check.opts().json === true };
    const opts = program.opts<Record<string, unknown>>();
    return {
      command: "create",
      directory: program.args[0],
      optionFlags: readOptionFlags(program, schemaOptions),
      optionFiles: readOptionFiles(program, schema),
      run: {
        force: opts.force === true,
        install: opts.install as boolean | undefined,
        git: opts.git as boolean | undefined,
        yes: opts.yes === true,
        dryRun: opts.dryRun === true,
        json: opts.json === true,
        config: opts.config as string | undefined,
      },
    };
  };
  return { program, read };
}
