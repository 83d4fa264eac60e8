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
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openProject, type Project } from "../../src/runtime/open-project.js";
import { cleanupAll, isolatedEnv, tempDir } from "../helpers/git-repo.js";

afterAll(cleanupAll);

const BACKLOG = 150;

it.fails(`a clone with ${BACKLOG} operations to replay catches up while the other clone keeps working and syncing`, async () => {
  const root = tempDir("planref-soak-backlog-");
  const home = join(root, "home");
  mkdirSync(home);
  writeFileSync(join(home, ".gitconfig"), "[user]\n\tname = Test User\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n[gc]\n\tauto = 0\n");
  const env = isolatedEnv(home);
  const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  const bare = join(root, "remote.git");
  git(root, "init", "-q", "--bare", bare);
  const [a, b] = [join(root, "A"), join(root, "B")];
  git(root, "clone", "-q", bare, a);
  git(root, "clone", "-q", bare, b);
  const opened: Project[] = [];
  const open = (cwd: string, actor: string) => {
    const p = openProject({ cwd, env, actor });
    opened.push(p);
    return p;
  };
  let stop = false;
  let pushes = 0;
  let pushing: Promise<void> = Promise.resolve();
  try {
    const lead = open(a, "lead");
    await lead.init({ name: "repro" });
    const tasks: string[] = [];
    for (const name of ["one", "two"]) {
      const t = await lead.addTask({ title: name, acceptanceCriteria: ["works"], verification: ["true"], scope: [`src/${name}/**`] });
      await lead.reviewTask({ task: t.task.id, verdict: "approve" });
      tasks.push(t.task.id);
    }
    await lead.sync();
    await open(b, "lead").init();

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
    for (const p of opened) await p.close();
  }
}, 120_000);
