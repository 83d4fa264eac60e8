import { existsSync, mkdirSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareAndSwapRef, readRef } from "../../src/store/git/refs.js";
import { cleanupAll, makeRepo } from "../helpers/git-repo.js";

afterAll(cleanupAll);

const REF = "refs/plan/state";

function setup() {
  const repo = makeRepo();
  const commonDir = join(repo.dir, ".git");
  const head = repo.git("rev-parse", "HEAD").trim();
  const tree = repo.git("rev-parse", "HEAD^{tree}").trim();
  const other = repo.git("commit-tree", tree, "-m", "other").trim();
  return { repo, commonDir, head, other };
}

describe("compare-and-swap with git's lock protocol", () => {
  it("creates a ref only when it must not exist, and native git reads it", async () => {
    const { repo, commonDir, head, other } = setup();
    expect(readRef(commonDir, REF)).toBeNull();
    expect(await compareAndSwapRef(commonDir, REF, null, head)).toEqual({ ok: true });
    expect(repo.git("rev-parse", REF).trim()).toBe(head);
    expect(await compareAndSwapRef(commonDir, REF, null, other)).toEqual({ ok: false, actual: head });
    expect(existsSync(join(commonDir, `${REF}.lock`))).toBe(false);
  });

  it("swaps only from the expected value", async () => {
    const { commonDir, head, other } = setup();
    await compareAndSwapRef(commonDir, REF, null, head);
    expect(await compareAndSwapRef(commonDir, REF, other, head)).toEqual({ ok: false, actual: head });
    expect(await compareAndSwapRef(commonDir, REF, head, other)).toEqual({ ok: true });
    expect(readRef(commonDir, REF)).toBe(other);
  });

  it("reads packed refs, and a loose ref wins over a packed one", async () => {
    const { repo, commonDir, head, other } = setup();
    repo.git("update-ref", REF, head);
    repo.git("pack-refs", "--all");
    expect(existsSync(join(commonDir, REF))).toBe(false);
    expect(readRef(commonDir, REF)).toBe(head);
    expect(await compareAndSwapRef(commonDir, REF, head, other)).toEqual({ ok: true });
    expect(repo.git("rev-parse", REF).trim()).toBe(other);
  });

  it("interoperates with git update-ref in both directions", async () => {
    const { repo, commonDir, head, other } = setup();
    await compareAndSwapRef(commonDir, REF, null, head);
    repo.git("update-ref", REF, other, head);
    expect(readRef(commonDir, REF)).toBe(other);
    expect(await compareAndSwapRef(commonDir, REF, head, other)).toEqual({ ok: false, actual: other });
    repo.git("update-ref", "-d", REF);
    expect(readRef(commonDir, REF)).toBeNull();
  });

  it("waits for a held lock, then reports REF_LOCKED without stealing it", async () => {
    const { repo, commonDir, head } = setup();
    mkdirSync(join(commonDir, "refs", "plan"), { recursive: true });
    const lock = join(commonDir, `${REF}.lock`);
    writeFileSync(lock, "");
    await expect(compareAndSwapRef(commonDir, REF, null, head, { lockTimeoutMs: 100 })).rejects.toMatchObject({
      code: "REF_LOCKED",
      exitCode: 3,
      hint: expect.stringContaining("try again"),
    });
    expect(existsSync(lock)).toBe(true);
    // git itself refuses the same lock: the protocol is shared.
    expect(() => repo.git("update-ref", REF, head)).toThrow(/lock/);
    const old = (Date.now() - 120_000) / 1000;
    utimesSync(lock, old, old);
    await expect(compareAndSwapRef(commonDir, REF, null, head, { lockTimeoutMs: 50 })).rejects.toMatchObject({
      code: "REF_LOCKED",
      hint: expect.stringContaining("planref doctor --break-lock"),
    });
    expect(existsSync(lock)).toBe(true);
  });

  it("proceeds as soon as a competing lock is released", async () => {
    const { commonDir, head } = setup();
    mkdirSync(join(commonDir, "refs", "plan"), { recursive: true });
    const lock = join(commonDir, `${REF}.lock`);
    writeFileSync(lock, "");
    const pending = compareAndSwapRef(commonDir, REF, null, head, { lockTimeoutMs: 5000 });
    setTimeout(() => unlinkSync(lock), 50);
    expect(await pending).toEqual({ ok: true });
  });
});
