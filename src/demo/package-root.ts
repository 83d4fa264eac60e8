import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The installed planref package (bin/, dist/, fixtures/), found from this module's own file
 * rather than the caller's directory: the demo runs from anywhere, and the bundle moves this
 * code into dist/chunks/.
 */
export function packageRoot(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "planref") return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the planref package above ${fileURLToPath(from)}`);
    dir = up;
  }
}
