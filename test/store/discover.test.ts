import { execFileSync } from "node:child_process";
import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { discoverRepository } from "../../src/store/git/discover.js";
import { cleanupAll, makeRepo, tempDir } from "../helpers/git-repo.js";

afterAll(cleanupAll);

/** What git itself says, to cross-check the in-process discovery. */
function gitSays(cwd: string, env: NodeJS.ProcessEnv): { gitDir: string; commonDir: string } {
  const [gitDir, commonDir] = execFileSync("git", ["rev-parse", "--path-format=absolute", "--git-dir", "--git-common-dir"], { cwd, env, encoding: "utf8" }).trim().split("\n");
  return { gitDir: realpathSync(gitDir as string), commonDir: realpathSync(commonDir as string) };
}

function real(loc: { gitDir: string; commonDir: string }) {
  return { gitDir: realpathSync(loc.gitDir), commonDir: realpathSync(loc.commonDir) };
}

describe("repository discovery", () => {
  it("finds the repository from the top and from a subdirectory", () => {
    const repo = makeRepo();
    const sub = join(repo.dir, "a", "b");
    mkdirSync(sub, { recursive: true });
    for (const cwd of [repo.dir, sub]) {
      const loc = discoverRepository(cwd, repo.env);
      expect(real(loc)).toEqual(gitSays(cwd, repo.env));
      expect(loc.workTree).toBe(repo.dir);
      expect(loc.bare).toBe(false);
    }
  });

  it("puts a linked worktree's state in the common dir", () => {
    const repo = makeRepo();
    const wt = join(repo.dir, "..", "wt1");
    repo.git("worktree", "add", "-q", wt);
    const loc = discoverRepository(join(wt), repo.env);
    expect(real(loc)).toEqual(gitSays(wt, repo.env));
    expect(realpathSync(loc.commonDir)).toBe(realpathSync(join(repo.dir, ".git")));
    expect(loc.workTree).toBe(realpathSync(wt));
  });

  it("handles a submodule's .git file", () => {
    const lib = makeRepo();
    const app = makeRepo();
    app.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", lib.dir, "lib");
    const cwd = join(app.dir, "lib");
    const loc = discoverRepository(cwd, app.env);
    expect(real(loc)).toEqual(gitSays(cwd, app.env));
    expect(loc.commonDir).toContain(join(".git", "modules", "lib"));
  });

  it("handles a bare repository", () => {
    const bare = makeRepo({ bare: true });
    const loc = discoverRepository(bare.dir, bare.env);
    expect(loc.bare).toBe(true);
    expect(loc.workTree).toBeNull();
    expect(real(loc)).toEqual(gitSays(bare.dir, bare.env));
  });

  it("honours GIT_DIR and GIT_COMMON_DIR", () => {
    const repo = makeRepo();
    const elsewhere = tempDir();
    const env = { ...repo.env, GIT_DIR: join(repo.dir, ".git") };
    const loc = discoverRepository(elsewhere, env);
    expect(real(loc)).toEqual(gitSays(elsewhere, env));
    const wt = join(repo.dir, "..", "wt2");
    repo.git("worktree", "add", "-q", wt);
    const loc2 = discoverRepository(elsewhere, { ...repo.env, GIT_DIR: join(repo.dir, ".git", "worktrees", "wt2"), GIT_COMMON_DIR: join(repo.dir, ".git") });
    expect(realpathSync(loc2.commonDir)).toBe(realpathSync(join(repo.dir, ".git")));
  });

  it("refuses outside a repository with NOT_A_REPOSITORY and a hint", () => {
    const dir = tempDir();
    expect(() => discoverRepository(dir, {})).toThrow(expect.objectContaining({ code: "NOT_A_REPOSITORY", exitCode: 4, hint: expect.stringContaining("git init") }));
  });

  it("refuses SHA-256 and reftable repositories clearly", () => {
    const dir = tempDir();
    execFileSync("git", ["init", "-q", "--object-format=sha256", dir], { env: makeRepo().env });
    expect(() => discoverRepository(dir, {})).toThrow(expect.objectContaining({ code: "UNSUPPORTED_REPOSITORY", message: expect.stringContaining("sha256") }));
    const repo = makeRepo();
    const cfg = join(repo.dir, ".git", "config");
    writeFileSync(cfg, `${execFileSync("cat", [cfg], { encoding: "utf8" })}[extensions]\n\trefStorage = reftable\n`);
    expect(() => discoverRepository(repo.dir, {})).toThrow(expect.objectContaining({ code: "UNSUPPORTED_REPOSITORY", message: expect.stringContaining("reftable") }));
  });
});
