// Makes a user edit that is sure to clash with a settings change, whatever the templates say:
// finds the first line of a generated file that the change rewrites and edits that line on disk.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readBaseRecord } from "../../../src/base-record/record.js";
import { asText } from "../../../src/bytes.js";
import type { Answers } from "../../../src/options/schema.js";
import { PACKAGE_VERSION } from "../../../src/package-info.js";
import { readProjectConfig } from "../../../src/project-config.js";
import { loadTemplates } from "../../../src/render/templates.js";
import { renderForUpdate } from "../../../src/update/update-project.js";

const TEMPLATES_DIR = fileURLToPath(new URL("../../../templates/", import.meta.url));

export interface Clash {
  path: string;
  /** The line as generated before, as the user made it, and as the change generates it (no line break). */
  before: string;
  mine: string;
  generated: string;
}

/** The project's files as its .chatkit-server.json (plus `change`) renders them now. */
export async function renderNow(dir: string, change: Partial<Answers> = {}) {
  const config = await readProjectConfig(dir);
  const base = await readBaseRecord(dir, ".");
  const answers = { ...(config?.answers as Answers), ...change };
  return { base, render: renderForUpdate(base, answers, await loadTemplates(TEMPLATES_DIR), PACKAGE_VERSION) };
}

/** The first generated line (app/ first) that `change` rewrites: its file, index and both versions. */
export async function findChangedLine(dir: string, change: Partial<Answers>) {
  const { base, render } = await renderNow(dir, change);
  const paths = [...base.files.keys()].sort((a, b) => Number(!a.startsWith("app/")) - Number(!b.startsWith("app/")) || (a < b ? -1 : 1));
  for (const path of paths) {
    const old = (asText(base.files.get(path) as Uint8Array) ?? "").split("\n");
    const now = render.get(path);
    if (typeof now !== "string") continue;
    const next = now.split("\n");
    if (old.length !== next.length) continue;
    const index = old.findIndex((line, i) => line !== next[i]);
    if (index >= 0) return { path, index, before: old[index] as string, generated: next[index] as string, newText: now };
  }
  throw new Error(`no generated line changes with ${JSON.stringify(change)}`);
}

export async function makeClash(dir: string, change: Partial<Answers>): Promise<Clash> {
  const { path, index, before, generated } = await findChangedLine(dir, change);
  const mine = `${before}  # mine`;
  const lines = (await readFile(join(dir, path), "utf8")).split("\n");
  lines[index] = mine;
  await writeFile(join(dir, path), lines.join("\n"));
  return { path, before, mine, generated };
}
