/**
 * The build's precompiled templates, as part of the bundle. For tsc's dist/ and for tests
 * running src/ there are none here (loadProjectTemplates imports them by URL when built);
 * the bundle replaces this module with one that re-exports dist/precompiled-templates.js
 * (scripts/bundle.mjs), which saves every run a module load.
 */
import type { PrecompiledTemplates } from "./templates.js";

export const bundledTemplates: PrecompiledTemplates | undefined = undefined;
