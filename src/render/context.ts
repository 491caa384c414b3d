/**
 * The data every template is rendered with. This interface is the contract between the
 * CLI and templates/: Handlebars runs in strict mode, so a template that names a key not
 * listed here fails to render (with the template's path in the error).
 */
import type { FeatureContext } from "../features/types.js";
import type { Answers } from "../options/schema.js";
import { PYTHON_VERSIONS, optionSchema } from "../options/schema.js";
import { activateCommand, installSteps } from "../post/install.js";
import type { PythonDependency } from "../python-deps.js";

export interface RenderMeta {
  /** Basename of the target directory, as typed. */
  projectName: string;
  /** PEP 503-normalised project name for pyproject.toml, e.g. "my-bot". */
  distributionName: string;
  generatorVersion: string;
}

export interface TemplateContext extends RenderMeta, FeatureContext {
  /** Every answer, keyed by option id (see src/options/schema.ts). */
  answers: Answers;
  python: {
    /** Minimum Python version, e.g. "3.11" (for requires-python = ">=3.11"). */
    minimum: string;
    /** Ruff's target-version, e.g. "py311". */
    ruffTarget: string;
    /** Supported versions from the minimum up, e.g. ["3.11", "3.12", "3.13"] (classifiers, CI matrix). */
    supported: string[];
  };
  dependencies: {
    /** Sorted by name; `requirement` is "name<spec>", ready for pyproject.toml. */
    runtime: PythonDependency[];
    dev: PythonDependency[];
  };
  /** The bounds of each number option, from the schema: the generated settings check the same. */
  limits: Readonly<Record<string, { min: number; max: number }>>;
  /** The install commands, worded as the CLI prints them (src/post/install.ts). */
  install: {
    /** The standard venv module, pip, then activation: for a POSIX shell, and for Windows. */
    pip: string[];
    pipWindows: string[];
    /** One line, e.g. "uv venv && uv pip install -e '.[dev]'". */
    uv: string;
  };
  // FeatureContext adds: store: { sqlite, memory, postgres } and auth: { none, header, jwt },
  // each with exactly one true.
}

export function pythonContext(minimum: string): TemplateContext["python"] {
  const index = PYTHON_VERSIONS.findIndex((v) => v === minimum);
  return {
    minimum,
    ruffTarget: `py${minimum.replace(".", "")}`,
    supported: PYTHON_VERSIONS.slice(Math.max(index, 0)),
  };
}

export function limitsContext(): TemplateContext["limits"] {
  const limits: Record<string, { min: number; max: number }> = {};
  for (const spec of optionSchema) {
    if (spec.min !== undefined && spec.max !== undefined) limits[spec.id] = { min: spec.min, max: spec.max };
  }
  return limits;
}

export function installContext(): TemplateContext["install"] {
  // In the order the CLI prints them as next steps (src/summary.ts).
  const steps = (platform: NodeJS.Platform) => [...installSteps("pip", platform).map((step) => step.display), activateCommand(platform)];
  return {
    pip: steps("linux"),
    pipWindows: steps("win32"),
    uv: installSteps("uv").map((step) => step.display).join(" && "),
  };
}
