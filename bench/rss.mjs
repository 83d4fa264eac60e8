// Peak memory of one process that opens a project with the built library (dist/lib.js) and
// loads the state at the tip: cold (no disk cache) unless "warm" is passed.
//
//   node bench/rss.mjs <dist/lib.js> <repo> [cold|warm]
import { readFileSync } from "node:fs";
import { importFile } from "./support.mjs";

const [lib, repo, mode = "cold"] = process.argv.slice(2);
const { openProject } = await importFile(lib);
const t0 = performance.now();
const project = openProject({ cwd: repo, env: process.env, useDiskCache: mode === "warm" });
let documents;
try {
  documents = (await project.store.snapshot()).size;
} finally {
  // Writes the disk cache only when the store uses one and the view moved (never here).
  await project.close();
}
const ms = performance.now() - t0;
const status = readFileSync("/proc/self/status", "utf8");
const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
process.stdout.write(
  `${JSON.stringify({ mode, documents, ms, maxRssKiB: process.resourceUsage().maxRSS, vmHwmKiB: kib("VmHWM"), heapUsed: process.memoryUsage().heapUsed })}\n`,
);
