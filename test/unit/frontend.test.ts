import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ATTACHMENT_LIMITS, WEB_FILES } from "../../src/features/frontend.js";
import type { Answers } from "../../src/options/schema.js";
import { renderProject } from "../../src/render/render.js";
import { loadTemplates } from "../../src/render/templates.js";
import { answersWith } from "./answers.js";

const templates = await loadTemplates(fileURLToPath(new URL("../../templates/", import.meta.url)));
const META = { projectName: "My <Bot>", distributionName: "my-bot", generatorVersion: "9.9.9" };

const render = async (chosen: Partial<Answers>) => renderProject(await answersWith(chosen), templates, META);

function text(files: Map<string, string | Uint8Array>, path: string): string {
  const content = files.get(path);
  if (content === undefined) throw new Error(`${path} is not generated`);
  return typeof content === "string" ? content : new TextDecoder().decode(content);
}

const uiConfig = (files: Map<string, string | Uint8Array>): unknown => JSON.parse(text(files, "web/public/ui-config.json"));

describe("--frontend", () => {
  it("none (the default) generates no web/ file and no README section for it", async () => {
    const files = await render({});
    expect([...files.keys()].filter((path) => path.startsWith("web/"))).toEqual([]);
    expect(text(files, "README.md")).not.toContain("## The web UI");
  });

  it("react generates exactly web/'s files, and says how to run both halves", async () => {
    const files = await render({ frontend: "react" });
    expect([...files.keys()].filter((path) => path.startsWith("web/"))).toEqual([...WEB_FILES].sort());
    const readme = text(files, "README.md");
    expect(readme).toContain("## The web UI");
    expect(readme).toContain("uvicorn app.main:app --reload");
    expect(readme).toContain("cd web && npm install && npm run dev");
    expect(readme).toContain("open <http://localhost:5173>");
    expect(text(files, "web/.gitignore")).toMatch(/^node_modules\/$/m);
    expect(text(files, "web/index.html")).toContain("<title>My &lt;Bot&gt;</title>");
    const pkg = JSON.parse(text(files, "web/package.json")) as { name: string; scripts: Record<string, string>; dependencies: Record<string, string> };
    expect(pkg.name).toBe("my-bot-web");
    expect(Object.keys(pkg.scripts).sort()).toEqual(["build", "dev", "preview", "typecheck"]);
    // Exact versions: the ones built together in this repo's e2e test.
    expect(Object.values(pkg.dependencies).every((version) => /^\d+\.\d+\.\d+$/.test(version))).toBe(true);
    expect(pkg.dependencies).toHaveProperty("@openai/chatkit-react");
  });

  it("serves the build from the app only with the page (CHATKIT_SERVE_WEB, app/web.py)", async () => {
    const [without, withPage] = [await render({}), await render({ frontend: "react" })];
    for (const path of ["app/web.py", "tests/test_web.py"]) {
      expect(without.has(path), path).toBe(false);
      expect(withPage.has(path), path).toBe(true);
    }
    expect(text(without, "app/main.py")).not.toMatch(/web/);
    expect(text(without, "app/settings.py")).not.toMatch(/serve_web|web_dist/);
    expect(text(withPage, "app/main.py")).toContain("add_web_routes(app, settings.web_dist)");
    expect(text(withPage, "README.md")).toContain("| `CHATKIT_SERVE_WEB` |");
    // Everything else of the server is the same.
    for (const [path, content] of without) {
      if (["README.md", ".chatkit-server.json", "app/main.py", "app/settings.py"].includes(path)) continue;
      expect(withPage.get(path), path).toEqual(content);
    }
  });

  it("writes the page's settings from the same answers as the server", async () => {
    expect(uiConfig(await render({ frontend: "react" }))).toEqual({
      auth: { mode: "none" },
      attachments: {
        enabled: true,
        uploadStrategy: { type: "two_phase" },
        maxSize: 20_000_000,
        maxCount: 10,
        accept: ATTACHMENT_LIMITS.mediaTypes,
      },
      feedback: true,
      retry: true,
      dictation: false,
      clientTools: [],
      widgetActions: [],
    });
    expect(
      uiConfig(
        await render({ frontend: "react", auth: "header", userHeader: "X-Forwarded-User", attachments: "none", dictation: "on", tools: "client,widget" }),
      ),
    ).toMatchObject({
      auth: { mode: "header", header: "X-Forwarded-User" },
      attachments: { enabled: false },
      dictation: true,
      clientTools: ["get_page_selection"],
      widgetActions: ["counter.increment", "counter.reset"],
    });
    expect(uiConfig(await render({ frontend: "react", auth: "jwt" }))).toMatchObject({ auth: { mode: "jwt" } });
  });

  it("names the attachment limits and types the server's settings default to", async () => {
    const files = await render({ frontend: "react", tools: "client,widget" });
    const settings = text(files, "app/settings.py");
    expect(settings).toContain(`attachments_max_bytes: int = Field(default=${ATTACHMENT_LIMITS.maxBytes.toLocaleString("en").replaceAll(",", "_")}, ge=1)`);
    expect(settings).toContain(`attachments_per_message: int = Field(default=${ATTACHMENT_LIMITS.perMessage}, ge=1)`);
    const types = /attachments_media_types: list\[str\] = \[([^\]]*)\]/.exec(settings)?.[1] ?? "";
    expect([...types.matchAll(/"([^"]+)"/g)].map((match) => match[1])).toEqual(Object.keys(ATTACHMENT_LIMITS.mediaTypes));
    // The example client tool and widget actions the page is told about exist on the server.
    expect(text(files, "app/client_tools.py")).toContain('name="get_page_selection"');
    expect(text(files, "app/widgets/counter.py")).toContain('INCREMENT = "counter.increment"\nRESET = "counter.reset"');
  });
});
