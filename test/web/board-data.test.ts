import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openProject, type Project } from "../../src/runtime/open-project.js";
import { cleanupAll, makeRepo } from "../helpers/git-repo.js";

const ROOT = join(import.meta.dirname, "..", "..");
const inv = (local: string) => `invoice-export.${local}`;

/** The board's use cases in-process: what the page is given, and when the waves are planned again. */

afterAll(cleanupAll);

async function project(): Promise<Project> {
  const repo = makeRepo();
  const p = openProject({ cwd: repo.dir, env: repo.env, actor: "lead", useDiskCache: false });
  await p.init({ name: "shop" });
  await p.importSpec({ file: "prd/invoice-export.md", text: readFileSync(join(ROOT, "fixtures/prd/invoice-export.md"), "utf8") });
  await p.reviewSpec({ spec: "invoice-export", verdict: "approve" });
  for (const t of ["T001", "T002"]) await p.reviewTask({ task: inv(t), verdict: "approve" });
  return p;
}

describe("board page data", () => {
  it("holds the task table, waves, claims and specs of the tip, as the CLI's use cases report them", async () => {
    const p = await project();
    try {
      await p.claim({ task: "T001" });
      const o = await p.board();
      const status = await p.status();
      expect(o.tip).toBe(status.tip);
      expect(o.tasks.map((t) => t.id)).toEqual((await p.listTasks()).map((t) => t.id));
      expect(o.tasks.map(({ wave: _w, ...row }) => row)).toEqual(await p.listTasks());
      const plan = await p.waves();
      expect(o.waves).toEqual(plan);
      expect(o.tasks.find((t) => t.id === inv("T005"))?.wave).toBe(plan.waves.findIndex((w) => w.includes(inv("T005"))));
      expect(o.claims.map((c) => [c.task, c.holder, c.state])).toEqual([[inv("T001"), "lead", "live"]]);
      expect(o.claims[0]?.staleInSeconds).toBe((o.claims[0]?.secondsLeft ?? 0) + o.skewSeconds);
      expect(o.skewSeconds).toBe(120);
      expect(o.specs).toEqual((await p.listSpecs()).map((s) => expect.objectContaining({ ...s, open: expect.anything() })));
      expect(o.specs[0]?.open).toEqual(await p.specDecisions("invoice-export"));
      expect(o.wavesCurrent).toBe(true);
    } finally {
      await p.close();
    }
  });

  it("reuses the waves across commits that change nothing the planner sees, and plans again after a claim", async () => {
    const p = await project();
    try {
      await p.claim({ task: "T001" });
      await p.heartbeat({ task: "T001" });
      const first = await p.board({ waves: "latest" });
      await p.heartbeat({ task: "T001" });
      const after = await p.board({ waves: "latest" });
      expect(after.tip).not.toBe(first.tip);
      // The same plan object: nothing was planned again.
      expect(after.waves).toBe(first.waves);
      expect(after.wavesCurrent).toBe(true);

      await p.claim({ task: "T002" });
      const stale = await p.board({ waves: "latest" });
      expect(stale.claims.map((c) => c.task).sort()).toEqual([inv("T001"), inv("T002")]);
      expect(stale.wavesCurrent).toBe(false);
      expect(stale.waves).toBe(first.waves);
      // The page asks again on its next poll; the plan is made right after the answer went out.
      let fresh = stale;
      for (let i = 0; i < 200 && !fresh.wavesCurrent; i++) {
        await new Promise((r) => setTimeout(r, 10));
        fresh = await p.board({ waves: "latest" });
      }
      expect(fresh.wavesCurrent).toBe(true);
      expect(fresh.waves).toEqual(await p.waves());
      expect(fresh.waves.inFlight).toContain(inv("T002"));
      // Waiting (the default) never serves an outdated plan.
      await p.release({ task: "T002" });
      const waited = await p.board();
      expect(waited.wavesCurrent).toBe(true);
      expect(waited.waves.inFlight).not.toContain(inv("T002"));
    } finally {
      await p.close();
    }
  });

  it("a task's detail: packet, evidence, the gate report and the submission", async () => {
    const p = await project();
    try {
      await p.claim({ task: "T001" });
      await p.submit({ task: "T001", summary: "CSV serializer" });
      const d = await p.boardTask({ task: "T001" });
      expect(d.task.id).toBe(inv("T001"));
      expect(d.packet.markdown).toContain("Invoice to CSV serializer");
      expect(d.evidence).toEqual([]);
      expect(d.gate.holds).toBe(false);
      expect(d.gate.findings.map((f) => f.id)).toContain("review-missing");
      expect(d.submission).toMatchObject({ by: "lead", summary: "CSV serializer" });
      expect(d.reviews).toEqual([]);
      await expect(p.boardTask({ task: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    } finally {
      await p.close();
    }
  });
});
