/**
 * Found by the soak (npm run soak, 10 minutes): once one clone has a few hundred operations
 * to replay, it cannot sync while the other clone keeps pushing. Every round replays the
 * whole backlog onto the tip it fetched, which takes longer than the other clone takes to
 * push again, so the push with a lease is refused and the next round starts over from
 * scratch; after six rounds the sync gives up (SYNC_RETRIES). In the soak such a sync held
 * clone B's single-flight lock for 194 s, other syncs there gave up waiting after 120 s
 * (REMOTE_FAILED), 3 of B's 49 syncs finished in 10 minutes, and B's work became conflict
 * records when it finally synced after the run.
 *
 * A backlog is now replayed and pushed in chunks of 25, and each chunk that reaches the
 * remote stays there, so later syncs go on from it instead of starting over. Against a
 * remote that moves faster than a chunk can be replayed (here, every second) a single sync
 * still gives up: `it.fails` while that stands.
 */
import { afterAll, expect, it } from "vitest";
import { cleanupAll } from "../helpers/git-repo.js";
import { seedReadyTasks, twoClones } from "./two-clones.js";

afterAll(cleanupAll);

const BACKLOG = 150;

it.fails(`a clone with ${BACKLOG} operations to replay catches up while the other clone keeps working and syncing`, async () => {
  const w = twoClones("planref-soak-backlog-");
  const { a, b } = w;
  const open = (cwd: string, actor: string) => w.open(cwd, actor);
  let stop = false;
  let pushes = 0;
  let pushing: Promise<void> = Promise.resolve();
  try {
    const tasks = await seedReadyTasks(w, ["one", "two"]);

    // B works offline for a while: a claim and its heartbeats.
    const bob = open(b, "bob");
    await bob.claim({ task: tasks[1] as string, lease: "1h" });
    for (let i = 0; i < BACKLOG; i++) await bob.heartbeat({ task: tasks[1] as string });

    // A keeps working and syncing: a heartbeat, a sync (a push), 100 ms, again.
    const ann = open(a, "ann");
    await ann.claim({ task: tasks[0] as string, lease: "1h" });
    pushing = (async () => {
      while (!stop) {
        await ann.heartbeat({ task: tasks[0] as string });
        await ann.sync();
        pushes++;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const t0 = performance.now();
    let error: unknown = null;
    try {
      await bob.sync();
    } catch (e) {
      error = e;
    }
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    expect(error, `B's sync gave up after ${seconds} s while A pushed ${pushes} times: ${(error as Error | null)?.message}`).toBeNull();
  } finally {
    stop = true;
    await pushing;
    await w.close();
  }
}, 120_000);
