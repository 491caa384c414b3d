// Randomised, seeded and reproducible: generate with random answers, apply random user edits,
// update with other random answers, all in memory on the real templates/. Set
// UPDATE_PROPERTY_SEED / UPDATE_PROPERTY_CASES to replay or widen a run.
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE_RECORD_FILE, isTracked } from "../../src/base-record/record.js";
import { isUserOwned } from "../../src/base-record/user-owned.js";
import { asText, sameBytes, toBytes } from "../../src/bytes.js";
import { hasConflictMarkers, parseConflicts } from "../../src/merge/conflict-markers.js";
import { splitLines, stripLineEnding } from "../../src/merge/lines.js";
import type { Answers } from "../../src/options/schema.js";
import { loadTemplates } from "../../src/render/templates.js";
import { changesDisk } from "../../src/update/plan-update.js";
import { InMemoryGenerator } from "./support/in-memory-project.js";
import { USER_MARK, chance, pick, prng, randomAnswers, randomEdits } from "./support/random-project.js";

const SEED = Number(process.env.UPDATE_PROPERTY_SEED ?? 20260525);
const CASES = Number(process.env.UPDATE_PROPERTY_CASES ?? 300);
const TEMPLATES_DIR = fileURLToPath(new URL("../../templates/", import.meta.url));

let generator: InMemoryGenerator;
beforeAll(async () => {
  generator = new InMemoryGenerator(await loadTemplates(TEMPLATES_DIR), "prop-bot");
});
const generate = (answers: Answers) => generator.generate(answers);
const update = (files: Map<string, Uint8Array>, answers: Answers) => generator.update(files, answers);

const lineSet = (bytes: Uint8Array | undefined) => new Set(splitLines(asText(bytes ?? new Uint8Array()) ?? "").map(stripLineEnding));
const userLines = (bytes: Uint8Array) => [...lineSet(bytes)].filter((l) => l.includes(USER_MARK));

interface Stats {
  cases: number;
  conflicts: number;
  merges: number;
  settingChanges: number;
  actions: Record<string, number>;
}

function runCase(seed: number, stats: Stats): void {
  const rng = prng(seed);
  const first = randomAnswers(rng);
  const { files: generated, record } = generate(first);
  const disk = new Map(generated);
  const editable = [...record.files.keys()];
  const edits = randomEdits(rng, disk, editable, `s${seed}`);

  const second = chance(rng, 0.15) ? first : randomAnswers(rng, first);
  // Sometimes the user already has a file where the new render adds one.
  const added = [...generator.render(second).keys()].filter((p) => !record.files.has(p) && isTracked(p) && !isUserOwned(p));
  if (added.length > 0 && chance(rng, 0.3)) {
    const path = pick(rng, added);
    const generatedLines = (asText(toBytes(generator.render(second).get(path) as string | Uint8Array)) ?? "").split("\n");
    disk.set(path, toBytes(`${generatedLines.slice(0, 3).join("\n")}\n# ${USER_MARK} s${seed}-own\u00bb\n`));
    edits.created.push(path);
  }

  // 1. With no setting changed, update writes nothing.
  expect(update(disk, first).ops, "no-op update").toEqual([]);

  const { render, plan, after } = update(disk, second);
  stats.cases++;
  if (JSON.stringify(first) !== JSON.stringify(second)) stats.settingChanges++;

  for (const change of plan.changes) {
    stats.actions[change.action] = (stats.actions[change.action] ?? 0) + 1;
    const ours = disk.get(change.path);
    // 2. Every line the user wrote is still in the file (inside or outside a conflict block),
    //    and a file the user edited is never removed.
    if (ours !== undefined) {
      if (!sameBytes(ours, record.files.get(change.path))) expect(after.has(change.path), `${change.path} removed although edited`).toBe(true);
      const result = lineSet(after.get(change.path));
      expect(userLines(ours).filter((line) => !result.has(line)), `${change.path} lost user lines`).toEqual([]);
    }
    // 3. Outside conflict blocks, every line comes from the user's file or the new render;
    //    a block's "yours" section holds the user's lines.
    if ((change.action === "merge" || change.action === "conflict") && !change.generatedCopy) {
      stats.merges++;
      if (change.action === "conflict") stats.conflicts++;
      const parsed = parseConflicts(asText(change.after as Uint8Array) ?? "");
      expect(parsed, `${change.path} has well-formed markers`).toBeDefined();
      expect(parsed?.conflicts.length ?? 0).toBe(change.conflicts);
      const mine = lineSet(ours);
      const sides = new Set([...mine, ...lineSet(toBytes(render.get(change.path) as string | Uint8Array))]);
      const strays = (parsed?.outside ?? []).map(stripLineEnding).filter((line) => !sides.has(line));
      expect(strays, `${change.path}: lines outside conflicts from neither side`).toEqual([]);
      const notMine = (parsed?.conflicts ?? []).flatMap((b) => b.ours.map(stripLineEnding)).filter((line) => !mine.has(line));
      expect(notMine, `${change.path}: "yours" sections hold lines the user does not have`).toEqual([]);
    }
  }
  for (const [path, bytes] of disk) {
    if (!isTracked(path) || isUserOwned(path)) {
      // 4. Files that are not generated, and files the user owns, are never touched.
      if (path !== BASE_RECORD_FILE && path !== ".chatkit-server.json") expect(sameBytes(after.get(path), bytes), `${path} touched`).toBe(true);
      continue;
    }
    const previous = record.files.get(path);
    const next = render.get(path);
    // 5. Untouched files become the new render (or go away); edited files the render did not change stay as they are.
    if (previous !== undefined && sameBytes(bytes, previous)) {
      expect(sameBytes(after.get(path), next === undefined ? undefined : toBytes(next)), `untouched ${path} is the new render`).toBe(true);
    } else if (previous !== undefined && next !== undefined && sameBytes(toBytes(next), previous)) {
      expect(sameBytes(after.get(path), bytes), `edited ${path} kept as it is`).toBe(true);
    }
  }
  // 6. Files the user deleted stay deleted; files the user created are kept as they are.
  for (const path of edits.deleted) expect(after.has(path), `deleted ${path}`).toBe(false);
  for (const path of edits.created) {
    if (!render.has(path)) expect(sameBytes(after.get(path), disk.get(path)), `created ${path} kept`).toBe(true);
  }

  // 7. A second update with the same answers writes nothing (also after conflicts).
  const again = update(after, second);
  expect(again.ops.map((op) => op.path), "second update").toEqual([]);
  // 8. Without conflicts, the result is what check accepts: nothing to change, no markers, record current.
  if (!plan.changes.some((c) => c.action === "conflict")) {
    expect(again.plan.changes.filter(changesDisk)).toEqual([]);
    expect(again.plan.recordChanged).toBe(false);
    for (const [path, bytes] of after) {
      if (isTracked(path)) expect(hasConflictMarkers(asText(bytes) ?? ""), path).toBe(false);
    }
  }
}

describe("update, randomised (in memory, real templates)", () => {
  it(`keeps every user edit and converges, over ${CASES} seeded cases (seed ${SEED})`, () => {
    const stats: Stats = { cases: 0, conflicts: 0, merges: 0, settingChanges: 0, actions: {} };
    for (let i = 0; i < CASES; i++) {
      const seed = SEED + i;
      try {
        runCase(seed, stats);
      } catch (error) {
        (error as Error).message = `case seed ${seed} (replay with UPDATE_PROPERTY_SEED=${seed} UPDATE_PROPERTY_CASES=1): ${(error as Error).message}`;
        throw error;
      }
    }
    // The generator must actually exercise merges and conflicts, or the properties prove little.
    expect(stats.cases).toBe(CASES);
    expect(stats.settingChanges).toBeGreaterThan(CASES / 2);
    expect(stats.merges).toBeGreaterThan(CASES / 10);
    expect(stats.conflicts).toBeGreaterThan(0);
    for (const action of ["create", "update", "merge", "conflict", "keep", "deleted", "remove", "orphan"]) {
      expect(stats.actions[action] ?? 0, `cases with "${action}"`).toBeGreaterThan(0);
    }
    console.log(`update property: ${JSON.stringify(stats)}`);
  }, 60_000);
});
