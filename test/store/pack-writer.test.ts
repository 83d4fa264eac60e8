/**
 * Large transactions are written as one pack through git index-pack. The pack stream is
 * built here, so git must accept it byte for byte, and a store that already runs its
 * cat-file must still find objects in a pack written after it started.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { discoverRepository } from "../../src/store/git/discover.js";
import { hashObject } from "../../src/store/git/objects.js";
import { writePack } from "../../src/store/git/pack-writer.js";
import { GitStore } from "../../src/store/git-store.js";
import type { CommitInfo } from "../../src/store/types.js";
import { cleanupAll, fsckOk, makeRepo } from "../helpers/git-repo.js";
import { notePath, testRegistry } from "./test-registry.js";

afterAll(cleanupAll);

it("writes objects of every size git's own tools read back, with the ids planref computed", async () => {
  const repo = makeRepo();
  // Sizes around the header's boundaries: 4 bits in the first byte, then 7 bits a byte.
  const blobs = [0, 1, 15, 16, 127, 2047, 2048, 300_000].map((n) => Buffer.from("y".repeat(n)));
  await writePack(join(repo.dir, ".git"), blobs.map((content) => ({ type: "blob" as const, content })));
  for (const content of blobs) {
    const oid = hashObject("blob", content);
    expect(execFileSync("git", ["cat-file", "-s", oid], { cwd: repo.dir, env: repo.env, encoding: "utf8" }).trim()).toBe(String(content.length));
  }
  const packs = execFileSync("git", ["count-objects", "-v"], { cwd: repo.dir, env: repo.env, encoding: "utf8" });
  expect(packs).toMatch(/^packs: 1$/m);
  expect(fsckOk(repo.dir, repo.env).ok).toBe(true);
});

it("a store whose cat-file is already running reads a pack another store wrote afterwards", async () => {
  const repo = makeRepo();
  const open = () => new GitStore({ location: discoverRepository(repo.dir, repo.env), registry: testRegistry(), useDiskCache: false });
  const [writer, reader] = [open(), open()];
  const info: CommitInfo = { subject: "bulk", trailers: [["Planref-Op", "bulk"]], author: { name: "alice", email: "alice@example.com" }, time: new Date("2026-01-02T03:04:05Z") };
  await writer.transact(() => ({ changes: [{ path: notePath("first"), value: { text: "first" } }], commit: info, result: null }));
  // Any read of an object that is not loose starts the reader's cat-file.
  expect(await reader.readCommit("0".repeat(40)).catch(() => null)).toBeNull();
  const docs = Array.from({ length: 300 }, (_, i) => ({ path: notePath(`bulk-${i}`), value: { text: `note ${i}` } }));
  const r = await writer.transact(() => ({ changes: docs, commit: info, result: null }));
  expect(execFileSync("git", ["count-objects", "-v"], { cwd: repo.dir, env: repo.env, encoding: "utf8" })).toMatch(/^packs: 1$/m);
  expect((await reader.snapshot(r.commit)).get(notePath("bulk-123"))).toEqual({ text: "note 123" });
  await writer.close();
  await reader.close();
});
