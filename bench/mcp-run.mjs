// Runs only the MCP section of the benchmark: `npm run build && node bench/mcp-run.mjs`.
// Reuses (or builds) the CLI fixtures of bench/cli-fixtures.mjs and measures a private copy of
// the current build, so a rebuild of dist/ meanwhile does not change what is measured.
//
//   node bench/mcp-run.mjs [--rounds N] [--calls N] [--keep]
//
// PLANREF_MCP_PROFILE=<dir> starts the servers with --cpu-prof (profiles written on exit).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { ensureCliFixtures } from "./cli-fixtures.mjs";
import { runMcp } from "./mcp.mjs";
import { ROOT, buildInternals, fmtMs, importFile, isolatedEnv, makeHome, summarize, TMP, workCopier } from "./support.mjs";

const argv = process.argv.slice(2);
const num = (flag) => (argv.includes(flag) ? Number(argv[argv.indexOf(flag) + 1]) : undefined);
const keep = argv.includes("--keep");
const runRoot = mkdtempSync(join(TMP, "planref-bench-mcp-"));
const ENV = isolatedEnv(makeHome(join(runRoot, "home")));
const live = new Set();
const details = {};
const log = (s) => process.stderr.write(`${s}\n`);
const rows = [];
function row(name, samples, { target = null, targetText = "-", baseline = null, baselineName = "", unit = "ms" } = {}) {
  const s = summarize(samples);
  const ratio = baseline ? s.median / baseline : null;
  const verdict = target ? (target(s, ratio) ? "pass" : "FAIL") : "info";
  const r = { name, n: s.n, median: s.median, p90: s.p90, min: s.min, max: s.max, unit, target: targetText, ratio, baselineName, verdict };
  rows.push(r);
  log(`  ${name}: ${fmtMs(s.median)} (p90 ${fmtMs(s.p90)}, n ${s.n})${ratio ? `, ${ratio.toFixed(2)}x ${baselineName}` : ""} ${targetText} -> ${verdict}`);
  return r;
}
const workCopy = workCopier(runRoot);
try {
  const load0 = loadavg().map((x) => +x.toFixed(2));
  const pkg = join(runRoot, "pkg");
  mkdirSync(pkg);
  for (const d of ["bin", "dist"]) {
    const r = spawnSync("cp", ["-a", join(ROOT, d), join(pkg, d)]);
    if (r.status !== 0) throw new Error(`cannot copy ${d}/: ${r.stderr}`);
  }
  const BIN = join(pkg, "bin", "planref");
  const internals = await importFile(await buildInternals(join(runRoot, "lib")));
  const cliFx = await ensureCliFixtures({ bin: BIN, lib: join(pkg, "dist", "lib.js"), internals, log });
  await runMcp({ BIN, ENV, runRoot, cliFx, row, workCopy, log, details, live, ...(num("--rounds") ? { rounds: num("--rounds") } : {}), ...(num("--calls") ? { calls: num("--calls") } : {}) });
  const load1 = loadavg().map((x) => +x.toFixed(2));
  const w = Math.max(...rows.map((r) => r.name.length));
  log(`\nload ${load0.join("/")} -> ${load1.join("/")}`);
  for (const r of rows) {
    log(`| ${r.name.padEnd(w)} | ${fmtMs(r.median).padEnd(7)} | ${fmtMs(r.p90).padEnd(7)} | ${r.target.padEnd(15)} | ${(r.ratio ? `${r.ratio.toFixed(2)}x ${r.baselineName}` : "-").padEnd(15)} | ${r.verdict.padEnd(4)} |`);
  }
  process.stdout.write(`${JSON.stringify({ date: new Date().toISOString(), load: [load0, load1], rows, details }, null, 1)}\n`);
} catch (e) {
  process.exitCode = 1;
  log(`mcp bench failed: ${e.stack ?? e}`);
} finally {
  for (const c of live) if (c.exitCode === null) c.kill("SIGKILL");
  if (keep || process.exitCode) log(`kept ${runRoot}`);
  else rmSync(runRoot, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}
