// planUpdate's classification, row by row, on in-memory maps.
import { describe, expect, it } from "vitest";
import { USER_OWNED_FILES } from "../../src/base-record/user-owned.js";
import { labelsFor, parseConflicts } from "../../src/merge/conflict-markers.js";
import { PROJECT_CONFIG_FILE } from "../../src/project-config.js";
import { changesDisk, planUpdate, type FileChange } from "../../src/update/plan-update.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) => (data === undefined ? undefined : new TextDecoder().decode(data));
const LABELS = labelsFor("1.0.0", "1.1.0");
const OWNED = USER_OWNED_FILES[0] as string;

function plan(files: { base?: Record<string, string>; render?: Record<string, string>; disk?: Record<string, string>; userOwned?: string[] }) {
  const toMap = (r: Record<string, string> = {}) => new Map(Object.entries(r).map(([k, v]) => [k, bytes(v)]));
  const render = new Map<string, string>(Object.entries({ [PROJECT_CONFIG_FILE]: "{}\n", ...files.render }));
  const disk = toMap({ [PROJECT_CONFIG_FILE]: "{}\n", ...files.disk });
  const changes = planUpdate({ base: { files: toMap(files.base), userOwned: files.userOwned ?? [] }, render, disk, labels: LABELS });
  const byPath = new Map(changes.map((c) => [c.path, c]));
  return { changes, get: (path: string) => byPath.get(path) };
}

const row = (change: FileChange | undefined) => change && { action: change.action, after: text(change.after), writes: changesDisk(change) };

describe("planUpdate", () => {
  it("new in the render: created when absent, adopted when identical, a conflict over a user file", () => {
    const p = plan({ render: { "a.py": "new\n", "b.py": "same\n", "c.py": "one\ngenerated\n" }, disk: { "b.py": "same\n", "c.py": "one\nmine\n" } });
    expect(row(p.get("a.py"))).toEqual({ action: "create", after: "new\n", writes: true });
    expect(row(p.get("b.py"))).toEqual({ action: "unchanged", after: "same\n", writes: false });
    const conflict = p.get("c.py");
    expect(conflict?.action).toBe("conflict");
    expect(parseConflicts(text(conflict?.after) ?? "")?.conflicts[0]).toMatchObject({ ours: ["mine\n"], theirs: ["generated\n"] });
  });

  it("untouched files take the new render; edited files are merged or left alone", () => {
    const p = plan({
      base: { "untouched.py": "v1\n", "same.py": "v1\n", "edited.py": "a\nb\nc\nd\n", "kept.py": "v1\n", "converged.py": "v1\n" },
      render: { "untouched.py": "v2\n", "same.py": "v1\n", "edited.py": "a\nB\nc\nd\n", "kept.py": "v1\n", "converged.py": "v2\n" },
      disk: { "untouched.py": "v1\n", "same.py": "v1\n", "edited.py": "a\nb\nc\nd\ne\n", "kept.py": "mine\n", "converged.py": "v2\n" },
    });
    expect(row(p.get("untouched.py"))).toEqual({ action: "update", after: "v2\n", writes: true });
    expect(row(p.get("same.py"))).toEqual({ action: "unchanged", after: "v1\n", writes: false });
    expect(row(p.get("edited.py"))).toEqual({ action: "merge", after: "a\nB\nc\nd\ne\n", writes: true });
    expect(row(p.get("kept.py"))).toEqual({ action: "keep", after: "mine\n", writes: false });
    expect(row(p.get("converged.py"))).toEqual({ action: "unchanged", after: "v2\n", writes: false });
  });

  it("a conflicting edit is written with markers and counted", () => {
    const p = plan({ base: { "f.py": "x = 1\n" }, render: { "f.py": "x = 2\n" }, disk: { "f.py": "x = 3\n" } });
    expect(p.get("f.py")?.action).toBe("conflict");
    expect(p.get("f.py")?.conflicts).toBe(1);
    expect(text(p.get("f.py")?.after)).toContain("<<<<<<< yours\nx = 3\n||||||| previously generated (v1.0.0)\nx = 1\n=======\nx = 2\n>>>>>>> generated (v1.1.0)\n");
  });

  it("a file the user deleted stays deleted, whether or not the render changed it", () => {
    const p = plan({ base: { "gone.py": "v1\n", "gone2.py": "v1\n" }, render: { "gone.py": "v1\n", "gone2.py": "v2\n" } });
    expect(row(p.get("gone.py"))).toEqual({ action: "deleted", after: undefined, writes: false });
    expect(row(p.get("gone2.py"))).toEqual({ action: "deleted", after: undefined, writes: false });
  });

  it("a file no longer generated is removed when untouched, kept when edited, ignored when already gone", () => {
    const p = plan({ base: { "old.py": "v1\n", "edited.py": "v1\n", "both.py": "v1\n" }, disk: { "old.py": "v1\n", "edited.py": "mine\n" } });
    expect(row(p.get("old.py"))).toEqual({ action: "remove", after: undefined, writes: true });
    expect(row(p.get("edited.py"))).toEqual({ action: "orphan", after: "mine\n", writes: false });
    expect(p.get("both.py")).toBeUndefined();
  });

  it("files that are not part of the base or the render are never looked at", () => {
    const p = plan({ disk: { "notes.txt": "mine\n" } });
    expect(p.changes.map((c) => c.path)).toEqual([PROJECT_CONFIG_FILE]);
  });

  it("always writes .chatkit-server.json from the new render", () => {
    const p = plan({ render: { [PROJECT_CONFIG_FILE]: '{"new": true}\n' }, disk: { [PROJECT_CONFIG_FILE]: '{"edited": true}\n' } });
    expect(row(p.get(PROJECT_CONFIG_FILE))).toEqual({ action: "update", after: '{"new": true}\n', writes: true });
  });

  it("user-owned files: created once when never handed over, then never touched", () => {
    expect(row(plan({ render: { [OWNED]: "starter\n" } }).get(OWNED))).toEqual({ action: "create", after: "starter\n", writes: true });
    // Handed over before: not recreated after the user deleted it, not changed when edited.
    expect(plan({ render: { [OWNED]: "starter v2\n" }, userOwned: [OWNED] }).get(OWNED)).toBeUndefined();
    expect(plan({ render: { [OWNED]: "starter v2\n" }, disk: { [OWNED]: "mine\n" }, userOwned: [OWNED] }).get(OWNED)).toBeUndefined();
    // A file of the user's at that path is theirs, even when never generated.
    expect(plan({ render: { [OWNED]: "starter\n" }, disk: { [OWNED]: "mine\n" } }).get(OWNED)).toBeUndefined();
    // Tracked by an older CLI, user-owned now: left alone too.
    expect(plan({ base: { [OWNED]: "v1\n" }, disk: { [OWNED]: "v1\n" } }).get(OWNED)).toBeUndefined();
  });

  it("a binary conflict keeps the user's file and writes the new render beside it", () => {
    const base = new Map([["logo.bin", new Uint8Array([0, 1])]]);
    const disk = new Map([
      ["logo.bin", new Uint8Array([0, 2])],
      [PROJECT_CONFIG_FILE, bytes("{}\n")],
    ]);
    const render = new Map<string, string | Uint8Array>([
      ["logo.bin", new Uint8Array([0, 3])],
      [PROJECT_CONFIG_FILE, "{}\n"],
    ]);
    const [change] = planUpdate({ base: { files: base, userOwned: [] }, render, disk, labels: LABELS }).filter((c) => c.path === "logo.bin");
    expect(change?.action).toBe("conflict");
    expect(change?.after).toEqual(new Uint8Array([0, 2]));
    expect(change?.generatedCopy).toEqual({ path: "logo.bin.generated", contents: new Uint8Array([0, 3]) });
    expect(change && changesDisk(change)).toBe(true);
  });
});
