/** Text shown to the user: the write plan and the next steps. No logic besides formatting. */
import { activateCommand, type InstallStep } from "./post/install.js";
import type { Styles } from "./styles.js";
import type { WriteAction, WritePlan } from "./write/plan.js";

const ACTION_LABELS: Record<WriteAction, string> = { create: "create", overwrite: "overwrite", identical: "identical" };

export function formatPlan(plan: WritePlan, styles: Styles): string {
  const colour: Record<WriteAction, (s: string) => string> = {
    create: styles.green,
    overwrite: styles.yellow,
    identical: styles.dim,
  };
  return plan.writes
    .map((w) => `  ${colour[w.action](ACTION_LABELS[w.action].padEnd(9))} ${w.path}\n`)
    .join("");
}

export function countActions(plan: WritePlan): string {
  const counts = { create: 0, overwrite: 0, identical: 0 };
  for (const w of plan.writes) counts[w.action]++;
  const parts = [`${counts.create} created`];
  if (counts.overwrite > 0) parts.push(`${counts.overwrite} overwritten`);
  if (counts.identical > 0) parts.push(`${counts.identical} unchanged`);
  return parts.join(", ");
}

/** "0.4 s", "12 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/** Quotes a path for a POSIX shell when it needs it. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface NextStepsInput {
  cdPath: string;
  /** Install commands still to run, or undefined when dependencies were installed. */
  installSteps: readonly InstallStep[] | undefined;
  platform: NodeJS.Platform;
  /** The variable the project reads its model API key from. */
  apiKeyEnv: string;
  /** The project's tests need a PostgreSQL server (TEST_DATABASE_URL). */
  testsNeedDatabase: boolean;
}

/** The commands to run next, with an optional comment for the text output. */
export function nextSteps(input: NextStepsInput): { command: string; note?: string }[] {
  const windows = input.platform === "win32";
  const steps: { command: string; note?: string }[] = [];
  if (input.cdPath !== ".") steps.push({ command: `cd ${shellQuote(input.cdPath)}` });
  for (const step of input.installSteps ?? []) steps.push({ command: step.display });
  steps.push({ command: activateCommand(input.platform) });
  steps.push({ command: `${windows ? "copy" : "cp"} .env.example .env`, note: `then set ${input.apiKeyEnv} in .env` });
  steps.push({ command: "uvicorn app.main:app --reload" });
  steps.push(
    input.testsNeedDatabase
      ? { command: "pytest", note: "with TEST_DATABASE_URL set to a PostgreSQL server" }
      : { command: "pytest" },
  );
  return steps;
}

export function formatNextSteps(input: NextStepsInput, styles: Styles): string {
  const lines = nextSteps(input).map((step) => (step.note === undefined ? step.command : `${step.command}   ${styles.dim(`# ${step.note}`)}`));
  return `${styles.bold("Next steps:")}\n${lines.map((l) => `  ${l}\n`).join("")}`;
}

/** `create --json`: one document on stdout, in the style of `update --json` (src/update/report.ts). */
export interface CreateSummary {
  command: "create";
  /** Absolute path of the project. */
  directory: string;
  dryRun: boolean;
  generatorVersion: string;
  /** The folder name, and the Python distribution name derived from it (pyproject.toml). */
  project: { name: string; distributionName: string };
  /** Every answer the project was rendered with, by option id. */
  answers: Record<string, unknown>;
  files: { path: string; action: WriteAction }[];
  git: "committed" | "skipped" | "failed" | "not run";
  install: "installed" | "failed" | "not run";
  /** Notes and warnings that the text output prints (e.g. the normalised project name). */
  notes: string[];
  /** Shell commands, in order. */
  nextSteps: string[];
  exitCode: number;
}
