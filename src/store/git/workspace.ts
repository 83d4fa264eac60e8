import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { GitError } from "../../errors.js";
import { discoverRepository, type RepoLocation } from "./discover.js";
import { readRef } from "./refs.js";
import { type GitBatchCommand, type GitResult, gitText, runGit, runGitBatch } from "./run.js";

interface PendingRead {
  command: GitBatchCommand;
  resolve: (r: GitResult) => void;
  reject: (e: unknown) => void;
}

export interface GitWorkspaceOptions {
  /**
   * The process answers one request (a hook, one CLI command): a worktree's HEAD, untracked
   * files, changes and fingerprint are looked up once and reused, as if read at one instant,
   * and the git reads asked for together run from one spawn. Off for long-lived processes,
   * where the worktree keeps changing between requests.
   */
  oneShot?: boolean;
}

/**
 * Git operations on the user's repository for task branches and worktrees. Every command
 * names its target explicitly (`git branch <name> <base>`, `git worktree add <path>`), so
 * the caller's checkout, index and HEAD are never touched.
 */
export class GitWorkspace {
  private readonly memo: Map<string, Promise<unknown>> | null;
  /** One-shot reads waiting for the end of this turn of the event loop, by directory. */
  private pending: Map<string, PendingRead[]> | null = null;

  constructor(
    private readonly location: RepoLocation,
    private readonly env: NodeJS.ProcessEnv,
    options: GitWorkspaceOptions = {},
  ) {
    this.memo = options.oneShot ? new Map() : null;
  }

  private cwd(worktree?: string): string {
    return worktree ?? this.location.workTree ?? this.location.commonDir;
  }

  /** A read-only git command; in one-shot mode, gathered with the others asked for at the same time. */
  private read(args: string[], cwd: string, allowFailure = false): Promise<GitResult> {
    if (!this.memo) return runGit(args, { cwd, env: this.env, allowFailure, readOnly: true });
    return new Promise((resolve, reject) => {
      if (!this.pending) {
        this.pending = new Map();
        setImmediate(() => this.flush());
      }
      const list = this.pending.get(cwd) ?? [];
      list.push({ command: { args, allowFailure }, resolve, reject });
      this.pending.set(cwd, list);
    });
  }

  private flush(): void {
    const groups = this.pending ?? new Map<string, PendingRead[]>();
    this.pending = null;
    for (const [cwd, list] of groups) {
      runGitBatch(
        list.map((p) => ({ args: p.command.args, allowFailure: true })),
        { cwd, env: this.env },
      ).then(
        (results) =>
          list.forEach((p, i) => {
            const r = results[i] as GitResult;
            if (r.exitCode !== 0 && !p.command.allowFailure) p.reject(new GitError(p.command.args, r.exitCode, r.stderr));
            else p.resolve(r);
          }),
        (e) => list.forEach((p) => p.reject(e)),
      );
    }
  }

  private once<T>(key: string, get: () => Promise<T>): Promise<T> {
    if (!this.memo) return get();
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = get();
      this.memo.set(key, p);
    }
    return p;
  }

  async head(worktree?: string): Promise<string | null> {
    const cwd = this.cwd(worktree);
    return this.once(`head\0${cwd}`, async () => {
      const known = headFromFiles(cwd, this.env);
      if (known !== undefined) return known;
      const r = await this.read(["rev-parse", "--verify", "-q", "HEAD"], cwd, true);
      return r.exitCode === 0 ? r.stdout.toString().trim() : null;
    });
  }

  private untracked(worktree: string): Promise<string[]> {
    return this.once(`untracked\0${worktree}`, async () =>
      (await this.read(["ls-files", "--others", "--exclude-standard", "-z"], worktree)).stdout.toString("utf8").split("\0").filter(Boolean),
    );
  }

  async resolveCommit(rev: string): Promise<string> {
    return (await gitText(["rev-parse", "--verify", "-q", `${rev}^{commit}`], { cwd: this.cwd(), env: this.env, readOnly: true })).trim();
  }

  async createBranch(name: string, base: string): Promise<void> {
    const existing = await runGit(["rev-parse", "--verify", "-q", `refs/heads/${name}`], { cwd: this.cwd(), env: this.env, allowFailure: true, readOnly: true });
    if (existing.exitCode === 0) return;
    await runGit(["branch", "--no-track", name, base], { cwd: this.cwd(), env: this.env });
  }

  async addWorktree(path: string, branch: string): Promise<void> {
    const list = await whileWorktreesSettle(() => gitText(["worktree", "list", "--porcelain"], { cwd: this.cwd(), env: this.env, readOnly: true }));
    if (list.split("\n").some((l) => l === `worktree ${path}`)) return;
    await whileWorktreesSettle(() => runGit(["worktree", "add", "--quiet", path, branch], { cwd: this.cwd(), env: this.env }));
  }

  state(worktree: string): Promise<string | null> {
    return this.once(`state\0${worktree}`, () => this.readState(worktree));
  }

  private async readState(worktree: string): Promise<string | null> {
    try {
      // The three reads are independent: run them side by side.
      const [head, diff, untracked] = await Promise.all([
        this.head(worktree),
        this.read(["diff", "HEAD", "--binary", "--no-color", "--no-ext-diff"], worktree, true),
        this.untracked(worktree),
      ]);
      const hash = createHash("sha256");
      hash.update(`${head ?? "unborn"}\n`);
      hash.update(diff.stdout);
      if (untracked.length) {
        hash.update(untracked.join("\0"));
        hash.update(await gitText(["hash-object", "--stdin-paths"], { cwd: worktree, env: this.env, input: untracked.join("\n"), readOnly: true }));
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
    const list = await whileWorktreesSettle(() => gitText(["worktree", "list", "--porcelain"], { cwd: this.cwd(), env: this.env, readOnly: true }));
    let path: string | null = null;
    for (const line of list.split("\n")) {
      if (line.startsWith("worktree ")) path = line.slice("worktree ".length);
      else if (line === `branch refs/heads/${branch}`) return path;
    }
    return null;
  }

  changedFiles(base: string, worktree: string): Promise<string[]> {
    return this.once(`changed\0${base}\0${worktree}`, () => this.readChangedFiles(base, worktree));
  }

  private async readChangedFiles(base: string, worktree: string): Promise<string[]> {
    const files = new Set<string>();
    try {
      const [diff, untracked] = await Promise.all([this.read(["diff", "--name-only", "-z", base], worktree), this.untracked(worktree)]);
      for (const f of diff.stdout.toString("utf8").split("\0")) if (f) files.add(f);
      for (const f of untracked) files.add(f);
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
 * A worktree's HEAD commit read from git's files, as `git rev-parse --verify HEAD` would
 * answer it: null when the branch is unborn, undefined when only git can tell (a symbolic
 * ref outside refs/heads, a ref file planref does not read, no repository).
 */
export function headFromFiles(cwd: string, env: NodeJS.ProcessEnv): string | null | undefined {
  try {
    const { gitDir, commonDir } = discoverRepository(cwd, env);
    const head = readFileSync(join(gitDir, "HEAD"), "utf8").trim();
    if (/^[0-9a-f]{40}$/.test(head)) return head;
    const m = /^ref: (refs\/heads\/\S+)$/.exec(head);
    // Names git would refuse, or that would lead outside refs/: git decides.
    if (!m?.[1] || /\.\.|\/\/|\\|\/$|\.lock$|[\x00-\x1f]/.test(m[1])) return undefined;
    return readRef(commonDir, m[1]);
  } catch {
    return undefined;
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
