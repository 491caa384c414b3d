import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pythonString, templateHelpers, tomlString } from "../../src/render/helpers.js";
import { createTemplateSet } from "../../src/render/compile-templates.js";
import type { TemplateContext } from "../../src/render/context.js";

const NASTY = [
  "",
  "plain",
  'He said "hi"',
  "it's",
  `both ' and "`,
  `two "double" and one ' single`,
  "'''triple single'''",
  '"""triple double"""',
  "trailing backslash\\",
  "\\",
  '\\"',
  "\\'",
  "\\x41 and \\N{BULLET} and \\u0041",
  "line1\nline2\r\nline3\ttab",
  "nul\u0000byte",
  "bell\u0007 esc\u001b[0m del\u007f c1\u0085\u009f",
  "lone high \uD800 here",
  "lone low \uDC00",
  "reversed pair \uDC00\uD800",
  "\uD800",
  "rtl mark \u200F and override \u202E",
  "emoji 😀👍🏽 and combining e\u0301",
  "line sep \u2028 para sep \u2029",
  "bom \uFEFF",
  "{{ handlebars }} and {{{ triple }}}",
  "# not a comment",
  "ünïcödé – “quotes” ‘single’",
];

/** Runs a Python program with `input` on stdin and returns its stdout parsed as JSON. */
function runPython(program: string, input: unknown): unknown {
  const stdout = execFileSync("python3", ["-c", program], { input: JSON.stringify(input), encoding: "utf8" });
  return JSON.parse(stdout);
}

describe("py helper", () => {
  it("round-trips nasty strings through Python source and ast.literal_eval", () => {
    const literals = NASTY.map(pythonString);
    // Written as a UTF-8 module file, exactly as a rendered template would be.
    const dir = mkdtempSync(join(tmpdir(), "py-helper-"));
    try {
      const module = join(dir, "values.py");
      writeFileSync(module, `VALUES = [\n${literals.map((l) => `    ${l},\n`).join("")}]\n`, "utf8");
      const program = `
import ast, json, sys
expected = json.load(sys.stdin)
source = open(sys.argv[1], encoding="utf-8").read()
namespace = {}
exec(compile(source, "values.py", "exec"), namespace)
as_module = namespace["VALUES"]
as_literal = ast.literal_eval(source.split("=", 1)[1])
bad = [i for i, e in enumerate(expected) if as_module[i] != e or as_literal[i] != e]
print(json.dumps({"count": len(as_module), "bad": bad}))
`;
      const stdout = execFileSync("python3", ["-c", program, module], { input: JSON.stringify(NASTY), encoding: "utf8" });
      expect(JSON.parse(stdout)).toEqual({ count: NASTY.length, bad: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prefers double quotes unless single quotes need fewer escapes (ruff format's rule)", () => {
    expect(pythonString("plain")).toBe('"plain"');
    expect(pythonString('He said "hi"')).toBe(`'He said "hi"'`);
    expect(pythonString("it's")).toBe(`"it's"`);
    expect(pythonString(`both ' and "`)).toBe(`"both ' and \\""`);
    expect(pythonString(`two "double" and one ' single`)).toBe(`'two "double" and one \\' single'`);
  });

  it("escapes control characters and lone surrogates, keeps other Unicode raw", () => {
    expect(pythonString("a\u0000b\u001bc\u007f")).toBe('"a\\x00b\\x1bc\\x7f"');
    expect(pythonString("\uD800x")).toBe('"\\ud800x"');
    expect(pythonString("\u200F😀")).toBe('"\u200F😀"');
    expect(pythonString("a\\b\n")).toBe('"a\\\\b\\n"');
  });
});

describe("toml helper", () => {
  it("round-trips through Python's tomllib", () => {
    const values = NASTY.filter((s) => !/[\uD800-\uDFFF]/u.test(s));
    const toml = values.map((v, i) => `k${i} = ${tomlString(v)}\n`).join("");
    const program = `
import json, sys, tomllib
data = json.load(sys.stdin)
parsed = tomllib.loads(data["toml"])
print(json.dumps([parsed[f"k{i}"] == v for i, v in enumerate(data["values"])]))
`;
    expect(runPython(program, { toml, values })).toEqual(values.map(() => true));
  });

  it("refuses lone surrogates, which TOML cannot hold", () => {
    expect(() => tomlString("a\uD800")).toThrow(/lone surrogate/);
  });
});

describe("json and eq helpers", () => {
  it("json is JSON.stringify", () => {
    expect(templateHelpers.json({ a: [1, "x\n"] })).toBe('{"a":[1,"x\\n"]}');
  });

  it("eq is strict equality", () => {
    expect(templateHelpers.eq("sqlite", "sqlite")).toBe(true);
    expect(templateHelpers.eq(1, "1")).toBe(false);
  });

  it("helpers work inside templates, unescaped (noEscape)", () => {
    const set = createTemplateSet({
      "t.hbs": '{{py name}}|{{toml name}}|{{json n}}|{{#if (eq name "<a & b>")}}yes{{/if}}',
    });
    const entry = set.entries.get("t.hbs");
    if (entry?.kind !== "handlebars") throw new Error("expected a handlebars entry");
    const context = { name: "<a & b>", n: 3 } as unknown as TemplateContext;
    expect(entry.render(context)).toBe('"<a & b>"|"<a & b>"|3|yes');
  });
});
