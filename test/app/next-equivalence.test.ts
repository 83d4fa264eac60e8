import { afterAll, describe, expect, it } from "vitest";
import { pickNext, planWaves } from "../../src/domain/planning/index.js";
import { leaseClock } from "../../src/app/state/claims.js";
import { readPlan } from "../../src/app/state/plan.js";
import { overlaps, planningView } from "../../src/app/state/planning.js";
import { openProject } from "../../src/runtime/open-project.js";
import { cleanupAll, makeRepo } from "../helpers/git-repo.js";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";

afterAll(cleanupAll);

const PRD = fileURLToPath(new URL("../../fixtures/prd/invoice-export.md", import.meta.url));

/**
 * `next` ranks once per commit and filters by live claims at request time, and both it and
 * `waves` are carried across commits that change nothing they see; this checks they always
 * agree with the domain's pickNext and planWaves run on the whole plan, as claims come and go.
 */
describe("next and waves agree with the domain's pickNext and planWaves", () => {
  it("through claims, overlaps, stale leases and releases", async () => {
    const repo = makeRepo();
    let now = Date.parse("2030-01-01T00:00:00Z");
    const open = (actor: string) => openProject({ cwd: repo.dir, env: repo.env, actor, kind: "agent", now: () => new Date(now) });
    const lead = open("lead");
    await lead.init();
    await lead.importSpec({ file: "invoice-export.md", text: readFileSync(PRD, "utf8") });
    await lead.reviewSpec({ spec: "invoice-export", verdict: "approve" });
    for (const t of ["T001", "T002", "T003", "T004", "T005"]) await lead.reviewTask({ task: t, verdict: "approve" });
    await lead.addTask({ title: "Shared CSV helpers", acceptanceCriteria: ["x"], verification: ["true"], scope: ["src/export/**"], priority: "critical" });
    const added = (await lead.listTasks()).find((t) => t.title === "Shared CSV helpers")?.id as string;
    await lead.reviewTask({ task: added, verdict: "approve" });

    const check = async (label: string) => {
      const p = open("someone");
      const got = await p.next({ kind: "agent" });
      const snap = await p.store.snapshot();
      const view = planningView(snap, leaseClock(p.context, readPlan(snap)));
      const want = pickNext({ tasks: view.tasks, liveClaims: view.liveClaims, actor: "someone", kind: "agent", overlaps });
      expect(got.candidate?.id ?? null, label).toBe(want.candidate?.id ?? null);
      expect(got.claimableCount, label).toBe(want.claimableCount);
      // The wave plan, carried or not, is the domain's plan of the whole state.
      expect(await p.waves(), label).toEqual(planWaves({ tasks: view.tasks, liveClaims: view.liveClaims, overlaps }));
      await p.close();
    };
    await check("nothing claimed");
    const a = open("a");
    await a.claim({ task: added, lease: "10m" });
    await check("a holds the wide src/export/** task: T001/T002 overlap it");
    now += 11 * 60_000 + 3 * 60_000;
    await check("a's lease went stale");
    const b = open("b");
    await b.claim({ task: "T001", lease: "30m" });
    await check("b holds T001");
    await b.release({ task: "T001" });
    await check("b released T001");
    // Commits that change no task carry the ranking; one that does must not.
    await lead.setConfig({ key: "packet.maxBytes", value: "9000" });
    await check("a setting changed");
    await b.claim({ task: "T001", lease: "30m" });
    await b.heartbeat({ task: "T001" });
    await check("b heartbeats T001");
    await b.release({ task: "T001" });
    await lead.editTask("T002", { priority: "critical" });
    await check("T002 became critical");
    await lead.editTask("T002", { priority: "low" });
    await check("T002 became low");
    // A claim moves its task from ready to held, which the ranking counts as ready: carried.
    await b.claim({ task: "T001", lease: "30m" });
    await check("b holds T001 again");
    await b.release({ task: "T001" });
    await lead.cancelTask("T001", "merged into the helpers");
    await check("T001 cancelled: what waited on it can never run");
    for (const p of [lead, a, b]) await p.close();
  });
});
