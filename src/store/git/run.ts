import { spawn } from "node:child_process";
import { GitError, UnsupportedRepositoryError } from "../../errors.js";

export interface GitRunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  /** Resolve with the result instead of throwing when git exits non-zero. */
  allowFailure?: boolean;
  /**
   * The command changes nothing (diff, ls-files, rev-parse, log, var): it may run while the
   * version check is still under way; its result is still withheld until the check passes.
   */
  readOnly?: boolean;
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number | null;
}

/**
 * Runs one native git command. The environment is the caller's, minus variables that
 * would make git prompt (no command may prompt when stdin is not a terminal).
 */
export async function runGit(args: string[], options: GitRunOptions): Promise<GitResult> {
  // Checked once per process, on the first git planref runs: reads that never spawn git stay free.
  const checked = ensureGitVersion(options.cwd);
  if (!options.readOnly) {
    await checked;
    return spawnGit(args, options);
  }
  // A read overlaps the check instead of waiting for it; an old git still fails the command
  // with the version error, whatever the read itself made of it.
  const run = spawnGit(args, options);
  run.catch(() => {});
  await checked;
  return run;
}

let versionChecked: Promise<string> | null = null;

/** The version check of this process, started on first use; writes await it before publishing. */
export function ensureGitVersion(cwd: string): Promise<string> {
  if (!versionChecked) {
    versionChecked = checkGitVersion(cwd);
    versionChecked.catch(() => {});
  }
  return versionChecked;
}

function spawnGit(args: string[], options: GitRunOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd: options.cwd,
      env: gitEnv(options.env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", (e) => reject(new GitError(args, null, e.message)));
    child.on("close", (code) => {
      const result = { stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8"), exitCode: code };
      if (code !== 0 && !options.allowFailure) reject(new GitError(args, code, result.stderr));
      else resolve(result);
    });
    child.stdin.on("error", () => {
      /* git may exit before reading its input; the exit code tells the story */
    });
    child.stdin.end(options.input ?? "");
  });
}

export async function gitText(args: string[], options: GitRunOptions): Promise<string> {
  return (await runGit(args, options)).stdout.toString("utf8");
}

export function gitEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" };
}

export const MIN_GIT_VERSION = [2, 31, 0] as const;

export function parseGitVersion(text: string): [number, number, number] | null {
  const m = /git version (\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function versionAtLeast(v: readonly number[], min: readonly number[]): boolean {
  for (let i = 0; i < min.length; i++) {
    const a = v[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/** Fails with UNSUPPORTED_REPOSITORY when git is missing or older than 2.31. */
export async function checkGitVersion(cwd: string): Promise<string> {
  let text: string;
  try {
    text = (await spawnGit(["--version"], { cwd })).stdout.toString("utf8");
  } catch (e) {
    throw new UnsupportedRepositoryError("git was not found or could not run", {
      hint: "Install git 2.31 or newer and make sure it is on PATH.",
      cause: e,
    });
  }
  const v = parseGitVersion(text);
  if (!v || !versionAtLeast(v, MIN_GIT_VERSION)) {
    throw new UnsupportedRepositoryError(`planref needs git >= ${MIN_GIT_VERSION.join(".")}; found "${text.trim()}"`, {
      hint: "Upgrade git.",
      data: { found: text.trim() },
    });
  }
  return v.join(".");
}
