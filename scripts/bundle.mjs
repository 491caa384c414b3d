// Build step after tsc: bundles dist/cli.js and what it imports (commander, chalk, the
// Handlebars runtime, ...) into dist/create-chatkit-server.js plus one chunk per lazily
// loaded part (update, check, prompts, YAML). Resolving and loading a hundred small modules
// at every start is most of the CLI's start-up time otherwise.
import { readdir, rm } from "node:fs/promises";
import { build } from "esbuild";

// Chunks of earlier builds: their names carry a content hash, so none would be overwritten.
const CHUNK = /^[\w-]+-[A-Z0-9]{8}\.js$/;
for (const name of await readdir("dist")) if (CHUNK.test(name)) await rm(`dist/${name}`);

await build({
  entryPoints: { "create-chatkit-server": "dist/cli.js" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Chunks sit beside the entry: package-info finds the package root as "../" of its module.
  chunkNames: "[name]-[hash]",
  // The bundled CommonJS packages call require() for Node's own modules.
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  minify: true,
  logLevel: "warning",
});
console.log("bundled dist/create-chatkit-server.js");
