/**
 * renderProject: answers + templates -> every file of the generated project, in memory.
 * Pure and deterministic (no disk, no clock, sorted keys), so create, --dry-run and a
 * later `update` can all share it.
 */
import { features } from "../features/index.js";
import type { Feature, FeatureContext } from "../features/types.js";
import type { Answers } from "../options/schema.js";
import { PROJECT_CONFIG_FILE, serializeProjectConfig } from "../project-config.js";
import { BASE_RUNTIME_DEPENDENCIES, PYTHON_DEV_DEPENDENCIES, PYTHON_RUNTIME_DEPENDENCIES, toDependencyList } from "../python-deps.js";
import { installContext, limitsContext, pythonContext, type RenderMeta, type TemplateContext } from "./context.js";
import { outputPathFor } from "./paths.js";
import type { TemplateSet } from "./templates.js";

export type RenderedFiles = Map<string, string | Uint8Array>;

export function renderProject(
  answers: Answers,
  templates: TemplateSet,
  meta: RenderMeta,
  featureList: readonly Feature[] = features,
): RenderedFiles {
  const claimed = new Set<string>();
  const selected = new Set<string>();
  const runtime: string[] = [...BASE_RUNTIME_DEPENDENCIES];
  const dev: string[] = Object.keys(PYTHON_DEV_DEPENDENCIES);
  const featureContext: Partial<FeatureContext> = {};

  for (const feature of featureList) {
    const selection = feature.select(answers);
    feature.claims.forEach((path) => claimed.add(path));
    for (const path of selection.files) {
      if (!feature.claims.includes(path)) throw new Error(`Feature "${feature.id}" selects ${path}, which it does not claim.`);
      selected.add(path);
    }
    runtime.push(...(selection.runtimeDependencies ?? []));
    dev.push(...(selection.devDependencies ?? []));
    Object.assign(featureContext, selection.context);
  }

  const context = {
    ...meta,
    answers,
    python: pythonContext(answers.python),
    limits: limitsContext(),
    install: installContext(),
    dependencies: {
      runtime: toDependencyList(runtime, PYTHON_RUNTIME_DEPENDENCIES),
      dev: toDependencyList(dev, PYTHON_DEV_DEPENDENCIES),
    },
    ...featureContext,
  } as TemplateContext; // features fill the FeatureContext keys; strict templates catch a gap

  const rendered = new Map<string, string | Uint8Array>();
  const outputs = new Set<string>();
  for (const [sourcePath, entry] of templates.entries) {
    const outputPath = outputPathFor(sourcePath);
    outputs.add(outputPath);
    if (claimed.has(outputPath) && !selected.has(outputPath)) continue;
    if (rendered.has(outputPath)) throw new Error(`Two templates produce ${outputPath}.`);
    rendered.set(outputPath, entry.kind === "handlebars" ? entry.render(context) : new Uint8Array(entry.bytes));
  }
  // A claimed file missing from templates/ means a feature and the templates disagree.
  for (const path of selected) {
    if (!outputs.has(path)) throw new Error(`Feature file ${path} has no template in templates/.`);
  }
  if (rendered.has(PROJECT_CONFIG_FILE)) throw new Error(`templates/ must not contain ${PROJECT_CONFIG_FILE}; it is generated.`);
  rendered.set(PROJECT_CONFIG_FILE, serializeProjectConfig(answers, meta.generatorVersion));

  return new Map([...rendered].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
