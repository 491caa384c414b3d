/**
 * The text styles of the CLI's output. Chalk draws them when the output may be coloured;
 * otherwise they return the text as it is, and chalk is not loaded at all: its terminal
 * detection on import costs a run a few milliseconds, and most runs in CI and scripts write
 * to a pipe or a file.
 */
import type { ChalkInstance } from "chalk";
import { colorLevel, mayUseColor, type CliIO } from "./cli-io.js";

type Style = (text: string) => string;

export interface Styles {
  bold: Style;
  dim: Style;
  green: Style;
  yellow: Style;
  red: Style;
  cyan: Style;
  magenta: Style;
  redBold: Style;
}

const asIs: Style = (text) => text;

export const PLAIN_STYLES: Styles = {
  bold: asIs,
  dim: asIs,
  green: asIs,
  yellow: asIs,
  red: asIs,
  cyan: asIs,
  magenta: asIs,
  redBold: asIs,
};

export function stylesFrom(chalk: ChalkInstance): Styles {
  return {
    bold: chalk.bold,
    dim: chalk.dim,
    green: chalk.green,
    yellow: chalk.yellow,
    red: chalk.red,
    cyan: chalk.cyan,
    magenta: chalk.magenta,
    redBold: chalk.red.bold,
  };
}

/** The styles for this run's output: see colorLevel. */
export async function loadStyles(io: Pick<CliIO, "env" | "stdoutIsTTY">): Promise<Styles> {
  if (!mayUseColor(io)) return PLAIN_STYLES;
  const { Chalk, supportsColor } = await import("chalk");
  const level = colorLevel(io, supportsColor);
  return level === 0 ? PLAIN_STYLES : stylesFrom(new Chalk({ level }));
}
