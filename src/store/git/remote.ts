import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { RemoteError } from "../../errors.js";
import { readRef } from "./refs.js";
import { type GitResult, runGit } from "./run.js";

export type PushOutcome = { ok: true } | { ok: false; rejected: true; reason: string };

/** Remote-tracking copy of a remote's state ref; outside refs/remotes/ so `git fetch --prune` leaves it alone. */
export function trackingRef(remote: string, ref = "refs/plan/state"): string {
  return `refs/plan/remotes/${remote}/${ref.replace(/^refs\/plan\//, "")}`;
}

/** Every rejection git reports for a push that lost a race; each means fetch, integrate, retry. */
const REJECTED = /\[rejected\]|\(fetch first\)|\(stale info\)|non-fast-forward|failed to update ref|\[remote rejected\]|pre-receive hook declined|rejected/i;

/**
 * Native git for all transport, so https with credential helpers, ssh keys and agents, and
 * bare repositories by path or file:// work with the user's own git setup.
 */
export class GitRemotes {
  constructor(
    private readonly commonDir: string,
    private readonly ref = "refs/plan/state",
    /** Where the user would run git: relative remote URLs resolve from here. */
    private readonly cwd = commonDir,
    /** The caller's environment: credential helpers, ssh agents and config come from it. */
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  private git(args: string[], allowFailure = false): Promise<GitResult> {
    return runGit(args, { cwd: this.cwd, env: this.cwd === this.commonDir ? { ...this.env, GIT_DIR: this.commonDir } : this.env, allowFailure });
  }

  async names(): Promise<string[]> {
    const out = await this.git(["remote"]);
    return out.stdout.toString("utf8").split("\n").filter(Boolean);
  }

  tracking(remote: string): string | null {
    return readRef(this.commonDir, trackingRef(remote, this.ref));
  }

  /**
   * Fetches the remote's state ref into its tracking ref and returns its tip, or null when
   * the remote has no state. The tracking ref is forced: it mirrors the remote, and nothing
   * is adopted from it before validation.
   */
  async fetch(remote: string): Promise<string | null> {
    const r = await this.git(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-recurse-submodules", remote, `+${this.ref}:${trackingRef(remote, this.ref)}`], true);
    if (r.exitCode === 0) return this.tracking(remote);
    if (/couldn't find remote ref/i.test(r.stderr)) {
      await this.git(["update-ref", "-d", trackingRef(remote, this.ref)], true);
      return null;
    }
    throw new RemoteError(`fetching ${this.ref} from ${remote} failed: ${firstLine(r.stderr)}`, {
      hint: `Check that "git fetch ${remote}" works here (URL, credentials, network).`,
      data: { remote, operation: "fetch", stderr: r.stderr.trim() },
    });
  }

  /** Whether the remote has a state ref, without fetching it (for hints on an empty clone). */
  async remoteHasState(remote: string): Promise<boolean> {
    const r = await this.git(["ls-remote", "--exit-code", remote, this.ref], true);
    if (r.exitCode === 0) return r.stdout.length > 0;
    // --exit-code: 2 means the remote answered and has no such ref; anything else is no answer.
    if (r.exitCode === 2) return false;
    throw new RemoteError(`cannot reach ${remote} to see whether it has planref state: ${firstLine(r.stderr)}`, {
      hint: `Check that "git ls-remote ${remote}" works here (URL, credentials, network).`,
      data: { remote, operation: "ls-remote", stderr: r.stderr.trim() },
    });
  }

  /**
   * Pushes `commit` with a lease on the value just fetched, without the user's pre-push
   * hooks (they would run on every sync). A rejection is an outcome, not an error.
   */
  async push(remote: string, commit: string, expected: string | null): Promise<PushOutcome> {
    const lease = `--force-with-lease=${this.ref}:${expected ?? ""}`;
    const r = await this.git(["push", "--quiet", "--no-verify", "--porcelain", lease, remote, `${commit}:${this.ref}`], true);
    if (r.exitCode === 0) {
      await this.git(["update-ref", trackingRef(remote, this.ref), commit]);
      return { ok: true };
    }
    const text = `${r.stdout.toString("utf8")}\n${r.stderr}`;
    if (REJECTED.test(text) && !/could not read from remote|unable to access|does not appear to be a git repository|authentication failed/i.test(text)) {
      return { ok: false, rejected: true, reason: rejectionReason(r.stdout.toString("utf8"), r.stderr) };
    }
    throw new RemoteError(`pushing ${this.ref} to ${remote} failed: ${firstLine(r.stderr)}`, {
      hint: `Check that "git push ${remote}" works here (URL, credentials, network).`,
      data: { remote, operation: "push", stderr: r.stderr.trim() },
    });
  }

  async mergeBase(a: string, b: string): Promise<string | null> {
    const r = await this.git(["merge-base", a, b], true);
    return r.exitCode === 0 ? r.stdout.toString("utf8").trim() || null : null;
  }

  /** Commits on each side since the merge base: what `doctor` and `status` report as divergence. */
  async divergence(local: string, remote: string): Promise<{ ahead: number; behind: number }> {
    const r = await this.git(["rev-list", "--left-right", "--count", `${local}...${remote}`]);
    const [ahead = "0", behind = "0"] = r.stdout.toString("utf8").trim().split(/\s+/);
    return { ahead: Number(ahead), behind: Number(behind) };
  }

  /** Adds the state ref to a remote's fetch refspecs so plain `git fetch` brings it too; idempotent. */
  async addFetchRefspec(remote: string): Promise<{ refspec: string; added: boolean }> {
    const refspec = `+${this.ref}:${trackingRef(remote, this.ref)}`;
    const r = await this.git(["config", "--get-all", `remote.${remote}.fetch`], true);
    if (r.stdout.toString("utf8").split("\n").includes(refspec)) return { refspec, added: false };
    await this.git(["config", "--add", `remote.${remote}.fetch`, refspec]);
    return { refspec, added: true };
  }

  /**
   * One sync at a time per repository, across worktrees and processes: a lock file in the
   * common dir. A second syncer waits for the first (its fetch then finds little to do); a
   * lock whose process is gone is taken over.
   */
  async exclusive<T>(work: () => Promise<T>, waitMs = 120_000): Promise<T> {
    const lock = join(this.commonDir, "planref", "sync.lock");
    mkdirSync(dirname(lock), { recursive: true });
    const deadline = Date.now() + waitMs;
    for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
      try {
        const fd = openSync(lock, "wx");
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        if (abandoned(lock)) {
          try {
            unlinkSync(lock);
          } catch {
            /* another waiter removed it first */
          }
          continue;
        }
        if (Date.now() > deadline) {
          throw new RemoteError(`another planref sync has held ${lock} for over ${Math.round(waitMs / 1000)} s`, { hint: "Wait for it to finish, or remove the lock file if no planref is running.", data: { operation: "lock", lock } });
        }
        await new Promise((r) => setTimeout(r, delay));
      }
    }
    try {
      return await work();
    } finally {
      try {
        unlinkSync(lock);
      } catch {
        /* already gone */
      }
    }
  }
}

/** A lock whose writer process is gone (or unreadable and old) no longer protects anything. */
function abandoned(lock: string): boolean {
  try {
    const pid = Number(readFileSync(lock, "utf8").trim());
    if (!Number.isInteger(pid) || pid <= 0) return Date.now() - statSync(lock).mtimeMs > 10_000;
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

function firstLine(s: string): string {
  return (
    s
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l && !l.startsWith("hint:")) ?? "no output"
  );
}

/**
 * Why a push was refused: git's status for the ref (the porcelain line's summary) and what
 * the remote itself said (a hook's output arrives on stderr as "remote: …" lines), so a
 * refusing hook's own explanation reaches the user.
 */
function rejectionReason(stdout: string, stderr: string): string {
  const status = `${stdout}\n${stderr}`.split("\n").find((l) => /rejected|declined|stale info|fetch first/i.test(l));
  // Porcelain: "!<TAB><src>:<dst><TAB><summary> (<reason>)"; keep the summary.
  const summary = (status ?? "rejected").trim().replace(/^!\s*/, "").split("\t").pop()?.trim() || "rejected";
  const said = stderr
    .split("\n")
    .map((l) => /^remote:(.*)$/.exec(l.trimEnd())?.[1]?.trim())
    .filter((l): l is string => !!l)
    .slice(0, 5);
  return said.length ? `${summary}; the remote said: ${said.join(" / ")}` : summary;
}
