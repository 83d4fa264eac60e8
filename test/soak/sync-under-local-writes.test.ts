/**
 * Found by the soak (npm run soak): a sync that had to replay gave up with SYNC_RETRIES
 * ("origin kept moving") while agents kept writing to the same clone, although the remote
 * moved only by the sync's own pushes: each round replayed, pushed, then lost the local
 * compare-and-swap to a local write and started over. Now the operations written meanwhile
 * are replayed locally onto what was pushed, round by round, until the local ref moves.
 */
import { afterAll, expect, it } from "vitest";
import { cleanupAll } from "../helpers/git-repo.js";
import { seedReadyTasks, twoClones } from "./two-clones.js";

afterAll(cleanupAll);

async function world() {
  const w = twoClones("planref-soak-sync-");
  // Every update of the remote's state ref is logged, to tell who moved it.
  w.git(w.bare, "config", "core.logAllRefUpdates", "always");
  return { ...w, tasks: await seedReadyTasks(w, ["one", "two"]) };
}

it("a sync with local operations to replay completes while another process keeps writing to the same clone", async () => {
  const w = await world();
  try {
    // The remote moves ahead (bob on clone B) and clone A has a local operation: A must replay.
    const bob = w.open(w.b, "bob");
    await bob.claim({ task: w.tasks[1] as string });
    await bob.sync();
    const ann = w.open(w.a, "ann");
    await ann.claim({ task: w.tasks[0] as string });
    const remoteBefore = w.git(w.bare, "rev-parse", "refs/plan/state");

    // ann keeps working on clone A (heartbeat after heartbeat) while lead syncs it.
    let stop = false;
    let beats = 0;
    const working = (async () => {
      while (!stop) {
        await ann.heartbeat({ task: w.tasks[0] as string });
        beats++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const lead = w.open(w.a, "lead");
    let error: unknown = null;
    try {
      await lead.sync();
    } catch (e) {
      error = e;
    } finally {
      stop = true;
      await working;
    }
    // Clone B is idle: every move of the remote since remoteBefore is one of this sync's pushes.
    const moves = w.git(w.bare, "reflog", "show", "--format=%H", "refs/plan/state").split("\n");
    expect(moves).toContain(remoteBefore);
    expect(beats).toBeGreaterThan(0);
    expect(error, `sync failed after ${beats} local heartbeats and ${moves.indexOf(remoteBefore)} pushes of its own: ${(error as Error | null)?.message}`).toBeNull();
  } finally {
    await w.close();
  }
}, 60_000);
