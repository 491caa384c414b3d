// The built CLI renders from templates precompiled at build time (dist/precompiled-templates.js);
// these tests hold it to rendering exactly what compiling templates/ renders, and to compiling
// instead whenever templates/ has changed since the build. `npm test` builds first; the loader
// is tsc's dist/render/templates.js, the source the bundle is made of.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderProject } from "../../src/render/render.js";
import { createTemplateSet } from "../../src/render/compile-templates.js";
import type * as TemplatesModule from "../../src/render/templates.js";
import { answersWith } from "./answers.js";

const TEMPLATES = fileURLToPath(new URL("../../templates/", import.meta.url));
const BUILT_TEMPLATES = fileURLToPath(new URL("../../dist/render/templates.js", import.meta.url));
const PRECOMPILED = new URL("../../dist/precompiled-templates.js", import.meta.url);
const META = { projectName: "bot", distributionName: "bot", generatorVersion: "0.0.0-test" };

let built: typeof TemplatesModule;
let work: string;
beforeAll(async () => {
  expect(existsSync(PRECOMPILED), "run `npm run build` first").toBe(true);
  built = (await import(pathToFileURL(BUILT_TEMPLATES).href)) as typeof TemplatesModule;
  work = await mkdtemp(join(tmpdir(), "precompiled-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Loads templates in a fresh node process with dist/; reports whether the Handlebars compiler loaded. */
async function loadInChild(dir: string): Promise<{ compilerLoaded: boolean; readme: string }> {
  const script = `
    import { createRequire } from "node:module";
    const { loadTemplates } = await import(${JSON.stringify(pathToFileURL(BUILT_TEMPLATES).href)});
    const set = await loadTemplates(${JSON.stringify(dir)}, new URL(${JSON.stringify(PRECOMPILED.href)}));
    const cjs = Object.keys(createRequire(import.meta.url).cache);
    const entry = set.entries.get("README.md.hbs");
    process.stdout.write(JSON.stringify({
      compilerLoaded: cjs.some((path) => /handlebars[\\\\/]compiler[\\\\/]/.test(path)),
      readme: entry.kind === "handlebars" ? "template" : "static",
    }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script]);
  return JSON.parse(stdout);
}

describe("precompiled templates", () => {
  it("were built from the templates/ of this checkout", async () => {
    const module = (await import(PRECOMPILED.href)) as { fingerprint: string };
    expect(module.fingerprint).toBe(built.templateFingerprint(await built.readTemplateFiles(TEMPLATES)));
  });

  it("render every file exactly as templates compiled from source do", async () => {
    const precompiled = await built.loadTemplates(TEMPLATES, PRECOMPILED);
    const compiled = createTemplateSet(await built.readTemplateFiles(TEMPLATES));
    const variants = [
      {},
      { store: "postgres", auth: "header", titles: "model", tools: "example" },
      { store: "memory", provider: "litellm", model: "gemini/gemini-2.5-flash", apiKeyEnv: "GEMINI_API_KEY" },
      { provider: "openai-compatible", baseUrl: "http://localhost:11434/v1", model: "llama3", temperature: 0.5, maxTokens: 300 },
    ] as const;
    for (const variant of variants) {
      const answers = await answersWith(variant);
      const fromPrecompiled = renderProject(answers, precompiled, META);
      expect(fromPrecompiled, JSON.stringify(variant)).toEqual(renderProject(answers, compiled, META));
    }
  });

  it("are what the built loader uses, without loading the Handlebars compiler", async () => {
    expect(await loadInChild(TEMPLATES)).toEqual({ compilerLoaded: false, readme: "template" });
  });

  it("are set aside when templates/ changed since the build: those are compiled as they are", async () => {
    const edited = join(work, "templates");
    await cp(TEMPLATES, edited, { recursive: true });
    const readme = join(edited, "README.md.hbs");
    await writeFile(readme, `${await readFile(readme, "utf8")}\nEdited after the build: {{projectName}}.\n`);
    expect(await loadInChild(edited)).toEqual({ compilerLoaded: true, readme: "template" });

    const files = renderProject(await answersWith(), await built.loadTemplates(edited, PRECOMPILED), META);
    expect(files.get("README.md")).toContain("Edited after the build: bot.");
  });
});
