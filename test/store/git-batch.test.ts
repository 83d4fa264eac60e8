import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { cleanupAll, makeRepo, tempDir } from "../helpers/git-repo.js";

afterAll(cleanupAll);

/** A fresh copy of run.ts: the version check is made once per module instance. */
async function freshRun() {
  vi.resetModules();
  return import("../../src/store/git/run.js");
}

describe("git commands batched into one spawn", () => {
  it("give each command its own output, exit status and error, with arguments passed verbatim", async () => {
    const { runGitBatch } = await freshRun();
    const repo = makeRepo();
    const odd = "it's a \"quoted\" $HOME `x` \\ name";
    writeFileSync(join(repo.dir, odd), "content\n");
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo.dir, env: repo.env });
    const [head, untracked, missing] = await runGitBatch(
      [{ args: ["rev-parse", "HEAD"] }, { args: ["ls-files", "--others", "--exclude-standard", "-z"] }, { args: ["rev-parse", "--verify", "-q", "refs/heads/none"], allowFailure: true }],
      { cwd: repo.dir, env: repo.env },
    );
    expect(head?.stdout).toEqual(git("rev-parse", "HEAD"));
    expect(untracked?.stdout.toString()).toBe(`${odd}\0`);
    expect(missing?.exitCode).toBe(1);
    await expect(runGitBatch([{ args: ["log", "-1", "--format=%s", "--", odd] }, { args: ["cat-file", "-p", "nonexistent"] }], { cwd: repo.dir, env: repo.env })).rejects.toMatchObject({
      code: "GIT_FAILED",
    });
  });

  it("a passed version check is remembered for the same git binary only", async () => {
    const repo = makeRepo();
    const memo = join(repo.dir, ".git", "planref", "cache", "git-version.json");
    const first = await freshRun();
    first.rememberGitVersionIn(memo);
    const real = await first.ensureGitVersion(repo.dir);
    const saved = JSON.parse(readFileSync(memo, "utf8"));
    expect(saved.version).toBe(real);
    // The next process takes the remembered answer (marked here so it shows) without running git.
    writeFileSync(memo, JSON.stringify({ ...saved, version: "2.99.0" }));
    const second = await freshRun();
    second.rememberGitVersionIn(memo);
    expect(await second.ensureGitVersion(repo.dir)).toBe("2.99.0");
    // Another binary (or a changed one) is checked again.
    writeFileSync(memo, JSON.stringify({ binary: "[]", version: "2.99.0" }));
    const third = await freshRun();
    third.rememberGitVersionIn(memo);
    expect(await third.ensureGitVersion(repo.dir)).toBe(real);
    // A memo never admits an old version, and a script standing in for git is always checked.
    const bin = join(tempDir(), "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "git"), '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "git version 2.20.1"; exit 0; fi\nexit 1\n');
    chmodSync(join(bin, "git"), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const fourth = await freshRun();
      fourth.rememberGitVersionIn(memo);
      await expect(fourth.ensureGitVersion(repo.dir)).rejects.toMatchObject({ code: "UNSUPPORTED_REPOSITORY" });
    } finally {
      process.env.PATH = path;
    }
  });

  it("carries the version check, and refuses an old git", async () => {
    const { runGitBatch } = await freshRun();
    const repo = makeRepo();
    const bin = join(tempDir(), "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "git"), '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "git version 2.20.1"; exit 0; fi\necho "old git" >&2; exit 1\n');
    chmodSync(join(bin, "git"), 0o755);
    const env = { ...repo.env, PATH: `${bin}:${process.env.PATH}` };
    await expect(runGitBatch([{ args: ["status"] }], { cwd: repo.dir, env })).rejects.toMatchObject({ code: "UNSUPPORTED_REPOSITORY", message: expect.stringContaining("2.20.1") });
  });
});
