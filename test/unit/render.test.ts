import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Feature } from "../../src/features/types.js";
import { optionSchema, type Answers } from "../../src/options/schema.js";
import { installSteps } from "../../src/post/install.js";
import { nextSteps } from "../../src/summary.js";
import { PROJECT_CONFIG_FILE, parseProjectConfig } from "../../src/project-config.js";
import { DOTFILE_RENAMES, outputPathFor, partialNameFor } from "../../src/render/paths.js";
import { renderProject } from "../../src/render/render.js";
import { createTemplateSet } from "../../src/render/compile-templates.js";
import { loadTemplates } from "../../src/render/templates.js";
import { answersWith } from "./answers.js";

// The sample templates below cover rendering rules, not attachments or rate limits: those are off here.
const ANSWERS: Answers = await answersWith({ agentName: "Bot", instructions: "Be nice.", attachments: "none", rateLimit: "none" });
const META = { projectName: "My Bot", distributionName: "my-bot", generatorVersion: "9.9.9" };
const BINARY = new Uint8Array([0, 255, 1, 0xfe, 0x80, 10, 13]);

/** A small template tree covering every rendering rule; no disk involved. */
function sampleTemplates() {
  return createTemplateSet({
    "_gitignore": ".venv/\n",
    "tests/test_titles.py": "# titles\n",
    "_env.example.hbs": "MODEL={{answers.model}}\n",
    "_private.py": "# leading underscore kept\n",
    "app/__init__.py": "",
    "app/_gitignore": "nested\n",
    "app/agent.py.hbs": "NAME = {{py answers.agentName}}\n{{> header}}\n",
    "app/store/sqlite.py": "# sqlite\n",
    "app/store/memory.py": "# memory\n",
    "tests/test_persistence.py": "# persistence\n",
    "app/no_attachments.py": "# attachments off\n",
    "tests/test_uploads_off.py": "# attachments off\n",
    "tests/test_dictation_off.py": "# dictation off\n",
    "workflow.yml": "run: echo ${{ github.sha }} {{not a template}}\n",
    "logo.bin": BINARY,
    "pyproject.toml.hbs":
      "name = {{toml distributionName}}\nrequires-python = \">={{python.minimum}}\"\ntarget = {{toml python.ruffTarget}}\n" +
      "{{#each dependencies.runtime}}{{requirement}}\n{{/each}}--\n{{#each dependencies.dev}}{{name}}\n{{/each}}",
    "_partials/header.hbs": "# {{projectName}} by {{generatorVersion}} ({{#if store.sqlite}}sqlite{{else}}other{{/if}})\n",
  });
}

const text = (files: Map<string, string | Uint8Array>, path: string) => {
  const content = files.get(path);
  if (typeof content !== "string") throw new Error(`${path} is not a rendered text file`);
  return content;
};

describe("renderProject", () => {
  it("is deterministic: two renders are identical, keys sorted", () => {
    const templates = sampleTemplates();
    const first = renderProject(ANSWERS, templates, META);
    const second = renderProject(ANSWERS, templates, META);
    expect([...first.entries()]).toEqual([...second.entries()]);
    expect([...first.keys()]).toEqual([...first.keys()].sort());
  });

  it("renames dotfiles by the one rename map, in any folder, and keeps other leading underscores", () => {
    const files = renderProject(ANSWERS, sampleTemplates(), META);
    expect(DOTFILE_RENAMES).toEqual({ _gitignore: ".gitignore", "_env.example": ".env.example", _dockerignore: ".dockerignore" });
    expect(files.has(".gitignore")).toBe(true);
    expect(files.has("app/.gitignore")).toBe(true);
    expect(text(files, ".env.example")).toBe("MODEL=gpt-5.4-mini\n");
    expect(files.has("_private.py")).toBe(true);
    expect([...files.keys()].some((p) => p.includes("_gitignore") || p.includes("_env.example"))).toBe(false);
  });

  it("renders .hbs files with the suffix dropped, partials included and not emitted", () => {
    const files = renderProject(ANSWERS, sampleTemplates(), META);
    expect(text(files, "app/agent.py")).toBe('NAME = "Bot"\n# My Bot by 9.9.9 (sqlite)\n');
    expect([...files.keys()].some((p) => p.endsWith(".hbs") || p.startsWith("_partials"))).toBe(false);
  });

  it("copies non-.hbs files byte for byte, `{{` included", () => {
    const files = renderProject(ANSWERS, sampleTemplates(), META);
    expect(files.get("logo.bin")).toEqual(BINARY);
    expect(new TextDecoder().decode(files.get("workflow.yml") as Uint8Array)).toBe(
      "run: echo ${{ github.sha }} {{not a template}}\n",
    );
  });

  it("fills python and dependency context; sqlite adds aiosqlite, memory does not", () => {
    const sqlite = text(renderProject(ANSWERS, sampleTemplates(), META), "pyproject.toml");
    expect(sqlite).toBe(
      [
        'name = "my-bot"',
        'requires-python = ">=3.11"',
        'target = "py311"',
        "aiosqlite>=0.20,<1",
        "fastapi>=0.115,<1",
        "openai-agents>=0.22,<0.25",
        "openai-chatkit>=1.6.5,<1.7",
        "pydantic-settings>=2.6,<3",
        "uvicorn[standard]>=0.31.1,<1",
        "--",
        "httpx",
        "hypothesis",
        "pytest",
        "pytest-asyncio",
        "ruff",
        "",
      ].join("\n"),
    );
    const memory = text(renderProject({ ...ANSWERS, store: "memory", python: "3.13" }, sampleTemplates(), META), "pyproject.toml");
    expect(memory).not.toContain("aiosqlite");
    expect(memory).toContain('target = "py313"');
  });

  it.each([
    ["sqlite", ["app/store/sqlite.py", "tests/test_persistence.py"], ["app/store/memory.py"]],
    ["memory", ["app/store/memory.py"], ["app/store/sqlite.py", "tests/test_persistence.py"]],
  ] as const)("store=%s renders only its own store files", (store, present, absent) => {
    const files = renderProject({ ...ANSWERS, store }, sampleTemplates(), META);
    for (const path of present) expect(files.has(path), path).toBe(true);
    for (const path of absent) expect(files.has(path), path).toBe(false);
    expect(files.has("app/__init__.py")).toBe(true); // unclaimed: always rendered
  });

  it("records every answer in .chatkit-server.json, readable by parseProjectConfig", () => {
    const files = renderProject(ANSWERS, sampleTemplates(), META);
    const content = text(files, PROJECT_CONFIG_FILE);
    expect(JSON.parse(content)).toEqual({
      generator: "create-chatkit-server",
      generatorVersion: "9.9.9",
      configVersion: 1,
      answers: ANSWERS,
    });
    expect(content.endsWith("}\n")).toBe(true);
    expect(parseProjectConfig(content, "x").answers).toEqual(ANSWERS);
  });

  it("fails with the template path when a template names a missing context key (strict mode)", () => {
    const templates = createTemplateSet({ "bad.txt.hbs": "{{answers.nope}}" });
    expect(() => renderProject(ANSWERS, templates, META)).toThrow(/bad\.txt\.hbs.*nope/s);
  });

  it("fails when a selected feature file has no template", () => {
    const templates = createTemplateSet({ "app/store/memory.py": "" });
    expect(() => renderProject(ANSWERS, templates, META)).toThrow("Feature file app/store/sqlite.py has no template");
  });

  it("applies features from the registry it is given (no feature-specific code in the renderer)", () => {
    const extra: Feature = {
      id: "extra",
      claims: ["extra.txt", "other.txt"],
      select: () => ({ files: ["extra.txt"], runtimeDependencies: [] }),
    };
    const templates = createTemplateSet({ "extra.txt": "x", "other.txt": "y", "always.txt": "z" });
    const files = renderProject(ANSWERS, templates, META, [extra]);
    expect([...files.keys()]).toEqual([".chatkit-server.json", "always.txt", "extra.txt"]);
  });
});

describe("path rules", () => {
  it("maps template paths to output paths and partial names", () => {
    expect(outputPathFor("_env.example.hbs")).toBe(".env.example");
    expect(outputPathFor("a/b.py.hbs")).toBe("a/b.py");
    expect(outputPathFor("__init__.py")).toBe("__init__.py");
    expect(partialNameFor("_partials/store/sqlite.py.hbs")).toBe("store/sqlite");
  });
});

// The one test on the real templates/ tree (written alongside this CLI). If templates/ moves,
// these fail: they are not skipped.
const realTemplates = fileURLToPath(new URL("../../templates/", import.meta.url));
describe("real templates/", () => {
  it("are where the CLI and these tests look for them", () => {
    expect(existsSync(realTemplates), `${realTemplates} is missing`).toBe(true);
  });

  it.each(["sqlite", "memory"] as const)("render with --store %s and every Python version", async (store) => {
    const templates = await loadTemplates(realTemplates);
    for (const python of ["3.10", "3.11", "3.12", "3.13"] as const) {
      const files = renderProject({ ...ANSWERS, store, python }, templates, META);
      for (const path of [".gitignore", ".env.example", "pyproject.toml", PROJECT_CONFIG_FILE]) {
        expect(files.has(path), `${path} with --store ${store}`).toBe(true);
      }
      expect(text(files, "pyproject.toml")).toContain(`">=${python}"`);
      expect([...files.keys()].some((p) => p.includes("__pycache__") || p.includes(".ruff_cache"))).toBe(false);
    }
  });

  it("always generate the request checks, their bounds in settings and the README", async () => {
    const templates = await loadTemplates(realTemplates);
    const bounds = ["max_page_size", "max_title_chars", "max_message_chars", "max_content_parts", "max_feedback_items", "max_metadata_bytes"];
    for (const store of ["sqlite", "memory", "postgres"] as const) {
      const files = renderProject({ ...ANSWERS, store }, templates, META);
      expect(files.has("app/request_checks.py"), store).toBe(true);
      expect(files.has("tests/test_request_checks.py"), store).toBe(true);
      expect(text(files, "app/main.py")).toContain("limits=RequestLimits.from_settings(settings)");
      for (const bound of bounds) {
        expect(text(files, "app/settings.py")).toMatch(new RegExp(`${bound}: int = Field\\(default=[\\d_]+, ge=1\\)`));
        expect(text(files, "README.md")).toContain(`\`CHATKIT_${bound.toUpperCase()}\``);
      }
    }
  });

  it("take the history limit's bounds from the option schema, in the settings and their tests", async () => {
    const templates = await loadTemplates(realTemplates);
    const spec = optionSchema.find((option) => option.id === "historyLimit");
    expect(spec?.min).toBe(1);
    expect(spec?.max).toBe(1000);
    const files = renderProject(ANSWERS, templates, META);
    expect(text(files, "app/settings.py")).toContain(`history_limit: int = Field(default=${ANSWERS.historyLimit}, ge=${spec?.min}, le=${spec?.max})\n`);
    expect(text(files, "tests/test_settings.py")).toContain(`HISTORY_LIMIT_MIN, HISTORY_LIMIT_MAX = ${spec?.min}, ${spec?.max}\n`);
  });

  it("word the install commands in the README as the CLI prints them", async () => {
    const templates = await loadTemplates(realTemplates);
    const readme = text(renderProject(ANSWERS, templates, META), "README.md");
    const printed = nextSteps({ cdPath: ".", installSteps: installSteps("pip", "linux"), platform: "linux", apiKeyEnv: "K", testsNeedDatabase: false });
    const commands = printed.map((step) => step.command).slice(0, 3);
    expect(commands).toEqual(["python3 -m venv .venv", ".venv/bin/pip install -e '.[dev]'", "source .venv/bin/activate"]);
    expect(readme).toContain(`\`\`\`sh\n${commands.join("\n")}\n\`\`\``);
    expect(readme).toContain(`\`${installSteps("uv").map((step) => step.display).join(" && ")}\``);
    expect(readme).toContain("`python -m venv .venv`, `.venv\\Scripts\\pip.exe install -e '.[dev]'`, `.venv\\Scripts\\activate`.");
    expect(readme).not.toMatch(/^python -m venv/m);
  });
});
