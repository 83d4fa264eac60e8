// Runs only the sync section of the benchmark: `npm run build && node bench/sync-run.mjs`.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { runSync } from "./sync.mjs";
import { fmtMs, isolatedEnv, makeHome, ROOT, summarize, TMP } from "./support.mjs";

const runRoot = mkdtempSync(join(TMP, "planref-bench-sync-"));
const ENV = isolatedEnv(makeHome(join(runRoot, "home")));
// The library runs in this process too and spawns git with process.env: isolate it as well.
for (const k of Object.keys(process.env)) delete process.env[k];
Object.assign(process.env, ENV);
const details = {};
const log = (s) => process.stderr.write(`${s}\n`);
function row(name, samples, { target = null, targetText = "-", baseline = null, baselineName = "", unit = "ms" } = {}) {
  const s = Array.isArray(samples) ? summarize(samples) : samples;
  const ratio = baseline ? s.median / baseline : null;
  const verdict = target ? (target(s) ? "pass" : "FAIL") : "info";
  log(`  ${name}: ${fmtMs(s.median)} (p90 ${fmtMs(s.p90)}, n ${s.n})${ratio ? `, ${ratio.toFixed(2)}x ${baselineName}` : ""} ${targetText} -> ${verdict}`);
  return { name, n: s.n, median: s.median, p90: s.p90, unit, target: targetText, ratio, baselineName, verdict };
}
try {
  // Measure exactly the build made before this run: others may rebuild dist/ meanwhile (as in run.mjs).
  const pkg = join(runRoot, "pkg");
  mkdirSync(pkg, { recursive: true });
  for (const d of ["bin", "dist"]) {
    const r = spawnSync("cp", ["-a", join(ROOT, d), join(pkg, d)], { stdio: "pipe" });
    if (r.status !== 0) throw new Error(`cannot copy ${d}/: ${r.stderr}`);
  }
  const loadStart = loadavg().map((x) => +x.toFixed(2));
  const rows = await runSync({ BIN: join(pkg, "bin", "planref"), ENV, runRoot, row, log, details });
  details.load = { start: loadStart, end: loadavg().map((x) => +x.toFixed(2)) };
  log(`load average ${loadStart.join(" ")} -> ${details.load.end.join(" ")}`);
  process.stdout.write(`${JSON.stringify({ rows, details }, null, 1)}\n`);
} catch (e) {
  process.exitCode = 1;
  log(`sync bench failed: ${e.stack ?? e}`);
} finally {
  if (process.env.PLANREF_BENCH_KEEP === "1") log(`kept ${runRoot}`);
  else rmSync(runRoot, { recursive: true, force: true });
}
