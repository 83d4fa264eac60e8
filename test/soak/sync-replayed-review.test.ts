/**
 * Found by the soak (npm run soak, 10 minutes): a replayed `review --request-changes` left a
 * task in_progress under a released claim, where nobody can claim, release, submit or review
 * it any more. Clone A reviewed the submission while its claim was live (submitted ->
 * in_progress). Meanwhile clone B rejected the task, approved it again, and a new claim
 * submitted and released it: the task is `submitted` again, under another submission and a
 * released claim. When A syncs, the review is replayed as a three-way merge of the task
 * document: `status` is `submitted` on both the base and the remote, so A's `in_progress`
 * wins, and the review's rules (the claim it found live, the submission it reviewed) are not
 * re-checked.
 *
 * A replayed operation that moved a status now stands only if the document did not change
 * remotely meanwhile: here the review becomes a conflict record.
 */
import { afterAll, expect, it } from "vitest";
import { cleanupAll } from "../helpers/git-repo.js";
import { twoClones } from "./two-clones.js";

afterAll(cleanupAll);

it("a review replayed onto a task that went round the cycle on the remote never leaves it held under a released claim", async () => {
  const w = twoClones("planref-soak-review-");
  const { a, b } = w;
  const open = (cwd: string, actor: string) => w.open(cwd, actor);
  try {
    // A: a ready task, claimed and submitted by ann; B adopts that state.
    const lead = open(a, "lead");
    await lead.init({ name: "repro" });
    const task = (await lead.addTask({ title: "one", acceptanceCriteria: ["works"], verification: ["true"], scope: ["src/one/**"] })).task.id;
    await lead.reviewTask({ task, verdict: "approve" });
    const ann = open(a, "ann");
    await ann.claim({ task });
    await ann.submit({ task, summary: "done" });
    await lead.sync();
    await open(b, "lead").init();

    // A, not synced: rita asks for changes while ann's claim is live.
    expect((await open(a, "rita").review({ task, verdict: "request-changes" })).status).toBe("in_progress");

    // B: rob rejects, approves readiness again; bob claims, submits and releases. B syncs first.
    const rob = open(b, "rob");
    await rob.review({ task, verdict: "reject" });
    await rob.reviewTask({ task, verdict: "approve" });
    const bob = open(b, "bob");
    await bob.claim({ task });
    await bob.submit({ task, summary: "done again" });
    await bob.release({ task });
    await rob.sync();

    const r = await lead.sync();
    const shown = await lead.showTask(task);
    const claim = (await lead.status()).claims.find((c) => c.task === task);
    // Before: submitted under bob's released claim. The replayed review becomes a conflict
    // record, or leaves the task consistent; a held status needs a live claim.
    const held = ["claimed", "in_progress", "blocked"].includes(shown.task.status);
    expect(held && !claim, `after the sync ${task} is ${shown.task.status} with no live claim (conflicts: ${JSON.stringify(r.conflicts.map((c) => [c.op, c.code]))})`).toBe(false);
  } finally {
    await w.close();
  }
}, 60_000);
