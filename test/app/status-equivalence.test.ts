import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { claimPath, taskPath } from "../../src/app/state/documents.js";
import { openProject, type Project } from "../../src/runtime/open-project.js";
import { type ClaimDoc, TASK_STATUSES, type TaskDoc } from "../../src/schema/types.js";
import { cleanupAll, makeRepo } from "../helpers/git-repo.js";
import { mulberry32 as prng } from "../../bench/prng.mjs";

afterAll(cleanupAll);

const PRD = readFileSync(join(import.meta.dirname, "..", "..", "fixtures/prd/invoice-export.md"), "utf8");

/**
 * `status` counts once per commit and, after a commit that changed a few documents, updates
 * the counts from those documents instead. After every operation of a long seeded sequence
 * (the use cases, and hand-made commits that move tasks to any status, claims to any state,
 * several documents at once), a fresh process's status must be byte for byte what a status
 * computed from scratch says.
 */
describe("status updated from the changed documents equals status counted from scratch", () => {
  it("through claims, heartbeats, releases, reviews, settings and arbitrary status moves", async () => {
    const repo = makeRepo();
    let now = Date.parse("2030-01-01T00:00:00Z");
    const open = (actor: string) => openProject({ cwd: repo.dir, env: repo.env, actor, kind: "agent", now: () => new Date(now) });
    const viewsDir = join(repo.dir, ".git", "planref", "cache", "views");
    const lead = open("lead");
    await lead.init({ name: "shop" });
    await lead.importSpec({ file: "invoice-export.md", text: PRD });
    await lead.reviewSpec({ spec: "invoice-export", verdict: "approve" });
    for (let i = 0; i < 4; i++) {
      await lead.addTask({ title: `extra ${i}`, acceptanceCriteria: ["x"], verification: ["true"], scope: [`extra${i}/**`], ...(i > 1 ? { dependencies: ["T001"] } : {}) });
    }
    await lead.close();

    const rnd = prng(11);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const actors = ["ann", "bob", "cy"];
    const held = (tasks: TaskDoc[]) => (tasks.some((t) => t.status === "claimed" || t.status === "in_progress") ? tasks.filter((t) => t.status === "claimed" || t.status === "in_progress") : tasks);
    const ops: Array<(p: Project, tasks: TaskDoc[]) => Promise<unknown>> = [
      (p, tasks) => p.reviewTask({ task: pick(tasks).id, verdict: "approve" }),
      (p, tasks) => p.claim({ task: pick(tasks).id, lease: "10m" }),
      (p, tasks) => p.heartbeat({ task: pick(held(tasks)).id }),
      (p, tasks) => p.release({ task: pick(held(tasks)).id }),
      (p, tasks) => p.release({ task: pick(held(tasks)).id, force: true, reason: "test" }),
      (p) => p.setConfig({ key: "claims.skewMargin", value: pick(["1m", "2m", "5m"]) }),
      async () => (now += Math.floor(rnd() * 20) * 60_000),
      // Any task to any status, sometimes two at once (the status may be one no use case would allow).
      (p, tasks) =>
        p.store.transact(() => ({
          changes: [pick(tasks), pick(tasks)].slice(0, 1 + Math.floor(rnd() * 2)).map((t) => ({ path: taskPath(t.id), value: { ...t, status: pick(TASK_STATUSES) } })),
          commit: { subject: "move", trailers: [["Planref-Op", "test"]], author: { name: "t", email: "t@example.com" }, time: new Date(now) },
          result: null,
        })),
      // A claim document to another state, or gone.
      async (p) => {
        const snap = await p.store.snapshot();
        const claims = snap.paths("claims/").map((path) => snap.get(path) as ClaimDoc);
        if (claims.length === 0) return;
        const c = pick(claims);
        const value = rnd() < 0.2 ? null : { ...c, state: pick(["live", "released"] as const), ...(c.ended ? {} : { ended: { how: "released", at: c.acquiredAt, by: c.holder.actor } }) };
        await p.store.transact(() => ({ changes: [{ path: claimPath(c.task), value }], commit: { subject: "claim state", trailers: [["Planref-Op", "test"]], author: { name: "t", email: "t@example.com" }, time: new Date(now) }, result: null }));
      },
    ];

    let applied = 0;
    for (let step = 0; step < 160; step++) {
      const p = open(pick(actors));
      const snap = await p.store.snapshot();
      const tasks = snap.paths("tasks/").map((path) => snap.get(path) as TaskDoc);
      try {
        await pick(ops)(p, tasks);
        applied++;
      } catch {
        // Refused by the rules (claimed already, not held, ...): nothing was written.
      }
      await p.close();

      // A fresh process reads the view the last one left (and updates or recomputes it).
      const reader = open("reader");
      const got = JSON.stringify(await reader.status());
      await reader.close();
      rmSync(viewsDir, { recursive: true, force: true });
      const scratch = open("reader");
      const want = JSON.stringify(await scratch.status());
      await scratch.close();
      // The view computed from scratch is what the next step's reader starts from.
      expect(got, `after step ${step}`).toBe(want);
    }
    expect(applied).toBeGreaterThan(60);
  }, 120_000);
});
