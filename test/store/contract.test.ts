import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { discoverRepository } from "../../src/store/git/discover.js";
import { GitStore } from "../../src/store/git-store.js";
import { MemoryStore } from "../../src/store/memory-store.js";
import type { CommitInfo, DocStore, Snapshot } from "../../src/store/types.js";
import { cleanupAll, fsckOk, makeRepo } from "../helpers/git-repo.js";
import { notePath, testRegistry } from "./test-registry.js";

/**
 * One contract, two stores: everything above the store may rely on exactly these
 * behaviours, whether it runs on a real repository or in memory.
 */
interface Harness {
  store: DocStore;
  /** Another store instance over the same objects and refs. */
  second: () => DocStore;
  /** Moves the ref synchronously, as a competing writer would. */
  setRef: (oid: string) => void;
  /** Extra checks a real repository allows (fsck, native git reading the same bytes). */
  verify?: () => void;
  gitShow?: (rev: string) => string;
}

const T0 = new Date("2026-01-02T03:04:05Z");

function info(op: string, extra: Array<[string, string]> = []): CommitInfo {
  return { subject: `${op} something`, trailers: [["Planref-Op", op], ["Planref-Actor", "alice"], ...extra], author: { name: "alice", email: "alice@example.com" }, time: T0 };
}

const harnesses: Array<[string, () => Harness]> = [
  [
    "memory",
    () => {
      const store = new MemoryStore({ registry: testRegistry() });
      return {
        store,
        second: () => new MemoryStore({ registry: testRegistry(), objects: store.objects, refs: store.refs }),
        setRef: (oid) => store.refs.refs.set("refs/plan/state", oid),
      };
    },
  ],
  [
    "git",
    () => {
      const repo = makeRepo();
      const open = () => new GitStore({ location: discoverRepository(repo.dir, repo.env), registry: testRegistry(), useDiskCache: false });
      const store = open();
      return {
        store,
        second: open,
        setRef: (oid) => repo.git("update-ref", "refs/plan/state", oid),
        verify: () => {
          const r = fsckOk(repo.dir, repo.env);
          expect(r.ok, r.output).toBe(true);
        },
        gitShow: (rev) => execFileSync("git", ["show", rev], { cwd: repo.dir, env: repo.env, encoding: "utf8" }),
      };
    },
  ],
];

afterAll(cleanupAll);

describe.each(harnesses)("DocStore contract: %s", (_name, make) => {
  it("starts empty: no tip, an empty snapshot", async () => {
    const { store } = make();
    expect(await store.tip()).toBeNull();
    const snap = await store.snapshot();
    expect(snap.commit).toBeNull();
    expect(snap.size).toBe(0);
    expect(snap.paths()).toEqual([]);
    await store.close();
  });

  it("commits a mutation, and reads back exactly what was written", async () => {
    const h = make();
    const res = await h.store.transact(() => ({
      changes: [
        { path: "counter.yaml", value: { value: 1 } },
        { path: notePath("a"), value: { text: "hello", tags: ["x", "yes"] } },
      ],
      commit: info("create"),
      result: "done",
    }));
    expect(res.result).toBe("done");
    expect(res.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(await h.store.tip()).toBe(res.commit);
    const snap = await h.store.snapshot();
    expect(snap.get("counter.yaml")).toEqual({ value: 1 });
    expect(snap.get(notePath("a"))).toEqual({ text: "hello", tags: ["x", "yes"] });
    expect(snap.paths("notes/")).toEqual([notePath("a")]);
    h.verify?.();
    // Native git reads canonical YAML with YAML 1.1-safe quoting.
    if (h.gitShow) expect(h.gitShow(`refs/plan/state:${notePath("a")}`)).toBe('tags:\n  - x\n  - "yes"\ntext: hello\n');
    await h.store.close();
  });

  it("is byte-stable: the same documents give the same tree id", async () => {
    const a = make();
    const b = make();
    const docs = { z: 1, a: { y: [3, 2, 1], b: "on" } };
    const write = (s: DocStore, order: string[]) =>
      s.transact(() => ({ changes: order.map((n) => ({ path: notePath(n), value: { text: n, docs } })), commit: info("w"), result: null }));
    await write(a.store, ["one", "two", "three"]);
    await write(b.store, ["three", "one", "two"]);
    expect((await a.store.snapshot()).tree).toBe((await b.store.snapshot()).tree);
    await a.store.close();
    await b.store.close();
  });

  it("deletes documents and prunes empty directories", async () => {
    const h = make();
    await h.store.transact(() => ({ changes: [{ path: notePath("gone"), value: { text: "x" } }, { path: "counter.yaml", value: { value: 0 } }], commit: info("a"), result: null }));
    await h.store.transact(() => ({ changes: [{ path: notePath("gone"), value: null }], commit: info("b"), result: null }));
    const snap = await h.store.snapshot();
    expect(snap.paths()).toEqual(["counter.yaml"]);
    h.verify?.();
    if (h.gitShow) expect(h.gitShow("refs/plan/state^{tree}")).not.toContain("notes");
    await h.store.close();
  });

  it("noop mutations write nothing", async () => {
    const { store } = make();
    const res = await store.transact(() => ({ noop: true as const, result: 42 }));
    expect(res).toEqual({ commit: null, result: 42, attempts: 1 });
    expect(await store.tip()).toBeNull();
    await store.close();
  });

  it("refuses invalid documents, unsafe paths and oversized documents without writing", async () => {
    const { store } = make();
    const attempt = (path: string, value: unknown) => store.transact(() => ({ changes: [{ path, value }], commit: info("bad"), result: null }));
    await expect(attempt("counter.yaml", { value: "one" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", data: { issues: [expect.objectContaining({ path: "counter.yaml", pointer: "/value" })] } });
    await expect(attempt("notes/ab/../../x.yaml", { text: "t" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(attempt("notes/ab/a/b.yaml", { text: "t" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(attempt("unknown.yaml", { text: "t" })).rejects.toThrow(/no document kind/);
    await expect(attempt(notePath("big"), { text: "x".repeat(5000) })).rejects.toThrow(/limit is 4096/);
    await expect(attempt("sources/s.md", "y".repeat(2000))).rejects.toThrow(/limit is 1000/);
    expect(await store.tip()).toBeNull();
    await store.close();
  });

  it("stores text documents verbatim", async () => {
    const { store } = make();
    const text = "# Title\n\n- item: `code`\n";
    await store.transact(() => ({ changes: [{ path: "sources/s.md", value: text }], commit: info("t"), result: null }));
    expect((await store.snapshot()).get("sources/s.md")).toBe(text);
    await store.close();
  });

  it("re-runs the mutation against the new tip when the CAS is lost", async () => {
    const h = make();
    const { store } = h;
    const base = await store.transact(() => ({ changes: [{ path: "counter.yaml", value: { value: 0 } }], commit: info("init"), result: null }));
    // Prepare a competing commit (counter 100) through a second store, then rewind the ref.
    const other = h.second();
    const competing = await other.transact(() => ({ changes: [{ path: "counter.yaml", value: { value: 100 } }], commit: info("other"), result: null }));
    h.setRef(base.commit as string);
    const seen: number[] = [];
    const res = await store.transact((snap, attempt) => {
      const value = (snap.get("counter.yaml") as { value: number }).value;
      seen.push(value);
      // The competitor lands between our read of the tip and our compare-and-swap.
      if (attempt === 1) h.setRef(competing.commit as string);
      return { changes: [{ path: "counter.yaml", value: { value: value + 1 } }], commit: info("inc"), result: attempt };
    });
    expect(seen).toEqual([0, 100]);
    expect(res.attempts).toBe(2);
    expect((await store.snapshot()).get("counter.yaml")).toEqual({ value: 101 });
    expect((await store.history()).map((e) => e.subject)).toEqual(["inc something", "other something", "init something"]);
    await other.close();
    await store.close();
  });

  it("gives up with REF_CONFLICT after bounded attempts", async () => {
    const h = make();
    const { store } = h;
    const base = await store.transact(() => ({ changes: [{ path: "counter.yaml", value: { value: 0 } }], commit: info("init"), result: null }));
    const other = h.second();
    const competing = await other.transact(() => ({ changes: [{ path: "counter.yaml", value: { value: 7 } }], commit: info("other"), result: null }));
    await expect(
      store.transact(
        (snap) => {
          // Keep moving the ref under the writer on every attempt.
          h.setRef((snap.commit === base.commit ? competing.commit : base.commit) as string);
          return { changes: [{ path: notePath("x"), value: { text: "x" } }], commit: info("w"), result: null };
        },
        { maxAttempts: 3 },
      ),
    ).rejects.toMatchObject({ code: "REF_CONFLICT", exitCode: 3 });
    await other.close();
    await store.close();
  });

  it("concurrent transactions in one process lose no update", async () => {
    const { store } = make();
    await store.transact(() => ({ changes: [{ path: "counter.yaml", value: { value: 0 } }], commit: info("init"), result: null }));
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        store.transact((snap) => {
          const value = (snap.get("counter.yaml") as { value: number }).value;
          return { changes: [{ path: "counter.yaml", value: { value: value + 1 } }, { path: notePath(`n${i}`), value: { text: String(i) } }], commit: info("inc"), result: null };
        }),
      ),
    );
    expect(results.every((r) => r.commit)).toBe(true);
    const snap = await store.snapshot();
    expect(snap.get("counter.yaml")).toEqual({ value: 12 });
    expect(snap.paths("notes/")).toHaveLength(12);
    const history = await store.history();
    expect(history).toHaveLength(13);
    await store.close();
  });

  it("the root commit is created with must-not-exist semantics", async () => {
    const { store } = make();
    const make1 = () =>
      store.transact((snap) =>
        snap.commit === null
          ? { changes: [{ path: "counter.yaml", value: { value: 0 } }], commit: info("init"), result: "created" }
          : { noop: true as const, result: "existed" },
      );
    const results = await Promise.all([make1(), make1(), make1()]);
    expect(results.map((r) => r.result).sort()).toEqual(["created", "existed", "existed"]);
    const history = await store.history();
    expect(history).toHaveLength(1);
    expect(history[0]?.parents).toEqual([]);
    await store.close();
  });

  it("history carries subject, trailers, author and committer, newest first, filterable by trailer", async () => {
    const { store } = make();
    await store.transact(() => ({ changes: [{ path: "counter.yaml", value: { value: 0 } }], commit: info("init"), result: null }));
    for (const task of ["T1", "T2", "T1"]) {
      await store.transact((s) => ({
        changes: [{ path: "counter.yaml", value: { value: (s.get("counter.yaml") as { value: number }).value + 1 } }],
        commit: info("claim", [["Planref-Task", task]]),
        result: null,
      }));
    }
    const all = await store.history();
    expect(all.map((e) => e.subject)).toEqual(["claim something", "claim something", "claim something", "init something"]);
    expect(all[0]?.trailers).toEqual({ "Planref-Op": ["claim"], "Planref-Actor": ["alice"], "Planref-Task": ["T1"] });
    expect(all[0]?.author).toEqual({ name: "alice", email: "alice@example.com", time: T0 });
    expect((await store.history({ trailers: { "Planref-Task": "T1" } })).length).toBe(2);
    expect((await store.history({ trailers: { "Planref-Task": "T1", "Planref-Op": "init" } })).length).toBe(0);
    expect((await store.history({ limit: 2 })).length).toBe(2);
    await store.close();
  });

  it("fork: where two first-parent histories part, each side's commits since, newest first", async () => {
    const { store } = make();
    const write = (on: DocStore, op: string, value: number) => on.transact(() => ({ changes: [{ path: "counter.yaml", value: { value } }], commit: info(op), result: null }));
    const c0 = (await write(store, "c0", 0)).commit as string;
    const c1 = (await write(store, "c1", 1)).commit as string;
    const other = store.detached(c1);
    for (const n of [10, 11, 12]) await write(other, `a${n}`, n);
    for (const n of [20, 21]) await write(store, `b${n}`, n);
    const [a, b] = [(await other.tip()) as string, (await store.tip()) as string];

    const f = await store.fork(a, b);
    expect(f.base).toBe(c1);
    expect(f.onlyA.map((e) => e.subject)).toEqual(["a12 something", "a11 something", "a10 something"]);
    expect(f.onlyB.map((e) => e.subject)).toEqual(["b21 something", "b20 something"]);
    expect(f.onlyA[0]?.commit).toBe(a);
    expect(f.exhausted).toBe(false);
    // One side an ancestor of the other, either way round; a commit with itself.
    expect(await store.fork(c0, b)).toMatchObject({ base: c0, onlyA: [] });
    expect((await store.fork(b, c0)).onlyA).toHaveLength(3);
    expect(await store.fork(b, b)).toEqual({ base: b, onlyA: [], onlyB: [], exhausted: false });
    // No common commit, and a walk cut short before it could tell.
    const stranger = store.detached(null);
    await write(stranger, "root", 7);
    const s = (await stranger.tip()) as string;
    expect(await store.fork(s, b)).toMatchObject({ base: null, exhausted: false });
    expect((await store.fork(s, b)).onlyB).toHaveLength(4);
    expect(await store.fork(a, b, 1)).toMatchObject({ base: null, exhausted: true });
    await store.close();
  });

  it("a transaction of hundreds of documents is readable by another store and by git", async () => {
    const h = make();
    const docs = Array.from({ length: 300 }, (_, i) => ({ path: notePath(`bulk-${i}`), value: { text: `note ${i} ${"x".repeat(i)}` } }));
    const r = await h.store.transact(() => ({ changes: docs, commit: info("bulk"), result: null }));
    const other = h.second();
    const snap = await other.snapshot(r.commit);
    expect(snap.get(notePath("bulk-299"))).toEqual({ text: `note 299 ${"x".repeat(299)}` });
    expect(snap.paths("notes/").length).toBeGreaterThanOrEqual(300);
    if (h.gitShow) expect(h.gitShow(`${r.commit}:${notePath("bulk-7")}`)).toContain("note 7");
    // A small transaction on top still works, and history reads through both.
    await h.store.transact(() => ({ changes: [{ path: notePath("bulk-0"), value: { text: "changed" } }], commit: info("small"), result: null }));
    expect((await other.snapshot()).get(notePath("bulk-0"))).toEqual({ text: "changed" });
    h.verify?.();
    await other.close();
    await h.store.close();
  });

  it("derive: cached by commit, and carried across commits that changed nothing it reads", async () => {
    const { store } = make();
    const put = (path: string, value: unknown) => store.transact(() => ({ changes: [{ path, value }], commit: info("put"), result: null }));
    await put(notePath("a"), { text: "one" });
    let computed = 0;
    const count = (s: Snapshot) => {
      computed++;
      return s.paths("notes/").length;
    };
    const read = () => store.derive("notes-count", count, undefined, ["notes/"]);
    expect((await read()).value).toBe(1);
    expect((await read()).value).toBe(1);
    expect(computed).toBe(1);
    // A commit outside notes/ carries the value to the new tip without computing it again.
    const other = await put("counter.yaml", { value: 1 });
    expect(await read()).toEqual({ commit: other.commit, value: 1 });
    expect(computed).toBe(1);
    // One inside it does not; nor does a view declared without what it reads.
    await put(notePath("b"), { text: "two" });
    expect((await read()).value).toBe(2);
    expect(computed).toBe(2);
    await store.derive("unscoped", count);
    await put("counter.yaml", { value: 2 });
    await store.derive("unscoped", count);
    expect(computed).toBe(4);
    await store.close();
  });

  it("derive with a projection: carried across changes that leave what it uses equal, computed again otherwise", async () => {
    const { store } = make();
    const put = (path: string, value: unknown) => store.transact(() => ({ changes: [{ path, value }], commit: info("put"), result: null }));
    await put(notePath("a"), { text: "one", seen: 1 });
    await put(notePath("b"), { text: "two", seen: 1 });
    let computed = 0;
    const texts = (s: Snapshot) => {
      computed++;
      return s.paths("notes/").map((p) => (s.get(p) as { text: string }).text);
    };
    const reads = { prefixes: ["notes/"], project: (_path: string, doc: unknown) => (doc as { text: string }).text };
    const read = () => store.derive("note-texts", texts, undefined, reads);
    expect((await read()).value).toEqual(["one", "two"]);
    // Only a field the projection leaves out changed: carried.
    const seen = await put(notePath("a"), { text: "one", seen: 2 });
    expect(await read()).toEqual({ commit: seen.commit, value: ["one", "two"] });
    expect(computed).toBe(1);
    // The projected field changed: computed again.
    await put(notePath("b"), { text: "TWO", seen: 1 });
    expect((await read()).value).toEqual(["one", "TWO"]);
    expect(computed).toBe(2);
    // A document added or removed is never carried, whatever it projects to.
    await put(notePath("c"), { text: "one", seen: 1 });
    expect((await read()).value).toEqual(["one", "TWO", "one"]);
    await put(notePath("c"), null);
    expect((await read()).value).toEqual(["one", "TWO"]);
    expect(computed).toBe(4);
    await store.close();
  });

  it("snapshots of old commits stay readable", async () => {
    const { store } = make();
    const first = await store.transact(() => ({ changes: [{ path: "counter.yaml", value: { value: 1 } }], commit: info("a"), result: null }));
    await store.transact(() => ({ changes: [{ path: "counter.yaml", value: { value: 2 } }], commit: info("b"), result: null }));
    expect((await store.snapshot(first.commit)).get("counter.yaml")).toEqual({ value: 1 });
    expect((await store.snapshot()).get("counter.yaml")).toEqual({ value: 2 });
    await store.close();
  });

  it("documents handed to mutations are frozen", async () => {
    const { store } = make();
    await store.transact(() => ({ changes: [{ path: notePath("f"), value: { text: "a", list: [1] } }], commit: info("a"), result: null }));
    await expect(
      store.transact((snap) => {
        (snap.get(notePath("f")) as { list: number[] }).list.push(2);
        return { noop: true as const, result: null };
      }),
    ).rejects.toThrow(TypeError);
    expect((await store.snapshot()).get(notePath("f"))).toEqual({ text: "a", list: [1] });
    await store.close();
  });

  it("errors thrown by a mutation propagate and write nothing", async () => {
    const { store } = make();
    const err = new ValidationError("domain says no", [{ message: "no" }]);
    await expect(store.transact(() => { throw err; })).rejects.toBe(err);
    expect(await store.tip()).toBeNull();
    await store.close();
  });
});
