import { existsSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { discoverRepository } from "../../src/store/git/discover.js";
import { GitStore } from "../../src/store/git-store.js";
import { OverlayMap } from "../../src/store/overlay-map.js";
import type { CommitInfo, DocChange, Snapshot } from "../../src/store/types.js";
import { cleanupAll, makeRepo } from "../helpers/git-repo.js";
import { mulberry32 as prng } from "../../bench/prng.mjs";
import { notePath, testRegistry } from "./test-registry.js";

afterAll(cleanupAll);

const T0 = new Date("2026-01-02T03:04:05Z");
const info = (op: string): CommitInfo => ({ subject: op, trailers: [["Planref-Op", op]], author: { name: "alice", email: "alice@example.com" }, time: T0 });

function everything(snap: Snapshot): Record<string, unknown> {
  return Object.fromEntries(snap.paths().map((p) => [p, snap.get(p)]));
}

describe("the lazily read snapshot cache", () => {
  it("gives the same view as a cold load after every kind of change, across processes and in one", async () => {
    const repo = makeRepo();
    const location = discoverRepository(repo.dir, repo.env);
    const cacheFile = join(location.commonDir, "planref", "cache", "snapshot");
    const open = (useDiskCache = true) => new GitStore({ location, registry: testRegistry(), useDiskCache });
    const rnd = prng(7);
    const names = Array.from({ length: 400 }, (_, i) => `n${i}`);
    const live = new Set<string>();
    const changesFor = (round: number): DocChange[] => {
      const out = new Map<string, DocChange>();
      // Every few rounds a batch big enough to make the writer rewrite the cache (drift > 256).
      const count = round % 7 === 3 ? 280 : 1 + Math.floor(rnd() * 6);
      for (let i = 0; i < count; i++) {
        const name = names[Math.floor(rnd() * names.length)] as string;
        const path = notePath(name);
        const del = live.has(path) && rnd() < 0.35;
        out.set(path, { path, value: del ? null : { text: `${name} r${round}`, n: Math.floor(rnd() * 1000) } });
      }
      if (rnd() < 0.3) out.set("counter.yaml", { path: "counter.yaml", value: { value: round } });
      if (rnd() < 0.2) out.set("sources/a.md", { path: "sources/a.md", value: `# round ${round}\n` });
      // Empty a whole shard now and then: its directory disappears from the tree.
      if (round % 5 === 4) {
        const shard = [...live].find((p) => p.startsWith("notes/"))?.split("/")[1];
        for (const p of live) if (p.startsWith("notes/") && p.split("/")[1] === shard) out.set(p, { path: p, value: null });
      }
      return [...out.values()];
    };
    const apply = (changes: DocChange[]) => {
      for (const c of changes) if (c.value === null) live.delete(c.path);
      else live.add(c.path);
    };

    const longLived = open();
    for (let round = 0; round < 24; round++) {
      const changes = changesFor(round);
      // Alternate: a fresh store per write (a CLI process) and the same store (a server), and
      // now and then a writer that keeps no cache (another machine, an older planref).
      const writer = round % 3 === 0 ? longLived : open(round % 4 !== 1);
      await writer.transact(() => ({ changes, commit: info(`r${round}`), result: null }));
      apply(changes);
      if (writer !== longLived) await writer.close();
      if (round === 20) rmSync(cacheFile, { force: true });

      const cold = open(false);
      const want = everything(await cold.snapshot());
      await cold.close();
      expect(Object.keys(want).sort()).toEqual([...live].sort());

      const reader = open();
      const snap = await reader.snapshot();
      // Point reads and prefix listings first (the lazy paths), then everything.
      const notes = [...live].filter((p) => p.startsWith("notes/"));
      for (const p of notes.slice(0, 5)) expect(snap.get(p)).toEqual(want[p]);
      const shard = notes[0]?.split("/").slice(0, 2).join("/");
      if (shard) expect(snap.paths(`${shard}/`)).toEqual(Object.keys(want).filter((p) => p.startsWith(`${shard}/`)).sort());
      expect(snap.paths("notes/")).toEqual(Object.keys(want).filter((p) => p.startsWith("notes/")).sort());
      expect(snap.size).toBe(Object.keys(want).length);
      expect(everything(snap)).toEqual(want);
      await reader.close();
      expect(everything(await longLived.snapshot())).toEqual(want);
    }
    await longLived.close();
    expect(existsSync(cacheFile)).toBe(true);
  }, 120_000);
});

describe("reading after a write", () => {
  it("decodes nothing: the writer left what it wrote in the journal, and the reader reads only what it asks for", async () => {
    const repo = makeRepo();
    const location = discoverRepository(repo.dir, repo.env);
    let decoded: string[] = [];
    const counting = () => {
      const registry = testRegistry();
      const decode = registry.decode.bind(registry);
      registry.decode = (path, bytes, commit) => {
        decoded.push(path);
        return decode(path, bytes, commit);
      };
      return registry;
    };
    const open = () => new GitStore({ location, registry: counting() });
    const seed = open();
    const notes = Array.from({ length: 40 }, (_, i) => notePath(`seed${i}`));
    await seed.transact(() => ({ changes: notes.map((p, i) => ({ path: p, value: { text: `seed ${i}` } })), commit: info("seed"), result: null }));
    await seed.close();
    for (let i = 0; i < 3; i++) {
      const writer = open();
      await writer.transact((snap) => ({ changes: [{ path: notes[i] as string, value: { text: `${(snap.get(notes[i] as string) as { text: string }).text} + ${i}` } }], commit: info(`w${i}`), result: null }));
      await writer.close();
    }
    decoded = [];
    const reader = open();
    const snap = await reader.snapshot();
    expect(snap.get(notes[2] as string)).toEqual({ text: "seed 2 + 2" });
    expect(snap.paths("notes/")).toHaveLength(40);
    expect(decoded).toEqual([]);
    await reader.close();

    // Two reads at once on a fresh store (a use case deriving two views): both from the cache.
    const both = open();
    const [a, b] = await Promise.all([both.snapshot(), both.snapshot()]);
    expect(a.paths("notes/")).toHaveLength(40);
    expect(b.get(notes[1] as string)).toEqual({ text: "seed 1 + 1" });
    expect(decoded).toEqual([]);
    await both.close();
  });
});

describe("the journal", () => {
  it("stays small: past the cache's own size the cache is rewritten and the journal starts again", async () => {
    const repo = makeRepo();
    const location = discoverRepository(repo.dir, repo.env);
    const dir = join(location.commonDir, "planref", "cache");
    const open = () => new GitStore({ location, registry: testRegistry() });
    const first = open();
    await first.transact(() => ({ changes: [{ path: "counter.yaml", value: { value: 0 } }], commit: info("c0"), result: null }));
    await first.close();
    let rewrites = 0;
    let last = statSync(join(dir, "snapshot")).mtimeMs;
    for (let i = 1; i <= 60; i++) {
      const s = open();
      // A growing document: every version lands in the journal until the cache is rewritten.
      await s.transact(() => ({ changes: [{ path: "counter.yaml", value: { value: i } }, { path: notePath(`n${i}`), value: { text: "x".repeat(200) } }], commit: info(`c${i}`), result: null }));
      await s.close();
      const journal = join(dir, "snapshot.journal");
      const journalBytes = existsSync(journal) ? statSync(journal).size : 0;
      expect(journalBytes).toBeLessThanOrEqual(Math.max(statSync(join(dir, "snapshot")).size, 4096) + 1024);
      const now = statSync(join(dir, "snapshot")).mtimeMs;
      if (now !== last) rewrites++;
      last = now;
    }
    expect(rewrites).toBeGreaterThan(0);
    const reader = open();
    expect((await reader.snapshot()).get("counter.yaml")).toEqual({ value: 60 });
    await reader.close();
  });
});

describe("OverlayMap", () => {
  it("folds stacked layers over the same base and keeps size, lookups and iteration right", () => {
    const base = new Map(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    const model = new Map(base);
    let m: ReadonlyMap<string, number> = base;
    const rnd = prng(3);
    for (let layer = 0; layer < 30; layer++) {
      const o = new OverlayMap(m);
      for (let i = 0; i < 10; i++) {
        const k = `k${Math.floor(rnd() * 70)}`;
        if (rnd() < 0.4) {
          expect(o.delete(k)).toBe(model.delete(k));
        } else {
          o.set(k, layer * 100 + i);
          model.set(k, layer * 100 + i);
        }
      }
      expect(o.depth).toBeLessThanOrEqual(8);
      expect(o.size).toBe(model.size);
      expect(new Map([...o].sort())).toEqual(new Map([...model].sort()));
      for (let i = 0; i < 70; i++) expect([o.has(`k${i}`), o.get(`k${i}`)]).toEqual([model.has(`k${i}`), model.get(`k${i}`)]);
      m = o;
    }
  });
});
