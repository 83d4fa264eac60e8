import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planref } from "../helpers/cli.js";
import { cleanupAll, makeRepo, tempDir } from "../helpers/git-repo.js";
import { parseGitVersion, versionAtLeast } from "../../src/store/git/run.js";

afterAll(cleanupAll);

describe("git version", () => {
  it("parses and compares versions", () => {
    expect(parseGitVersion("git version 2.39.5")).toEqual([2, 39, 5]);
    expect(parseGitVersion("git version 2.31.0.windows.1")).toEqual([2, 31, 0]);
    expect(versionAtLeast([2, 31, 0], [2, 31, 0])).toBe(true);
    expect(versionAtLeast([2, 30, 9], [2, 31, 0])).toBe(false);
    expect(versionAtLeast([3, 0, 0], [2, 31, 0])).toBe(true);
  });

  it("a git older than 2.31 is refused with UNSUPPORTED_REPOSITORY before anything is written", async () => {
    const repo = makeRepo();
    // A stand-in `git` on PATH that reports an old version and forwards nothing else.
    const bin = join(tempDir(), "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "git"), '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "git version 2.20.1"; exit 0; fi\necho "old git" >&2; exit 1\n');
    chmodSync(join(bin, "git"), 0o755);
    const r = await planref(["init", "--json"], { cwd: repo.dir, env: { ...repo.env, PATH: `${bin}:${process.env.PATH}` } });
    expect(r.code).toBe(2);
    expect(r.json?.error).toMatchObject({ code: "UNSUPPORTED_REPOSITORY", message: expect.stringContaining("2.20.1") });
    expect(repo.git("for-each-ref", "refs/plan")).toBe("");
  });
});
