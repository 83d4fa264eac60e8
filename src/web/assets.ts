import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { InternalError } from "../errors.js";

export interface Asset {
  type: string;
  body: Buffer;
}

/** What the board serves besides its API: built by scripts/build-board.mjs into dist/web/. */
const FILES: Record<string, [file: string, type: string]> = {
  "/": ["index.html", "text/html; charset=utf-8"],
  "/board.js": ["board.js", "text/javascript; charset=utf-8"],
  "/board.css": ["board.css", "text/css; charset=utf-8"],
};

/**
 * The built page, read once at start. The server code runs from dist/ or, split into a
 * chunk, from dist/chunks/: the assets sit in dist/web/ either way.
 */
export function loadAssets(): Map<string, Asset> {
  const candidates = ["./web/", "../web/"].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  const dir = candidates.find((d) => existsSync(`${d}index.html`));
  if (!dir) {
    throw new InternalError(`the board's page is missing (looked in ${candidates.join(", ")})`, { hint: "Build planref with npm run build; the page is bundled into dist/web/." });
  }
  return new Map(Object.entries(FILES).map(([path, [file, type]]) => [path, { type, body: readFileSync(`${dir}${file}`) }]));
}
