import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { GitError } from "../../errors.js";
import type { RepoLocation } from "./discover.js";
import { gitText, runGit } from "./run.js";

/**
 * Git operations on the user's repository for task branches and worktrees. Every command
 * names its target explicitly (`git branch <name> <base>`, `git worktree add <path>`), so
 * the caller's checkout, index and HEAD are never touched.
 */
export class GitWorkspace {
  constructor(
    private readonly location: RepoLocation,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private cwd(worktree?: string): string {
    return worktree ?? this.location.workTree ?? this.location.commonDir;
  }

  async head(worktree?: string): Promise<string | null> {
    const r = await runGit(["rev-parse", "--verify", "-q", "HEAD"], { cwd: this.cwd(worktree), env: this.env, allowFailure: true });
    return r.exitCode === 0 ? r.stdout.toString().trim() : null;
  }

  async resolveCommit(rev: string): Promise<string> {
    return (await gitText(["rev-parse", "--verify", "-q", `${rev}^{commit}`], { cwd: this.cwd(), env: this.env })).trim();
  }

  async createBranch(name: string, base: string): Promise<void> {
    const existing = await runGit(["rev-parse", "--verify", "-q", `refs/heads/${name}`], { cwd: this.cwd(), env: this.env, allowFailure: true });
    if (existing.exitCode === 0) return;
    await runGit(["branch", "--no-track", name, base], { cwd: this.cwd(), env: this.env });
  }

  async addWorktree(path: string, branch: string): Promise<void> {
    const list = await whileWorktreesSettle(() => gitText(["worktree", "list", "--porcelain"], { cwd: this.cwd(), env: this.env }));
    if (list.split("\n").some((l) => l === `worktree ${path}`)) return;
    await whileWorktreesSettle(() => runGit(["worktree", "add", "--quiet", path, branch], { cwd: this.cwd(), env: this.env }));
  }

  async state(worktree: string): Promise<string | null> {
    try {
      const hash = createHash("sha256");
      hash.update(`${(await this.head(worktree)) ?? "unborn"}\n`);
      hash.update((await runGit(["diff", "HEAD", "--binary", "--no-color", "--no-ext-diff"], { cwd: worktree, env: this.env, allowFailure: true })).stdout);
      const untracked = (await gitText(["ls-files", "--others", "--exclude-standard", "-z"], { cwd: worktree, env: this.env })).split("\0").filter(Boolean);
      if (untracked.length) {
        hash.update(untracked.join("\0"));
        hash.update(await gitText(["hash-object", "--stdin-paths"], { cwd: worktree, env: this.env, input: untracked.join("\n") }));
      }
      return hash.digest("hex");
    } catch {
      return null;
    }
  }

  occupied(path: string): boolean {
    try {
      return readdirSync(path).length > 0;
    } catch (e) {
      // A file in the way is as occupied as a full directory; a missing path is free.
      return (e as NodeJS.ErrnoException).code !== "ENOENT";
    }
  }

  async worktreeOf(branch: string): Promise<string | null> {
    const list = await whileWorktreesSettle(() => gitText(["worktree", "list", "--porcelain"], { cwd: this.cwd(), env: this.env }));
    let path: string | null = null;
    for (const line of list.split("\n")) {
      if (line.startsWith("worktree ")) path = line.slice("worktree ".length);
      else if (line === `branch refs/heads/${branch}`) return path;
    }
    return null;
  }

  async changedFiles(base: string, worktree: string): Promise<string[]> {
    const files = new Set<string>();
    const add = (text: string) => text.split("\0").filter(Boolean).forEach((f) => files.add(f));
    try {
      add(await gitText(["diff", "--name-only", "-z", base], { cwd: worktree, env: this.env }));
      add(await gitText(["ls-files", "--others", "--exclude-standard", "-z"], { cwd: worktree, env: this.env }));
    } catch (e) {
      if (e instanceof GitError) return [];
      throw e;
    }
    return [...files].sort();
  }

  defaultWorktreePath(taskLocalId: string): string {
    const top = this.location.workTree ?? this.location.commonDir;
    return join(dirname(top), `${basename(top)}.worktrees`, taskLocalId);
  }
}

/**
 * Runs a git command that reads every worktree's entry. While another process is inside
 * `git worktree add`, its entry under .git/worktrees is half written and such commands die
 * ("failed to read .git/worktrees/<name>/commondir") before changing anything: two agents
 * claiming with --worktree at the same moment hit this. Wait for the entry, and try again.
 */
async function whileWorktreesSettle<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (attempt >= 8 || !(e instanceof GitError) || !/failed to read .*worktrees\//.test(e.data.stderr)) throw e;
      await new Promise((resolve) => setTimeout(resolve, 15 * attempt));
    }
  }
}

/** The branch checked out in a worktree, read from its HEAD file (no spawn). */
export function currentBranch(gitDir: string): string | null {
  try {
    const head = readFileSync(join(gitDir, "HEAD"), "utf8").trim();
    return head.startsWith("ref: refs/heads/") ? head.slice("ref: refs/heads/".length) : null;
  } catch {
    return null;
  }
}
