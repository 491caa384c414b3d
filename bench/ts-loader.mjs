// Lets plain `node` run the bench's TypeScript (and the e2e harness modules it reuses) in place,
// with no build step and no extra dependency: `node --import ./bench/ts-loader.mjs bench/main.ts`.
// Each .ts file is transpiled on load with the project's own `typescript` (types are not checked
// here: `npx tsc -p bench/tsconfig.json` does that). Files stay where they are, so
// `import.meta.url` keeps pointing at the source, as the e2e modules expect.
import { register } from "node:module";

register("./ts-hooks.mjs", import.meta.url);
