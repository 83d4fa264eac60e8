import { existsSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanupAll, fsckOk, makeRepo, tempDir } from "../helpers/git-repo.js";
import { handCommit } from "../helpers/hand-commit.js";
import { planref } from "../helpers/cli.js";

afterAll(cleanupAll);

/** The real binary, as an agent or a person runs it. `npm test` builds it first. */
describe("planref init / status / log / doctor", () => {
  it("init creates the state once; a second init reports it; status and log read it", async () => {
    const repo = makeRepo();
    const cwd = repo.dir;
    const env = { ...repo.env, PLANREF_ACTOR: "alice" };
    const first = await planref(["init", "--name", "shop", "--json"], { cwd, env });
    expect(first.code).toBe(0);
    expect(first.json).toMatchObject({ ok: true, data: { created: true, project: "shop", formatVersion: 1, commit: expect.stringMatching(/^[0-9a-f]{40}$/) } });
    const again = await planref(["init", "--json"], { cwd, env });
    expect(again.json).toMatchObject({ ok: true, data: { created: false, commit: first.json?.data.commit } });

    const status = await planref(["status", "--json"], { cwd, env });
    expect(status.json).toEqual({
      ok: true,
      data: { project: "shop", formatVersion: 1, ref: "refs/plan/state", tip: first.json?.data.commit, documents: 1, specs: [], tasks: { total: 0, byStatus: {} }, claims: [], ready: [], conflicts: [] },
    });

    const log = await planref(["log", "--json"], { cwd, env });
    expect(log.json?.data.entries).toHaveLength(1);
    expect(log.json?.data.entries[0]).toMatchObject({ op: "init", actor: "alice", author: "alice <alice@planref.invalid>", committer: "Test User <test@example.com>" });
    expect(repo.git("log", "-1", "--format=%an|%cn|%(trailers:key=Planref-Op,valueonly)", "refs/plan/state").trim()).toBe("alice|Test User|init");
    expect(fsckOk(cwd, env).ok).toBe(true);
    // planref never touches the user's checkout, index, HEAD or branches.
    expect(repo.git("status", "--porcelain")).toBe("");
    expect(repo.git("branch", "--format=%(refname)").trim()).toBe("refs/heads/main");
  });

  it("--actor and -C work from anywhere, including a linked worktree that sees the same state", async () => {
    const repo = makeRepo();
    const wt = join(repo.dir, "..", "wt");
    repo.git("worktree", "add", "-q", wt);
    const outside = tempDir();
    const init = await planref(["-C", repo.dir, "--actor", "bob", "init", "--json"], { cwd: outside, env: repo.env });
    expect(init.json?.ok).toBe(true);
    const fromWorktree = await planref(["status", "--json"], { cwd: wt, env: repo.env });
    expect(fromWorktree.json?.data.tip).toBe(init.json?.data.commit);
    const log = await planref(["log", "--json", "--actor", "bob"], { cwd: wt, env: repo.env });
    expect(log.json?.data.entries.map((e: { actor: string }) => e.actor)).toEqual(["bob"]);
    expect((await planref(["log", "--json", "--actor", "nobody"], { cwd: wt, env: repo.env })).json?.data.entries).toEqual([]);
  });

  it("human output is readable and --json is exactly one document", async () => {
    const repo = makeRepo();
    const init = await planref(["init"], { cwd: repo.dir, env: repo.env });
    expect(init.stdout).toMatch(/^Initialized planref state for "repo" on refs\/plan\/state \([0-9a-f]{12}\)\.\n$/);
    const status = await planref(["status"], { cwd: repo.dir, env: repo.env });
    expect(status.stdout).toContain("project repo");
    const json = await planref(["status", "--json"], { cwd: repo.dir, env: repo.env });
    expect(json.stdout.trim().split("\n")).toHaveLength(1);
    expect(json.stderr).toBe("");
  });

  it("errors carry stable codes, exit codes and hints, in both modes", async () => {
    const notRepo = tempDir();
    const human = await planref(["status"], { cwd: notRepo, env: makeRepo().env });
    expect(human.code).toBe(4);
    expect(human.stderr).toMatch(/^planref: error: not a git repository/);
    expect(human.stderr).toContain("hint:");
    expect(human.stdout).toBe("");
    const json = await planref(["status", "--json"], { cwd: notRepo, env: makeRepo().env });
    expect(json.code).toBe(4);
    expect(json.json).toMatchObject({ ok: false, error: { code: "NOT_A_REPOSITORY", message: expect.any(String), hint: expect.any(String), details: { cwd: expect.any(String) } } });

    const repo = makeRepo();
    const uninit = await planref(["status", "--json"], { cwd: repo.dir, env: repo.env });
    expect(uninit.code).toBe(4);
    expect(uninit.json?.error?.code).toBe("STATE_NOT_INITIALIZED");

    const usage = await planref(["frobnicate", "--json"], { cwd: repo.dir, env: repo.env });
    expect(usage.code).toBe(2);
    expect(usage.json).toMatchObject({ ok: false, error: { code: "USAGE", message: expect.stringContaining("frobnicate") } });
    const badLimit = await planref(["log", "--limit", "zero", "--json"], { cwd: repo.dir, env: repo.env });
    expect(badLimit.code).toBe(2);
    expect(badLimit.json?.error?.message).toContain("positive whole number");
    const badFlag = await planref(["status", "--bogus"], { cwd: repo.dir, env: repo.env });
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("--bogus");
  });

  it("invalid state is exit 5 naming path and commit; doctor lists every problem", async () => {
    const repo = makeRepo();
    await planref(["init"], { cwd: repo.dir, env: repo.env });
    const bad = handCommit(repo, { "plan.yaml": "formatVersion: 1\nnope: [\n", "tasks/zz/evil.yaml": "id: evil\n" });
    const status = await planref(["status", "--json"], { cwd: repo.dir, env: repo.env });
    expect(status.code).toBe(5);
    expect(status.json?.error?.code).toBe("INVALID_STATE");
    const doctor = await planref(["doctor"], { cwd: repo.dir, env: repo.env });
    expect(doctor.code).toBe(5);
    expect(doctor.stderr).toMatch(new RegExp(`plan\\.yaml:\\d+ @${bad.slice(0, 12)}`));
    expect(doctor.stderr).toContain("tasks/zz/evil.yaml");
    expect(doctor.stderr).toContain("FAIL  documents");
  });

  it("doctor reports a stale lock and breaks it only on request", async () => {
    const repo = makeRepo();
    await planref(["init"], { cwd: repo.dir, env: repo.env });
    const lock = join(repo.dir, ".git", "refs", "plan", "state.lock");
    mkdirSync(join(repo.dir, ".git", "refs", "plan"), { recursive: true });
    writeFileSync(lock, "");
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(lock, old, old);
    const report = await planref(["doctor", "--json"], { cwd: repo.dir, env: repo.env });
    expect(report.code).toBe(5);
    expect(report.json?.error?.details.checks).toEqual(expect.arrayContaining([expect.objectContaining({ name: "lock", status: "error", hint: expect.stringContaining("--break-lock") })]));
    const fixed = await planref(["doctor", "--break-lock", "--json"], { cwd: repo.dir, env: repo.env });
    expect(fixed.code).toBe(0);
    expect(fixed.json?.data.checks).toEqual(expect.arrayContaining([expect.objectContaining({ name: "lock", status: "ok", message: expect.stringContaining("removed stale lock") })]));
    expect(existsSync(lock)).toBe(false);
  });

  it("doctor warns about remotes whose fetch refspec does not carry the state", async () => {
    const repo = makeRepo();
    const bare = makeRepo({ bare: true });
    repo.git("remote", "add", "origin", bare.dir);
    await planref(["init"], { cwd: repo.dir, env: repo.env });
    const report = await planref(["doctor", "--json"], { cwd: repo.dir, env: repo.env });
    expect(report.code).toBe(0);
    expect(report.json?.data.checks).toEqual(expect.arrayContaining([expect.objectContaining({ name: "remote origin", status: "warn", hint: expect.stringContaining("planref init --fetch-refspec origin") })]));
  });

  it("--version and --help answer without a repository", async () => {
    const dir = tempDir();
    const v = await planref(["--version"], { cwd: dir, env: makeRepo().env });
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await planref(["--help"], { cwd: dir, env: makeRepo().env });
    expect(h.code).toBe(0);
    expect(h.stdout).toContain("Usage: planref");
    expect(h.stdout).toContain("doctor");
  });
});
