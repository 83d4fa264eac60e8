import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openProject, type Project } from "../../src/runtime/open-project.js";
import { isolatedEnv, tempDir } from "../helpers/git-repo.js";

/** A bare remote and two clones of it, A and B, with isolated git config: the soak's reproducers start here. */
export interface TwoClones {
  root: string;
  env: NodeJS.ProcessEnv;
  bare: string;
  a: string;
  b: string;
  git(cwd: string, ...args: string[]): string;
  /** A project in `cwd` acting as `actor`; closed by `close()`. */
  open(cwd: string, actor: string): Project;
  close(): Promise<void>;
}

export function twoClones(prefix: string): TwoClones {
  const root = tempDir(prefix);
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
  return {
    root,
    env,
    bare,
    a,
    b,
    git,
    open(cwd, actor) {
      const p = openProject({ cwd, env, actor });
      opened.push(p);
      return p;
    },
    async close() {
      for (const p of opened.splice(0)) await p.close();
    },
  };
}

/** Clone A creates the state with ready tasks of disjoint scopes, pushes it, and clone B adopts it. */
export async function seedReadyTasks(w: TwoClones, names: string[]): Promise<string[]> {
  const lead = w.open(w.a, "lead");
  await lead.init({ name: "repro" });
  const tasks: string[] = [];
  for (const name of names) {
    const t = await lead.addTask({ title: name, acceptanceCriteria: ["works"], verification: ["true"], scope: [`src/${name}/**`] });
    await lead.reviewTask({ task: t.task.id, verdict: "approve" });
    tasks.push(t.task.id);
  }
  await lead.sync();
  await w.open(w.b, "lead").init();
  return tasks;
}
