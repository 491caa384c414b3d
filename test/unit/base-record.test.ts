import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { BaseRecordError, baseRecordFor, decodeBaseRecord, encodeBaseRecord, sameBaseRecord } from "../../src/base-record/record.js";
import { USER_OWNED_FILES } from "../../src/base-record/user-owned.js";
import { PROJECT_CONFIG_FILE } from "../../src/project-config.js";

const OWNED = USER_OWNED_FILES[0] as string;
const record = baseRecordFor({
  files: new Map<string, string | Uint8Array>([
    ["b.py", "text é ✓\r\nno final newline"],
    ["a/logo.bin", new Uint8Array([0, 159, 146, 150])],
    [PROJECT_CONFIG_FILE, "{}\n"],
    [OWNED, "starter\n"],
  ]),
  answers: { store: "sqlite", historyLimit: 5 },
  project: { name: "My Bot", distributionName: "my-bot" },
  generatorVersion: "1.2.3",
});

function decodeError(data: Uint8Array): string {
  try {
    decodeBaseRecord(data, "bot");
  } catch (error) {
    if (error instanceof BaseRecordError) return error.message;
    throw error;
  }
  throw new Error("expected a BaseRecordError");
}

describe("base record", () => {
  it("keeps every tracked file byte for byte, but not the config or user-owned files (only their paths)", () => {
    expect([...record.files.keys()]).toEqual(["a/logo.bin", "b.py"]);
    expect(record.userOwned).toEqual([OWNED]);
    const decoded = decodeBaseRecord(encodeBaseRecord(record), "bot");
    expect(decoded).toEqual(record);
    expect(sameBaseRecord(decoded, record)).toBe(true);
  });

  it("compares content, so re-encoding never counts as a change", () => {
    const other = baseRecordFor({ files: new Map([["b.py", "changed"]]), answers: {}, project: record.project, generatorVersion: "1.2.3" });
    expect(sameBaseRecord(record, other)).toBe(false);
  });

  it("a damaged record is a clear error with the way forward", () => {
    const bytes = encodeBaseRecord(record);
    const flipped = new Uint8Array(bytes);
    flipped[20] = (flipped[20] as number) ^ 0xff;
    for (const message of [decodeError(flipped), decodeError(bytes.slice(0, 30)), decodeError(new TextEncoder().encode("{}"))]) {
      expect(message).toMatch(/^\.chatkit-server\/base\.json\.gz is damaged: it is not gzip-compressed JSON/);
      expect(message).toContain("git checkout -- .chatkit-server/base.json.gz");
      expect(message).toContain("create-chatkit-server update bot --reset-base");
    }
    const json = (value: unknown) => new Uint8Array(gzipSync(JSON.stringify(value)));
    const valid = JSON.parse(gunzipSync(bytes).toString()) as Record<string, unknown>;
    expect(decodeError(json({ ...valid, format: 2 }))).toContain("unknown format 2");
    expect(decodeError(json({ ...valid, files: { "../escape.py": "x" } }))).toContain('invalid path "../escape.py"');
    expect(decodeError(json({ ...valid, files: { "a.py": 1 } }))).toContain('"files" must map paths to text');
  });
});
