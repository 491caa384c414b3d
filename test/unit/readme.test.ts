// The repository README's Quick start, as a new user runs it from the checkout.
import { readFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const README = readFileSync(resolve(ROOT, "README.md"), "utf8");
const quickStart = README.split("## Quick start")[1]?.split("\n## ")[0] ?? "";
const scripts = (JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

describe("README Quick start", () => {
  it("generates outside the checkout", () => {
    const command = /node bin\/create-chatkit-server\.js (\S+)/.exec(quickStart);
    expect(command, "the generate command").not.toBeNull();
    const from = relative(ROOT, resolve(ROOT, command?.[1] ?? ""));
    expect(from.startsWith("..") || isAbsolute(from), `${command?.[1]} is inside the checkout`).toBe(true);
  });

  it("names `npm run test:unit` as the quick suite and `npm test` as the full one", () => {
    expect(scripts["test:unit"]).toBe("vitest run test/unit");
    expect(quickStart).toContain("npm run test:unit");
    expect(quickStart).toMatch(/`npm test` is the full end-to-end suite/);
  });
});
