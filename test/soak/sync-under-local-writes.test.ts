/**
 * Found by the soak (npm run soak): a sync that had to replay gave up with SYNC_RETRIES
 * ("origin kept moving") while agents kept writing to the same clone, although the remote
 * moved only by the sync's own pushes: each round replayed, pushed, then lost the local
 * compare-and-swap to a local write and started over. Now the operations written meanwhile
 * are replayed locally onto what was pushed, round by round, until the local ref moves.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openProject, type Project } from "../../src/runtime/open-project.js";
import { cleanupAll, isolatedEnv, tempDir } from "../helpers/git-repo.js";

afterAll(cleanupAll);

async function world() {
  const root = tempDir("planref-soak-sync-");
  const home = join(root, "home");
  mkdirSync(home);
  writeFileSync(join(home, ".gitconfig"), "[user]\n\tname = Test User\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n[gc]\n\tauto = 0\n");
  const env = isolatedEnv(home);
  const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  const bare = join(root, "remote.git");
  git(root, "init", "-q", "--bare", bare);
  // Every update of the remote's state ref is logged, to tell who moved it.
  git(bare, "config", "core.logAllRefUpdates", "always");
  const a = join(root, "A");
  const b = join(root, "B");
  git(root, "clone", "-q", bare, a);
  git(root, "clone", "-q", bare, b);
  const opened: Project[] = [];
  const open = (cwd: string, actor: string) => {
    const p = openProject({ cwd, env, actor });
    opened.push(p);
    return p;
  };
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
  return { a, b, bare, git, open, tasks, close: async () => Promise.all(opened.map((p) => p.close())) };
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
