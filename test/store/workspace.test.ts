import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { discoverRepository } from "../../src/store/git/discover.js";
import { GitWorkspace, headFromFiles } from "../../src/store/git/workspace.js";
import { cleanupAll, makeRepo } from "../helpers/git-repo.js";

afterAll(cleanupAll);

function revParseHead(cwd: string, env: NodeJS.ProcessEnv): string | null {
  try {
    return execFileSync("git", ["rev-parse", "--verify", "-q", "HEAD"], { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

describe("HEAD read from git's files", () => {
  it("agrees with git rev-parse: branch, packed branch, detached, unborn, linked worktree, subdirectory", () => {
    const repo = makeRepo();
    const check = (cwd: string) => {
      const ours = headFromFiles(cwd, repo.env);
      if (ours !== undefined) expect(ours, cwd).toBe(revParseHead(cwd, repo.env));
      return ours;
    };
    expect(check(repo.dir)).toMatch(/^[0-9a-f]{40}$/);
    mkdirSync(join(repo.dir, "sub", "deeper"), { recursive: true });
    expect(check(join(repo.dir, "sub", "deeper"))).toMatch(/^[0-9a-f]{40}$/);
    repo.git("pack-refs", "--all");
    expect(check(repo.dir)).toMatch(/^[0-9a-f]{40}$/);
    writeFileSync(join(repo.dir, "a.txt"), "a\n");
    repo.git("add", "a.txt");
    repo.git("commit", "-qm", "second");
    expect(check(repo.dir)).toBe(repo.git("rev-parse", "HEAD").trim());
    const wt = join(repo.dir, "..", "wt");
    repo.git("worktree", "add", "-q", "-b", "side", wt);
    expect(check(wt)).toBe(repo.git("rev-parse", "HEAD").trim());
    repo.git("checkout", "-q", "--detach", "HEAD~1");
    expect(check(repo.dir)).toBe(repo.git("rev-parse", "HEAD").trim());
    repo.git("checkout", "-q", "--orphan", "fresh");
    expect(check(repo.dir)).toBeNull();
    // A symbolic ref planref does not follow is left to git.
    repo.git("symbolic-ref", "HEAD", "refs/remotes/origin/x");
    expect(headFromFiles(repo.dir, repo.env)).toBeUndefined();
  });

  it("a one-shot workspace reads a worktree's facts once; a long-lived one reads them again", async () => {
    const repo = makeRepo();
    const location = discoverRepository(repo.dir, repo.env);
    const base = repo.git("rev-parse", "HEAD").trim();
    const once = new GitWorkspace(location, repo.env, { oneShot: true });
    const always = new GitWorkspace(location, repo.env);
    const before = [await once.state(repo.dir), await once.changedFiles(base, repo.dir)];
    expect(await always.state(repo.dir)).toBe(before[0]);
    writeFileSync(join(repo.dir, "new.txt"), "x\n");
    expect([await once.state(repo.dir), await once.changedFiles(base, repo.dir)]).toEqual(before);
    expect(await always.state(repo.dir)).not.toBe(before[0]);
    expect(await always.changedFiles(base, repo.dir)).toEqual(["new.txt"]);
  });
});
