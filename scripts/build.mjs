// Builds dist/: standalone schema validators, then one ESM bundle per entry with code
// splitting, so each command's code loads only when that command runs.
import { createHash } from "node:crypto";
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";
import { generateValidators } from "./gen-validators.mjs";
import { buildBoardAssets } from "./build-board.mjs";

const root = new URL("..", import.meta.url).pathname;

/**
 * The MCP SDK's Server builds its default JSON Schema validator (ajv with formats) from this
 * module, and importing it costs every `planref mcp` start ~250 KB of code to load. planref's
 * server passes its own validator (src/mcp/server.ts: it never elicits) and checks tool
 * arguments itself, so the module is replaced by a class that refuses to be used.
 */
const withoutSdkAjv = {
  name: "without-sdk-ajv",
  setup(b) {
    b.onResolve({ filter: /\/validation\/ajv-provider\.js$/ }, (args) =>
      args.importer.includes("@modelcontextprotocol/sdk") ? { path: "sdk-ajv-provider", namespace: "without-sdk-ajv" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "without-sdk-ajv" }, () => ({
      contents: 'export class AjvJsonSchemaValidator { constructor() { throw new Error("planref is built without the MCP SDK\'s ajv validator: pass jsonSchemaValidator"); } }',
      loader: "js",
    }));
  },
};
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
  plugins: [withoutSdkAjv],
});
await buildBoardAssets(out);
await emitTypes(`${out}/types`);
const old = `${root}dist.old-${process.pid}`;
if (existsSync(`${root}dist`)) renameSync(`${root}dist`, old);
renameSync(out, `${root}dist`);
rmSync(old, { recursive: true, force: true });
console.log("built dist/");

/**
 * dist/types, package.json's "types": the library's declarations with their TSDoc, so editors
 * show each use case's documentation on Project's methods. Emitting them type-checks the
 * sources (seconds, not milliseconds), so the last build's are reused while no input changed.
 */
async function emitTypes(dir) {
  const inputs = createHash("sha256").update(readFileSync(new URL(import.meta.url)));
  for (const f of ["tsconfig.json", "package-lock.json", "node_modules/typescript/package.json"]) inputs.update(readFileSync(`${root}${f}`));
  for (const f of readdirSync(`${root}src`, { recursive: true }).sort()) if (f.endsWith(".ts")) inputs.update(f).update(readFileSync(`${root}src/${f}`));
  const stamp = inputs.digest("hex");
  try {
    if (readFileSync(`${root}dist/types/.inputs`, "utf8") === stamp) return cpSync(`${root}dist/types`, dir, { recursive: true });
  } catch {}
  rmSync(dir, { recursive: true, force: true });
  const { default: ts } = await import("typescript");
  const { options } = ts.parseJsonConfigFileContent(ts.readConfigFile(`${root}tsconfig.json`, ts.sys.readFile).config, ts.sys, root);
  const program = ts.createProgram([`${root}src/lib.ts`], { ...options, noEmit: false, declaration: true, emitDeclarationOnly: true, rootDir: `${root}src`, outDir: dir });
  const { emitSkipped, diagnostics } = program.emit();
  if (emitSkipped || diagnostics.length > 0) {
    throw new Error(`declarations of src/lib.ts:\n${ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" })}`);
  }
  writeFileSync(`${dir}/.inputs`, stamp);
}
