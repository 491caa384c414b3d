/** Text shown to the user: the write plan and the next steps. No logic besides formatting. */
import type { ChalkInstance } from "chalk";
import type { InstallStep } from "./post/install.js";
import type { WriteAction, WritePlan } from "./write/plan.js";

const ACTION_LABELS: Record<WriteAction, string> = { create: "create", overwrite: "overwrite", identical: "identical" };

export function formatPlan(plan: WritePlan, chalk: ChalkInstance): string {
  const colour: Record<WriteAction, (s: string) => string> = {
    create: chalk.green,
    overwrite: chalk.yellow,
    identical: chalk.dim,
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

/** Quotes a path for a POSIX shell when it needs it. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface NextStepsInput {
  cdPath: string;
  /** Install commands still to run, or undefined when dependencies were installed. */
  installSteps: readonly InstallStep[] | undefined;
  platform: NodeJS.Platform;
}

export function formatNextSteps(input: NextStepsInput, chalk: ChalkInstance): string {
  const windows = input.platform === "win32";
  const lines: string[] = [];
  if (input.cdPath !== ".") lines.push(`cd ${shellQuote(input.cdPath)}`);
  for (const step of input.installSteps ?? []) lines.push(step.display);
  lines.push(windows ? ".venv\\Scripts\\activate" : "source .venv/bin/activate");
  lines.push(`${windows ? "copy" : "cp"} .env.example .env   ${chalk.dim("# then fill in your API key")}`);
  lines.push("uvicorn app.main:app --reload");
  lines.push("pytest");
  return `${chalk.bold("Next steps:")}\n${lines.map((l) => `  ${l}\n`).join("")}`;
}
