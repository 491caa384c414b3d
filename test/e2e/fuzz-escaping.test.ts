// Fuzzes every free-text answer through the real templates: for each of >= 1000 seeded
// hostile strings per field, either validation refuses it with a message naming the flag,
// or the generated files compile and Python (ast.literal_eval, tomllib) reads back exactly
// the string that went in. Every refusal is explained (a reason per field, true of the string);
// every variant's Python is clean under ruff check and ruff format --check.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptValue } from "../../src/options/resolve.js";
import { optionSchema, type Answers } from "../../src/options/schema.js";
import type { OptionSpec } from "../../src/options/types.js";
import { renderProject } from "../../src/render/render.js";
import { loadTemplates, type TemplateSet } from "../../src/render/templates.js";
import { answersWith } from "../unit/answers.js";
import { run } from "./process.js";
import { REPO_ROOT, cacheRoot, ensureUv, findBasePython } from "./python-env.js";

const CASES_PER_FIELD = 1000;
const SEED = 20261125;
const META = { projectName: "fuzz", distributionName: "fuzz", generatorVersion: "0.0.0" };

/** mulberry32: a small seeded PRNG, so every run tries the same strings. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "'", '"', "'''", '"""', "\\", "\\\\", "\\n", "\n", "\r", "\r\n", "\t", "\0", "\x7f", "\x1b[31m",
  "\ud800", "\udfff", "\u200f", "\u202e", "\u2028", "\ufeff", "{{", "}}", "{{{x}}}", "${}", "${HOME}",
  "%s", "{0}", "f'{x}'", "😀", "👩‍💻", "é", "日本語", "#", "--", ";", "`", "$(rm -rf /)", "<script>",
  "\"; import os; os.system('x') #", "' + __import__('os').getcwd() + '", "\\x00", "\\u0041", " ",
  "word", "Assistant", "gpt-5.4-mini",
];

// Model names have a strict alphabet; weight the pieces so that many are valid.
const MODEL_NAME_PIECES = ["gpt", "-", "5.4", "/", ":", "@", "+", "=", "~", "_", "mini", "llama3.2", "anthropic/claude"];
const MODEL_PIECES = [...PIECES, ...Array.from({ length: 6 }, () => MODEL_NAME_PIECES).flat()];

function hostileString(random: () => number, pieces: readonly string[]): string {
  const pick = () => pieces[Math.floor(random() * pieces.length)] ?? "";
  if (random() < 0.02) return "x".repeat(10_000) + pick();
  const count = 1 + Math.floor(random() * 8);
  let text = "";
  for (let i = 0; i < count; i += 1) text += pick();
  return text;
}

/**
 * Why the CLI's validator (acceptValue, src/options) may refuse a value: the words its message
 * must contain, and what must then be true of the value. A refusal that matches none, or whose
 * condition does not hold, fails the test: every refusal is explained.
 */
interface Reason {
  name: string;
  message: RegExp;
  holds: (value: string) => boolean;
}

const length = (value: string) => [...value].length;
/** False for text with a lone surrogate: encodeURIComponent refuses what UTF-8 cannot hold. */
function encodes(value: string): boolean {
  try {
    encodeURIComponent(value);
    return true;
  } catch {
    return false;
  }
}
const EMPTY: Reason = { name: "empty", message: /\(got an empty value\)/, holds: (v) => v.trim() === "" };
const NOT_UNICODE: Reason = { name: "lone surrogate", message: /must be valid Unicode text/, holds: (v) => !encodes(v) };
const tooLong = (max: number): Reason => ({ name: `over ${max} characters`, message: /\(got \d+ characters\)/, holds: (v) => length(v) > max });

interface Field {
  id: keyof Answers;
  /** Where the value lands in generated files and how Python reads it back. */
  readBacks: { file: string; kind: "call_kw" | "class_default" | "file"; target: string }[];
  reasons: Reason[];
  pieces: readonly string[];
}

const FIELDS: Field[] = [
  {
    id: "agentName",
    readBacks: [{ file: "app/agent.py", kind: "call_kw", target: "name" }],
    reasons: [
      EMPTY,
      NOT_UNICODE,
      tooLong(100),
      { name: "line break or control character", message: /line break or control character/, holds: (v) => /[\p{Cc}\u2028\u2029]/u.test(v) },
    ],
    pieces: PIECES,
  },
  {
    id: "instructions",
    readBacks: [{ file: "app/instructions.md", kind: "file", target: "" }],
    reasons: [EMPTY, NOT_UNICODE, tooLong(20000)],
    pieces: PIECES,
  },
  {
    id: "model",
    readBacks: [{ file: "app/settings.py", kind: "class_default", target: "model" }],
    reasons: [
      EMPTY,
      NOT_UNICODE,
      tooLong(200),
      { name: "whitespace or control character", message: /no spaces or control characters \(got/, holds: (v) => /[\s\p{Cc}]/u.test(v) },
      { name: "outside the model-name alphabet", message: /must be a model name of/, holds: (v) => /[^A-Za-z0-9._:/@+=~-]/.test(v) },
    ],
    pieces: MODEL_PIECES,
  },
];

interface ReadBackCase {
  id: string;
  kind: string;
  source: string;
  target: string;
  expected: unknown;
}

let templates: TemplateSet;
let workDir: string;

beforeAll(async () => {
  templates = await loadTemplates(path.join(REPO_ROOT, "templates"));
  workDir = await mkdtemp(path.join(tmpdir(), "ccs-fuzz-"));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
}, 120_000); // thousands of small files

function sameContent(a: string | Uint8Array, b: string | Uint8Array | undefined): boolean {
  if (typeof a === "string" || typeof b === "string" || b === undefined) return a === b;
  return Buffer.from(a).equals(Buffer.from(b));
}

async function pythonReadBack(cases: ReadBackCase[]): Promise<{ id: string; error: string }[]> {
  const python = await findBasePython();
  const script = path.join(REPO_ROOT, "test/e2e/fixtures/read_back_literals.py");
  const result = await run(python, [script], { input: JSON.stringify(cases), timeoutMs: 120_000 });
  if (result.code !== 0) throw new Error(`read-back script failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as { id: string; error: string }[];
}

describe("user strings reach generated code only as data", () => {
  for (const field of FIELDS) {
    const spec = optionSchema.find((option) => option.id === field.id) as OptionSpec;
    it(
      `${spec.flag}: ${CASES_PER_FIELD} hostile strings are refused clearly or read back exactly`,
      async () => {
        const random = prng(SEED + field.id.length);
        const base = await answersWith();
        const baseline = renderProject(base, templates, META);
        const cases: ReadBackCase[] = [];
        const refusals = new Map<string, number>();
        // Every variant is ruff-checked: the baseline project once, and per accepted string each
        // Python file whose text differs from the baseline's, beside the baseline pyproject.toml.
        const dir = path.join(workDir, field.id);
        const variants: [string, string | Uint8Array][] = [...baseline]
          .filter(([file]) => file.endsWith(".py") || file === "pyproject.toml")
          .map(([file, source]) => [path.join("baseline", file), source]);
        let changedPython = 0;

        for (let n = 0; n < CASES_PER_FIELD; n += 1) {
          const value = hostileString(random, field.pieces);
          const accepted = acceptValue(spec, value, base);
          if (!accepted.ok) {
            // A refusal names the flag and says why, and the reason is true of the string.
            expect(accepted.error).toContain(spec.flag);
            const reason = field.reasons.find((candidate) => candidate.message.test(accepted.error));
            expect(reason?.name, `an unexplained refusal of ${JSON.stringify(value.slice(0, 80))}: ${accepted.error}`).toBeDefined();
            expect(reason?.holds(value), `refused as "${reason?.name}": ${JSON.stringify(value.slice(0, 80))}`).toBe(true);
            refusals.set(reason?.name ?? "", (refusals.get(reason?.name ?? "") ?? 0) + 1);
            continue;
          }
          expect(accepted.value).toBe(value);
          const files = renderProject({ ...base, [field.id]: value } as Answers, templates, META);
          for (const readBack of field.readBacks) {
            const source = files.get(readBack.file);
            if (typeof source !== "string") throw new Error(`${readBack.file} was not rendered`);
            const id = `${field.id}#${n}:${readBack.file}`;
            cases.push({ id, kind: readBack.kind, source, target: readBack.target, expected: value });
          }
          for (const [file, source] of files) {
            if (!file.endsWith(".py") || sameContent(source, baseline.get(file))) continue;
            variants.push([path.join(`case-${n}`, file), source]);
            changedPython += 1;
          }
          if (variants.some(([file]) => file.startsWith(`case-${n}${path.sep}`))) {
            // With its package markers, so that ruff sorts imports as in the project (app is first-party).
            for (const [file, source] of baseline) {
              if (file === "pyproject.toml" || file.endsWith("__init__.py")) variants.push([path.join(`case-${n}`, file), source]);
            }
          }
        }

        // Every accepted string reads back exactly (no share of refusals is enough).
        const failures = await pythonReadBack(cases);
        expect(failures.slice(0, 5), `${failures.length} of ${cases.length} read-backs differ`).toEqual([]);
        expect(cases.length / field.readBacks.length + [...refusals.values()].reduce((a, b) => a + b, 0)).toBe(CASES_PER_FIELD);

        for (const [file, source] of variants) {
          await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
          await writeFile(path.join(dir, file), source);
        }
        const uv = await ensureUv();
        const options = {
          env: { ...process.env, UV_CACHE_DIR: path.join(cacheRoot(), "uv-cache"), UV_PYTHON_DOWNLOADS: "never" },
          timeoutMs: 10 * 60_000,
        };
        for (const command of [["check", "--no-cache", "--quiet"], ["format", "--check", "--no-cache", "--quiet"]]) {
          const ruff = await run(uv, ["tool", "run", "--from", "ruff>=0.8,<1", "ruff", ...command, dir], options);
          if (ruff.code !== 0) console.error(`ruff ${command[0]}:\n${ruff.stdout}${ruff.stderr}`.slice(0, 4000));
          expect(ruff.code, `ruff ${command[0]} (output above)`).toBe(0);
        }
        const why = [...refusals].map(([name, count]) => `${count} ${name}`).join(", ") || "none";
        console.log(
          `${spec.flag}: ${cases.length} read back exactly, refused: ${why}; ruff on the baseline and ${changedPython} changed Python files`,
        );
      },
      15 * 60_000,
    );
  }
});
