// Builds dist/: standalone schema validators, then one ESM bundle per entry with code
// splitting, so each command's code loads only when that command runs.
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { build } from "esbuild";
import { generateValidators } from "./gen-validators.mjs";
import { buildBoardAssets } from "./build-board.mjs";

const root = new URL("..", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${root}package.json`, "utf8"));

generateValidators(root);
// Build beside dist/ and swap it in, so a binary running meanwhile never sees half a build.
const out = `${root}dist.tmp-${process.pid}`;
rmSync(out, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { cli: "src/cli/entry.ts", lib: "src/lib.ts" },
  outdir: out,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunks/[name]-[hash]",
  define: { __PLANREF_VERSION__: JSON.stringify(pkg.version) },
  // CommonJS dependencies inside an ESM bundle still call require() for node builtins.
  banner: { js: 'import { createRequire as __planrefRequire } from "node:module"; const require = __planrefRequire(import.meta.url);' },
  legalComments: "none",
  logLevel: "warning",
});
await buildBoardAssets(out);
const old = `${root}dist.old-${process.pid}`;
if (existsSync(`${root}dist`)) renameSync(`${root}dist`, old);
renameSync(out, `${root}dist`);
rmSync(old, { recursive: true, force: true });
console.log("built dist/");
