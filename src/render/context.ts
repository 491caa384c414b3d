/**
 * The data every template is rendered with. This interface is the contract between the
 * CLI and templates/: Handlebars runs in strict mode, so a template that names a key not
 * listed here fails to render (with the template's path in the error).
 */
import type { FeatureContext } from "../features/types.js";
import type { Answers } from "../options/schema.js";
import { PYTHON_VERSIONS } from "../options/schema.js";
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
  // FeatureContext adds: store: { sqlite, memory, postgres } and auth: { none, header },
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
