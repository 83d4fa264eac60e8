/**
 * The soak, short: 8 agents on two clones of a bare remote for 25 s with random SIGKILLs,
 * then every invariant (soak.mjs). `npm run soak` runs the same for 10 minutes.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const SOAK = fileURLToPath(new URL("./soak.mjs", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "planref-soak-summary-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Summary {
  ok: boolean;
  kills: number;
  starts: number;
  ops: Record<string, Record<string, number>>;
  journal: { acked: number };
  checks: Array<{ name: string; ok: boolean; detail: string; problems: string[] }>;
}

it("8 agents x 25 s on two clones with SIGKILLs: no lost write, no double claim, valid state, fsck clean, clones converge", async () => {
  const summaryFile = join(out, "summary.json");
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [SOAK, "--seconds", "25", "--agents", "8", "--kill-every", "2000-4000", "--summary", summaryFile], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  console.log(run.stdout);
  const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as Summary;
  for (const c of summary.checks) expect(c.problems, `${c.name}: ${c.detail}`).toEqual([]);
  expect(summary.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([]);
  expect(run.code, run.stderr.slice(-3000)).toBe(0);
  expect(summary.ok).toBe(true);
  // It really ran: agents were killed and restarted, and wrote and synced meanwhile.
  expect(summary.kills).toBeGreaterThanOrEqual(3);
  expect(summary.starts).toBeGreaterThanOrEqual(8 + summary.kills);
  expect(summary.journal.acked).toBeGreaterThanOrEqual(10);
  expect(summary.ops.claim?.ok ?? 0).toBeGreaterThan(0);
}, 180_000);
