// The board's page (src/web/page) for the browser: one minified script and one stylesheet,
// next to its index.html in <out>/web/. Nothing is fetched at run time: planref serve reads
// these three files from its own package.
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;

/** Builds into `${out}/web/`; returns each file's size and gzipped size in bytes. */
export async function buildBoardAssets(out) {
  const dir = `${out}/web`;
  mkdirSync(dir, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: [
      { in: "src/web/page/main.ts", out: "board" },
      { in: "src/web/page/board.css", out: "board" },
    ],
    outdir: dir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["chrome110", "firefox115", "safari16"],
    minify: true,
    legalComments: "none",
    logLevel: "warning",
  });
  copyFileSync(`${root}src/web/page/index.html`, `${dir}/index.html`);
  const sizes = {};
  for (const f of ["index.html", "board.js", "board.css"]) {
    const bytes = readFileSync(`${dir}/${f}`);
    sizes[f] = { bytes: bytes.length, gzip: gzipSync(bytes).length };
  }
  return sizes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await buildBoardAssets(process.argv[2] ?? `${root}dist`));
}
