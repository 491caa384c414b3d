/** Which editor a long-text prompt would open, named the way the prompt offers it. */

export interface EditorChoice {
  /** The program, e.g. "vim" or "code" (from "code --wait"). */
  name: string;
  /** Where it comes from, for the choice's label. */
  source: "$VISUAL" | "$EDITOR" | "default";
}

/** As the prompt library decides: $VISUAL, else $EDITOR, else notepad on Windows and vim elsewhere. */
export function editorChoice(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform): EditorChoice {
  const fromEnv = (["VISUAL", "EDITOR"] as const).find((name) => (env[name] ?? "") !== "");
  const command = fromEnv === undefined ? (platform === "win32" ? "notepad" : "vim") : (env[fromEnv] ?? "");
  const program = command.trim().split(/\s+/)[0] ?? command;
  return { name: program.split(/[\\/]/).pop() || program, source: fromEnv === undefined ? "default" : `$${fromEnv}` };
}

/** The label of the "write them in an editor" choice. */
export function editorLabel(editor: EditorChoice): string {
  const why = editor.source === "default" ? "$VISUAL and $EDITOR are unset" : `from ${editor.source}`;
  return `Write them in ${editor.name} (${why}; for several lines)`;
}
