import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openProject, type Project } from "../../src/runtime/open-project.js";
import { isolatedEnv, tempDir } from "../helpers/git-repo.js";
import { type HttpGitServer, startHttpGitServer } from "../helpers/http-git-server.js";

export type Transport = "path" | "file" | "http";

const ROOT = join(import.meta.dirname, "..", "..");
export const INVOICE = readFileSync(join(ROOT, "fixtures/prd/invoice-export.md"), "utf8");
const EXTRA = ["alpha", "beta", "gamma"];
const extraIds: string[] = [];
/** Ready tasks: 1 and 2 from the PRD, 3 to 5 added with disjoint scopes. */
export const T = (n: number) => (n <= 2 ? `invoice-export.T00${n}` : (extraIds[n - 3] as string));

/** One bare remote and several clones of it, each a real repository with its own state ref. */
export interface SyncWorld {
  root: string;
  env: NodeJS.ProcessEnv;
  bare: string;
  url: string;
  clones: string[];
  server: HttpGitServer | null;
  /** A project in clone `i`, acting as `actor`; closed by `close()`. */
  project(i: number, actor: string): Project;
  git(dir: string, ...args: string[]): string;
  tip(dir: string): string | null;
  close(): Promise<void>;
}

export async function makeWorld(transport: Transport, clones: number, options: { team?: boolean } = {}): Promise<SyncWorld> {
  const root = tempDir("planref-sync-");
  const home = join(root, "home");
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, ".gitconfig"), "[user]\n\tname = Test User\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n[gc]\n\tauto = 0\n");
  const env = isolatedEnv(home);
  const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const bare = join(root, "remote.git");
  git(root, "init", "-q", "--bare", bare);
  const server = transport === "http" ? await startHttpGitServer(root, env) : null;
  const url = server ? server.url("remote.git") : transport === "file" ? `file://${bare}` : bare;
  const opened: Project[] = [];
  const dirs: string[] = [];
  for (let i = 0; i < clones; i++) {
    const dir = join(root, `clone${i}`);
    git(root, "clone", "-q", url, dir);
    dirs.push(dir);
  }
  const world: SyncWorld = {
    root,
    env,
    bare,
    url,
    clones: dirs,
    server,
    project(i, actor) {
      const p = openProject({ cwd: dirs[i] as string, env, actor });
      opened.push(p);
      return p;
    },
    git,
    tip(dir) {
      try {
        return git(dir, "rev-parse", "--verify", "-q", "refs/plan/state").trim();
      } catch {
        return null;
      }
    },
    async close() {
      for (const p of opened.splice(0)) await p.close();
      await server?.close();
    },
  };
  // Clone 0 creates the state, imports a spec and makes tasks ready; the others adopt it.
  const seed = world.project(0, "lead");
  extraIds.length = 0;
  await seed.init({ name: "sync" });
  await seed.importSpec({ file: "invoice-export.md", text: INVOICE });
  await seed.reviewSpec({ spec: "invoice-export", verdict: "approve" });
  for (let n = 1; n <= 2; n++) await seed.reviewTask({ task: T(n), verdict: "approve" });
  // Independent tasks with disjoint scopes, so several clones can each hold one.
  for (const name of EXTRA) {
    const t = await seed.addTask({ title: `module ${name}`, intent: `build ${name}`, acceptanceCriteria: [`${name} works`], verification: ["true"], scope: [`src/${name}/**`] });
    await seed.reviewTask({ task: t.task.id, verdict: "approve" });
    extraIds.push(t.task.id);
  }
  if (options.team) await seed.setConfig({ key: "sync.mode", value: "team" });
  await seed.sync();
  for (let i = 1; i < clones; i++) await world.project(i, "lead").init();
  return world;
}

/** The documents of refs/plan/state at a commit, as git sees them (path -> blob id). */
export function stateTree(world: SyncWorld, dir: string): Map<string, string> {
  const out = world.git(dir, "ls-tree", "-r", "refs/plan/state");
  return new Map(
    out
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const [meta = "", path = ""] = l.split("\t");
        return [path, meta.split(" ")[2] as string];
      }),
  );
}
