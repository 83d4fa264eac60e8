import { spawn } from "node:child_process";
import { accessSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, isAbsolute, join } from "node:path";
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

export interface GitBatchCommand {
  args: string[];
  allowFailure?: boolean;
}

/**
 * Several read-only git commands from one process spawn: a shell runs them side by side,
 * each with its own output files. Forking a Node process that has loaded planref costs
 * several milliseconds (tens on a busy machine); forking a shell, and git from it, far less.
 * The version check rides along when this process has not made it yet. Results and errors
 * are those runGit would give, command by command.
 */
export async function runGitBatch(commands: readonly GitBatchCommand[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<GitResult[]> {
  if (process.platform === "win32" || commands.length === 0) {
    return Promise.all(commands.map((c) => runGit(c.args, { ...options, allowFailure: c.allowFailure, readOnly: true })));
  }
  const withVersion = versionChecked === null && !recallVersion();
  const all = withVersion ? [{ args: ["--version"], allowFailure: true }, ...commands] : [...commands];
  const dir = mkdtempSync(join(tmpdir(), "planref-git-"));
  const ran = (async () => {
    try {
      const script = all
        .map((c, i) => `(git ${c.args.map(shellQuote).join(" ")} >"$PLANREF_GIT_OUT/${i}.out" 2>"$PLANREF_GIT_OUT/${i}.err" </dev/null; echo $? >"$PLANREF_GIT_OUT/${i}.rc") &`)
        .concat("wait")
        .join("\n");
      await new Promise<void>((resolve, reject) => {
        const child = spawn("/bin/sh", ["-c", script], { cwd: options.cwd, env: { ...gitEnv(options.env), PLANREF_GIT_OUT: dir }, stdio: "ignore" });
        child.on("error", reject);
        child.on("close", () => resolve());
      });
      return all.map((c, i): GitResult => {
        const read = (ext: string) => {
          try {
            return readFileSync(join(dir, `${i}.${ext}`));
          } catch {
            return null;
          }
        };
        const rc = read("rc");
        return { stdout: read("out") ?? Buffer.alloc(0), stderr: read("err")?.toString("utf8") ?? "", exitCode: rc === null ? null : Number(rc.toString().trim()) };
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  if (withVersion) {
    versionChecked = ran
      .then(
        ([v]) => {
          if (v?.exitCode !== 0) throw new GitError(["--version"], v?.exitCode ?? null, v?.stderr ?? "");
          return v.stdout.toString("utf8");
        },
        (e) => Promise.reject(e as Error),
      )
      .then(acceptVersion, refuseMissing)
      .then((v) => {
        rememberVersion(v);
        return v;
      });
    versionChecked.catch(() => {});
  }
  const results = await ran.catch((e: Error) => {
    throw new GitError(["sh"], null, e.message);
  });
  await versionChecked;
  const own = withVersion ? results.slice(1) : results;
  return own.map((r, i) => {
    const c = commands[i] as GitBatchCommand;
    if (r.exitCode !== 0 && !c.allowFailure) throw new GitError(c.args, r.exitCode, r.stderr);
    return r;
  });
}

function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, "'\\''")}'`;
}

/** The version check of this process, started on first use; writes await it before publishing. */
export function ensureGitVersion(cwd: string): Promise<string> {
  if (!versionChecked && !recallVersion()) {
    versionChecked = checkGitVersion(cwd).then((v) => {
      rememberVersion(v);
      return v;
    });
    versionChecked.catch(() => {});
  }
  return versionChecked as Promise<string>;
}

let versionMemoFile: string | null = null;

/**
 * Where a passed version check is remembered, for the git binary it ran: a process whose
 * `git` on PATH is that same file (path, inode, size, times) skips the `git --version` spawn.
 */
export function rememberGitVersionIn(file: string): void {
  versionMemoFile ??= file;
}

/** Sets the check from the memo file when it names the git that would run now. */
function recallVersion(): boolean {
  if (!versionMemoFile) return false;
  const id = gitBinaryIdentity();
  if (!id) return false;
  try {
    const memo = JSON.parse(readFileSync(versionMemoFile, "utf8")) as { binary?: string; version?: string };
    if (memo.binary !== id || typeof memo.version !== "string") return false;
    const v = parseGitVersion(`git version ${memo.version}`);
    if (!v || !versionAtLeast(v, MIN_GIT_VERSION)) return false;
    versionChecked = Promise.resolve(memo.version);
    return true;
  } catch {
    return false;
  }
}

function rememberVersion(version: string): void {
  const id = versionMemoFile ? gitBinaryIdentity() : null;
  if (!id || !versionMemoFile) return;
  // Through a temp file and rename, like the caches beside it; losing it only costs a spawn.
  const tmp = `${versionMemoFile}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(versionMemoFile), { recursive: true });
    writeFileSync(tmp, JSON.stringify({ binary: id, version }));
    renameSync(tmp, versionMemoFile);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/**
 * The git a spawn of "git" would run, as the PATH lookup finds it, when it can be told
 * apart from another version by the file alone: a native executable (ELF or Mach-O) named
 * git. Scripts and wrappers (version managers' shims) may run a different git each time,
 * so for them, and on Windows, there is no identity and the check always runs.
 */
function gitBinaryIdentity(): string | null {
  if (process.platform === "win32") return null;
  const path = process.env.PATH;
  if (!path) return null;
  for (const dir of path.split(":")) {
    if (!isAbsolute(dir)) return null;
    const candidate = join(dir, "git");
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    try {
      const real = realpathSync(candidate);
      if (basename(real) !== "git") return null;
      const st = statSync(real);
      const head = Buffer.alloc(4);
      const fd = openSync(real, "r");
      try {
        readSync(fd, head, 0, 4, 0);
      } finally {
        closeSync(fd);
      }
      const magic = head.readUInt32BE(0);
      if (![0x7f454c46, 0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic)) return null;
      return JSON.stringify([candidate, real, st.dev, st.ino, st.size, st.mtimeMs, st.ctimeMs]);
    } catch {
      return null;
    }
  }
  return null;
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
  return spawnGit(["--version"], { cwd }).then((r) => r.stdout.toString("utf8"), refuseMissing).then(acceptVersion);
}

function refuseMissing(e: unknown): never {
  if (e instanceof UnsupportedRepositoryError) throw e;
  throw new UnsupportedRepositoryError("git was not found or could not run", {
    hint: "Install git 2.31 or newer and make sure it is on PATH.",
    cause: e,
  });
}

function acceptVersion(text: string): string {
  const v = parseGitVersion(text);
  if (!v || !versionAtLeast(v, MIN_GIT_VERSION)) {
    throw new UnsupportedRepositoryError(`planref needs git >= ${MIN_GIT_VERSION.join(".")}; found "${text.trim()}"`, {
      hint: "Upgrade git.",
      data: { found: text.trim() },
    });
  }
  return v.join(".");
}
