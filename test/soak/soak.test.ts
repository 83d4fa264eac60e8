/**
 * The soak, short: 8 agents on two clones of a bare remote for 25 s with random SIGKILLs,
 * then every invariant (soak.mjs). `npm run soak` runs the same for 10 minutes. First, the
 * invariant checks themselves are shown to catch a double claim, a write under a lost lease
 * and a lost acknowledged write, made by hand.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { openProject } from "../../src/runtime/open-project.js";
import type { ClaimDoc } from "../../src/schema/types.js";
import { cleanupAll, makeRepo } from "../helpers/git-repo.js";
import { handCommit } from "../helpers/hand-commit.js";
import { checkClaimHistory, checkJournals, readHistory } from "./invariants.mjs";

const SOAK = fileURLToPath(new URL("./soak.mjs", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "planref-soak-summary-"));
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  cleanupAll();
});

describe("the soak's invariant checks", () => {
  it("catch a second live claim, a write under a lost lease, a decreasing epoch and an acknowledged write that is gone", async () => {
    const repo = makeRepo();
    const p = openProject({ cwd: repo.dir, env: repo.env, actor: "ann" });
    let task: string;
    let claimCommit: string;
    try {
      await p.init({ name: "checks" });
      task = (await p.addTask({ title: "one", acceptanceCriteria: ["works"], verification: ["true"], scope: ["src/one/**"] })).task.id;
      await p.reviewTask({ task, verdict: "approve" });
      claimCommit = (await p.claim({ task })).commit as string;
      await p.heartbeat({ task });
    } finally {
      await p.close();
    }
    const clean = readHistory(repo.dir, repo.env);
    expect(checkClaimHistory(repo.dir, repo.env, clean, 1).problems).toEqual([]);

    const path = repo.git("ls-tree", "-r", "--name-only", "refs/plan/state").split("\n").find((l) => l.startsWith("claims/")) as string;
    const ann = parse(repo.git("show", `refs/plan/state:${path}`)) as ClaimDoc;
    const trailers = (op: string, actor: string, epoch: number) => `${op}\n\nPlanref-Op: ${op}\nPlanref-Actor: ${actor}\nPlanref-Task: ${task}\nPlanref-Epoch: ${epoch}\n`;
    // bob gets epoch 2 while ann's lease runs for another 15 minutes; ann heartbeats under epoch 1; epoch 1 comes back.
    const now = new Date().toISOString();
    handCommit(repo, { [path]: stringify({ ...ann, epoch: 2, holder: { ...ann.holder, actor: "bob" }, acquiredAt: now, renewedAt: now }) }, trailers("claim", "bob", 2));
    handCommit(repo, { [path]: stringify({ ...ann, epoch: 2, holder: { ...ann.holder, actor: "bob" }, acquiredAt: now, renewedAt: now, expiresAt: now }) }, trailers("heartbeat", "ann", 1));
    handCommit(repo, { [path]: stringify(ann) }, trailers("claim", "ann", 1));
    const history = readHistory(repo.dir, repo.env);
    const problems = checkClaimHistory(repo.dir, repo.env, history, 1).problems.join("\n");
    expect(problems).toMatch(/epoch 2 of .* granted to bob at .* while epoch 1 of ann was live/);
    expect(problems).toMatch(/heartbeat under epoch 1 of ann, but the claim is epoch 2 of bob/);
    expect(problems).toMatch(/epoch of .* decreased from 2 to 1/);

    const orphan = repo.git("commit-tree", `${claimCommit}^{tree}`, "-m", "never published").trim();
    const acks = [
      { op: "claim", agent: "ann", t: Date.now(), task, commit: claimCommit },
      { op: "heartbeat", agent: "ann", t: Date.now(), task, commit: orphan },
      { op: "sync", agent: "ann", t: Date.now(), tip: orphan, action: "pushed" },
    ];
    const j = checkJournals(history, acks);
    expect(j.tally).toMatchObject({ acked: 2, direct: 1, syncTips: 1 });
    expect(j.problems).toHaveLength(2);
    expect(j.problems.join("\n")).toContain(orphan);
    // A replayed original is found through the trailer of the commit that replayed it.
    expect(checkJournals([...history, { ...(history.at(-1) as (typeof history)[number]), commit: "f".repeat(40), replayedFrom: orphan }], acks.slice(0, 2)).problems).toEqual([]);
  });
});

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
