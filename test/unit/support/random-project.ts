// Seeded random answers and random user edits, shared by the in-memory property test and the
// disk runs through the binary (so both can replay the same case).
import { checkValue } from "../../../src/options/resolve.js";
import { optionSchema, type Answers } from "../../../src/options/schema.js";
import type { AnswerValue, OptionSpec } from "../../../src/options/types.js";

/** mulberry32: a small, fast, seedable PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
export const chance = (rng: Rng, p: number) => rng() < p;

/** Extra valid text values by option id; any option gets its default too. */
const STRING_POOLS: Record<string, string[]> = {
  agentName: ["Assistant", "Helper", "Bot Ω"],
  instructions: ["You are a helpful assistant. Answer concisely.", "Be brief.\nUse lists.", 'Say "hi" \\ and {{ braces }}'],
  model: ["gpt-5.4-mini", "gpt-x", "gemini/gemini-2.5-flash"],
  databaseUrl: ["postgresql://app@db:5432/chat"],
  userHeader: ["X-User-Id", "X-Forwarded-User"],
  baseUrl: ["http://localhost:8000/v1"],
  apiKeyEnv: ["OPENAI_API_KEY", "MY_KEY"],
};
const NUMBERS: AnswerValue[] = [null, 0, 0.7, 1, 2, 7, 50, 1000, 4096];

function defaultFor(spec: OptionSpec, answers: Record<string, AnswerValue>): AnswerValue | undefined {
  return typeof spec.default === "function" ? spec.default(answers) : spec.default;
}

function candidates(spec: OptionSpec, answers: Record<string, AnswerValue>): AnswerValue[] {
  const values: AnswerValue[] = [];
  const fallback = defaultFor(spec, answers);
  if (fallback !== undefined) values.push(fallback);
  const choices = spec.choices?.map((c) => c.value) ?? [];
  // Single choices, "none", and every pair (for comma-separated choice sets); invalid ones are filtered out.
  values.push(...choices, "none", ...choices.flatMap((a) => choices.filter((b) => b !== a).map((b) => `${a},${b}`)));
  values.push(...(STRING_POOLS[spec.id] ?? []), ...NUMBERS, true, false);
  return [...new Set(values)].filter((v) => checkValue(spec, v, answers).ok);
}

/**
 * Valid random answers, only enabled choices. Options that do not apply keep `previous`'s
 * value (an update keeps the recorded answer) or take the default (a new project), as
 * answer resolution does; with `previous`, each applicable option changes with probability `p`.
 */
export function randomAnswers(rng: Rng, previous?: Answers, p = 0.35): Answers {
  const answers: Record<string, AnswerValue> = {};
  for (const spec of optionSchema as readonly OptionSpec[]) {
    const applies = spec.when?.applies(answers) ?? true;
    const kept = previous?.[spec.id as keyof Answers] as AnswerValue | undefined;
    let value: AnswerValue | undefined;
    if (!applies) value = kept ?? defaultFor(spec, answers);
    else if (kept !== undefined && checkValue(spec, kept, answers).ok && !chance(rng, p)) value = kept;
    else value = pick(rng, candidates(spec, answers));
    if (value === undefined) throw new Error(`no value for ${spec.id}`);
    answers[spec.id] = value;
  }
  return answers as Answers;
}

/** Command-line flags that give `answers` (only options that apply; the rest come from the record or defaults). */
export function flagsFor(answers: Answers): string[] {
  const flags: string[] = [];
  const so_far: Record<string, AnswerValue> = {};
  for (const spec of optionSchema as readonly OptionSpec[]) {
    const value = answers[spec.id as keyof Answers] as AnswerValue;
    if (spec.when?.applies(so_far) ?? true) {
      if (typeof value === "boolean") flags.push(value ? spec.flag : `--no-${spec.flag.slice(2)}`);
      else flags.push(spec.flag, value === null ? "" : String(value));
    }
    so_far[spec.id] = value;
  }
  return flags;
}

export const USER_MARK = "\u00abuser";

export interface EditLog {
  /** Paths of files the edits deleted. */
  deleted: string[];
  /** Paths of files the edits created. */
  created: string[];
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * Random user edits on an in-memory project: insert, delete and change lines, convert a file
 * to CRLF, drop a final newline, add files, delete files. Lines the user writes contain
 * USER_MARK and are unique. `editable` are the paths the edits may touch.
 */
export function randomEdits(rng: Rng, files: Map<string, Uint8Array>, editable: readonly string[], tag: string): EditLog {
  const log: EditLog = { deleted: [], created: [] };
  const count = Math.floor(rng() * 7);
  let n = 0;
  const userLine = () => `# ${USER_MARK} ${tag}-${n++}\u00bb`;
  for (let i = 0; i < count; i++) {
    const present = editable.filter((p) => files.has(p));
    const kind = pick(rng, ["insert", "insert", "change", "change", "delete", "crlf", "no-final-newline", "new-file", "delete-file"] as const);
    if (kind === "new-file") {
      const path = `notes/${tag}-${n}.txt`;
      files.set(path, enc.encode(`${userLine()}\n${userLine()}\n`));
      log.created.push(path);
      continue;
    }
    if (present.length === 0) continue;
    const path = pick(rng, present);
    if (kind === "delete-file") {
      files.delete(path);
      log.deleted.push(path);
      continue;
    }
    const text = dec.decode(files.get(path));
    const eol = text.includes("\r\n") ? "\r\n" : "\n";
    const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
    const at = Math.floor(rng() * (lines.length + 1));
    if (kind === "insert") lines.splice(at, 0, `${userLine()}${eol}`);
    else if (kind === "change" && at < lines.length) lines[at] = `${userLine()}${lines[at]?.endsWith("\n") ? eol : ""}`;
    else if (kind === "delete" && at < lines.length) lines.splice(at, 1);
    let next = lines.join("");
    if (kind === "crlf") next = next.replace(/\r?\n/g, "\r\n");
    if (kind === "no-final-newline") next = next.replace(/\r?\n$/, "");
    files.set(path, enc.encode(next));
  }
  return log;
}
