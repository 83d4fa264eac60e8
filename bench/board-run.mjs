// Runs only the board section of the benchmark: `npm run build && node bench/board-run.mjs`.
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { runBoard } from "./board.mjs";
import { BIN, fmtMs, isolatedEnv, makeHome, summarize, TMP } from "./support.mjs";

const runRoot = mkdtempSync(join(TMP, "planref-bench-board-"));
const ENV = isolatedEnv(makeHome(join(runRoot, "home")));
const live = new Set();
const details = {};
const log = (s) => process.stderr.write(`${s}\n`);
function row(name, samples, { target = null, targetText = "-", unit = "ms" } = {}) {
  const s = summarize(samples);
  const verdict = target ? (target(s) ? "pass" : "FAIL") : "info";
  log(`  ${name}: ${fmtMs(s.median)} (p90 ${fmtMs(s.p90)}, n ${s.n}) ${targetText} -> ${verdict}`);
  return { name, n: s.n, median: s.median, p90: s.p90, unit, target: targetText, ratio: null, baselineName: "", verdict };
}
try {
  const rows = await runBoard({ BIN, ENV, runRoot, row, log, details, live });
  process.stdout.write(`${JSON.stringify({ rows, details }, null, 1)}\n`);
} catch (e) {
  process.exitCode = 1;
  log(`board bench failed: ${e.stack ?? e}`);
} finally {
  for (const c of live) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(runRoot, { recursive: true, force: true });
}
