/**
 * Line handling for the merge: lines keep their own terminator, so a merge never changes a
 * line ending or the presence of a final newline it did not have to.
 */

export type LineEnding = "\n" | "\r\n";

/** Splits text into lines that each keep their terminator ("\n" or "\r\n"); the last may have none. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * The line ending used throughout `text`: "\r\n" or "\n" when every line break is of that kind,
 * "mixed" when both occur, "none" when there is no line break at all.
 */
export function lineEndingStyle(text: string): LineEnding | "mixed" | "none" {
  const breaks = (text.match(/\n/g) ?? []).length;
  if (breaks === 0) return "none";
  const crlf = (text.match(/\r\n/g) ?? []).length;
  if (crlf === 0) return "\n";
  return crlf === breaks ? "\r\n" : "mixed";
}

/**
 * Rewrites `text` to use `eol`, but only when `text` itself uses one consistent other ending:
 * a file with mixed endings is returned as it is, so nothing is guessed.
 */
export function adoptLineEnding(text: string, eol: LineEnding): string {
  const style = lineEndingStyle(text);
  if (style === eol || style === "mixed" || style === "none") return text;
  return eol === "\r\n" ? text.replace(/\n/g, "\r\n") : text.replace(/\r\n/g, "\n");
}

/** The line without its terminator. */
export function stripLineEnding(line: string): string {
  return line.replace(/\r?\n$/, "");
}
