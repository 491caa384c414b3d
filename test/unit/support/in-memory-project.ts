// create and update as the CLI does them, on an in-memory project (path -> bytes).
import { BASE_RECORD_FILE, baseRecordFor, decodeBaseRecord, encodeBaseRecord, type BaseRecord } from "../../../src/base-record/record.js";
import { toBytes } from "../../../src/bytes.js";
import type { Answers } from "../../../src/options/schema.js";
import { PACKAGE_VERSION } from "../../../src/package-info.js";
import { renderProject, type RenderedFiles } from "../../../src/render/render.js";
import type { TemplateSet } from "../../../src/render/templates.js";
import { applyInMemory, fileOpsFor, planProjectUpdate } from "../../../src/update/update-project.js";

export type Project = Map<string, Uint8Array>;

export class InMemoryGenerator {
  /** renderProject is pure: the same answers give the same files, so renders are memoised. */
  private readonly renders = new Map<string, RenderedFiles>();

  constructor(
    private readonly templates: TemplateSet,
    readonly projectName: string,
  ) {}

  render(answers: Answers): RenderedFiles {
    const key = JSON.stringify(answers);
    let files = this.renders.get(key);
    if (files === undefined) {
      files = renderProject(answers, this.templates, { projectName: this.projectName, distributionName: this.projectName, generatorVersion: PACKAGE_VERSION });
      this.renders.set(key, files);
    }
    return files;
  }

  /** A freshly generated project, as create writes it. */
  generate(answers: Answers): { files: Project; record: BaseRecord } {
    const rendered = this.render(answers);
    const project = { name: this.projectName, distributionName: this.projectName };
    const record = baseRecordFor({ files: rendered, answers, project, generatorVersion: PACKAGE_VERSION });
    const files: Project = new Map([...rendered].map(([p, c]) => [p, toBytes(c)]));
    files.set(BASE_RECORD_FILE, encodeBaseRecord(record));
    return { files, record };
  }

  /** An update with `answers`: the plan, the file operations, and the project after them. */
  update(files: Project, answers: Answers) {
    const base = decodeBaseRecord(files.get(BASE_RECORD_FILE) as Uint8Array, ".");
    const render = this.render(answers);
    const plan = planProjectUpdate({ base, render, answers, disk: files, generatorVersion: PACKAGE_VERSION });
    const ops = fileOpsFor(plan);
    const after: Project = new Map(files);
    applyInMemory(after, ops);
    return { base, render, plan, ops, after };
  }
}
