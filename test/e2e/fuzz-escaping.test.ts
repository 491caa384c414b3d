// Fuzzes every free-text answer through the real templates: for each of >= 1000 seeded
// hostile strings per field, either validation refuses it with a message naming the flag,
// or the generated files compile and Python (ast.literal_eval, tomllib) reads back exactly
// the string that went in. The generated Python files are also ruff-format stable.
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

interface Field {
  id: keyof Answers;
  /** Where the value lands in generated files and how Python reads it back. */
  readBacks: { file: string; kind: "call_kw" | "class_default" | "file"; target: string }[];
  /** Share of the strings that must get through validation for the run to prove anything. */
  minAccepted: number;
  pieces: readonly string[];
}

const FIELDS: Field[] = [
  { id: "agentName", readBacks: [{ file: "app/agent.py", kind: "call_kw", target: "name" }], minAccepted: 0.25, pieces: PIECES },
  { id: "instructions", readBacks: [{ file: "app/instructions.md", kind: "file", target: "" }], minAccepted: 0.5, pieces: PIECES },
  {
    id: "model",
    readBacks: [{ file: "app/settings.py", kind: "class_default", target: "model" }],
    minAccepted: 0.1,
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
});

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
        const cases: ReadBackCase[] = [];
        const pythonFiles: [string, string][] = [];
        let refused = 0;

        for (let n = 0; n < CASES_PER_FIELD; n += 1) {
          const value = hostileString(random, field.pieces);
          const accepted = acceptValue(spec, value, base);
          if (!accepted.ok) {
            // A refusal must say which flag and what it accepts.
            expect(accepted.error).toContain(spec.flag);
            refused += 1;
            continue;
          }
          expect(accepted.value).toBe(value);
          const files = renderProject({ ...base, [field.id]: value } as Answers, templates, META);
          for (const readBack of field.readBacks) {
            const source = files.get(readBack.file);
            if (typeof source !== "string") throw new Error(`${readBack.file} was not rendered`);
            const id = `${field.id}#${n}:${readBack.file}`;
            cases.push({ id, kind: readBack.kind, source, target: readBack.target, expected: value });
            if (readBack.file.endsWith(".py")) pythonFiles.push([`${field.id}-${n}-${path.basename(readBack.file)}`, source]);
          }
        }

        const failures = await pythonReadBack(cases);
        expect(failures.slice(0, 5)).toEqual([]);
        // Most strings must really go through; a field that refused everything proves nothing.
        expect(cases.length).toBeGreaterThan(CASES_PER_FIELD * field.minAccepted);

        const dir = path.join(workDir, field.id);
        await mkdir(dir, { recursive: true });
        await Promise.all(pythonFiles.map(([name, source]) => writeFile(path.join(dir, name), source)));
        if (pythonFiles.length === 0) return;
        const uv = await ensureUv();
        const format = await run(uv, ["tool", "run", "--from", "ruff>=0.8,<1", "ruff", "format", "--check", "--quiet", dir], {
          env: { ...process.env, UV_CACHE_DIR: path.join(cacheRoot(), "uv-cache"), UV_PYTHON_DOWNLOADS: "never" },
          timeoutMs: 10 * 60_000,
        });
        expect(format.code, `ruff format --check:\n${format.stdout}${format.stderr}`.slice(0, 4000)).toBe(0);
        console.log(`${spec.flag}: ${cases.length} read back, ${refused} refused`);
      },
      15 * 60_000,
    );
  }
});
