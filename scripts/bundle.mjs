// Build step after tsc: bundles dist/cli.js and what it imports (commander, the Handlebars
// runtime, the precompiled templates, ...) into dist/create-chatkit-server.js plus one chunk
// for the code every command shares and one per lazily loaded part (update, check, prompts,
// chalk, YAML, the Handlebars compiler). Node's ES module loader costs about half a
// millisecond per file, so a start that loads a hundred small modules, or even ten chunks,
// is mostly loading.
import { readdir, readFile, rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { build } from "esbuild";

// Chunks of earlier builds: their names carry a content hash, so none would be overwritten.
const CHUNK = /^[\w-]+-[A-Z0-9]{8}\.js$/;
for (const name of await readdir("dist")) if (CHUNK.test(name)) await rm(`dist/${name}`);

// Everything the entry imports statically except the entry itself, which runs the CLI.
const CORE = resolve("dist/run.js");

/**
 * esbuild treats each dynamic import as an entry point of its own and gives the code shared
 * by each combination of entry points a chunk of its own, so the start would load several
 * small chunks. Every lazily loaded module first importing the core (loaded already by the
 * time it runs) makes all shared code one chunk: the start loads the entry and that chunk.
 */
const lazyModulesImportCore = {
  name: "lazy-modules-import-core",
  setup(bundle) {
    const lazy = new Set();
    bundle.onResolve({ filter: /.*/ }, async (args) => {
      if (args.kind !== "dynamic-import" || args.pluginData === "lazy" || args.path.startsWith("node:")) return undefined;
      const result = await bundle.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: "lazy" });
      if (result.errors.length === 0 && !result.external) lazy.add(result.path);
      return result;
    });
    bundle.onLoad({ filter: /\.m?js$/ }, async (args) => {
      if (!lazy.has(args.path)) return undefined;
      const source = await readFile(args.path, "utf8");
      // Prepending an import to a CommonJS file would turn it into a broken ES module.
      if (!/^\s*(import|export)\b/m.test(source)) throw new Error(`${args.path} is loaded lazily but is not an ES module.`);
      return { contents: `import ${JSON.stringify(CORE)};\n${source}`, loader: "js", resolveDir: dirname(args.path) };
    });
  },
};

/**
 * commander requires node:child_process when it loads, for executable subcommands, which this
 * CLI does not have; loading it (and node:net with it) cost every run about 1.5 ms. commander
 * gets a stand-in that loads the real module the first time one of its functions is used.
 */
const commanderChildProcessOnUse = {
  name: "commander-child-process-on-use",
  setup(bundle) {
    bundle.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.kind === "require-call" && /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: args.path, namespace: "on-use" }
        : undefined,
    );
    bundle.onLoad({ filter: /.*/, namespace: "on-use" }, (args) => ({
      contents: `module.exports = new Proxy({}, { get: (_, key) => require(${JSON.stringify(args.path)})[key] });`,
      loader: "js",
    }));
  },
};

/**
 * The precompiled templates join the bundle's core chunk (src/render/bundled-templates.ts)
 * instead of being imported at run time: one module load fewer on every run.
 */
const BUNDLED_TEMPLATES = resolve("dist/render/bundled-templates.js");
const linkPrecompiledTemplates = {
  name: "link-precompiled-templates",
  setup(bundle) {
    bundle.onLoad({ filter: /bundled-templates\.js$/ }, (args) => {
      if (args.path !== BUNDLED_TEMPLATES) return undefined;
      return { contents: 'export * as bundledTemplates from "../precompiled-templates.js";', loader: "js", resolveDir: dirname(args.path) };
    });
  },
};

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
  plugins: [lazyModulesImportCore, commanderChildProcessOnUse, linkPrecompiledTemplates],
  logLevel: "warning",
});
console.log("bundled dist/create-chatkit-server.js");
