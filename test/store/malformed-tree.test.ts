import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { planref } from "../helpers/cli.js";
import { cleanupAll, makeRepo } from "../helpers/git-repo.js";

afterAll(cleanupAll);

it("a malformed tree object on the state ref is INVALID_STATE, not a hang", async () => {
  const repo = makeRepo();
  await planref(["init"], { cwd: repo.dir, env: repo.env });
  const tip = repo.git("rev-parse", "refs/plan/state").trim();
  const good = execFileSync("git", ["cat-file", "tree", `${tip}^{tree}`], { cwd: repo.dir, env: repo.env });
  const file = join(repo.dir, "..", "bad-tree.bin");
  writeFileSync(file, Buffer.concat([good, Buffer.from("garbage")]));
  const bad = repo.git("hash-object", "-t", "tree", "--literally", "-w", file).trim();
  const commit = repo.git("commit-tree", bad, "-p", tip, "-m", "corrupt").trim();
  repo.git("update-ref", "refs/plan/state", commit, tip);
  rmSync(join(repo.dir, ".git", "planref", "cache"), { recursive: true, force: true });
  const status = await planref(["status", "--json"], { cwd: repo.dir, env: repo.env });
  expect(status.code).toBe(5);
  expect(status.json?.error?.code).toBe("INVALID_STATE");
  expect(status.json?.error?.message).toContain("malformed tree object");
}, 30_000);
