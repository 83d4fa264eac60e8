import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Real temporary repositories with a fixed, isolated git configuration: tests never read
 * or write the developer's global config, and commits are reproducible.
 */
export interface TempRepo {
  dir: string;
  env: NodeJS.ProcessEnv;
  git(...args: string[]): string;
  cleanup(): void;
}

const roots: string[] = [];

export function isolatedEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("GIT_") && !k.startsWith("PLANREF_") && k !== "CLAUDECODE") env[k] = v;
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Test User",
    GIT_AUTHOR_EMAIL: "test@example.com",
    GIT_COMMITTER_NAME: "Test User",
    GIT_COMMITTER_EMAIL: "test@example.com",
    GIT_TERMINAL_PROMPT: "0",
    ...extra,
  };
}

export function tempDir(prefix = "planref-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  roots.push(dir);
  return dir;
}

/** `git init` in a fresh temp dir, with one commit on main unless `empty`. */
export function makeRepo(options: { bare?: boolean; empty?: boolean } = {}): TempRepo {
  const root = tempDir();
  const home = join(root, "home");
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, ".gitconfig"), "[user]\n\tname = Test User\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n[gc]\n\tauto = 0\n");
  const dir = join(root, options.bare ? "repo.git" : "repo");
  const env = isolatedEnv(home);
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  mkdirSync(dir, { recursive: true });
  git("init", "-q", ...(options.bare ? ["--bare"] : []));
  if (!options.bare && !options.empty) {
    writeFileSync(join(dir, "README.md"), "# test repo\n");
    git("add", "README.md");
    git("commit", "-qm", "initial");
  }
  return { dir, env, git, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function fsckOk(dir: string, env: NodeJS.ProcessEnv): { ok: boolean; output: string } {
  const r = spawnSync("git", ["fsck", "--strict", "--no-progress"], { cwd: dir, env, encoding: "utf8" });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

export function cleanupAll(): void {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
}
