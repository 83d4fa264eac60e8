import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openProject } from "../../src/runtime/open-project.js";
import { cleanupAll, makeRepo, type TempRepo } from "../helpers/git-repo.js";
import { type CliResult, planref } from "../helpers/cli.js";

/**
 * `planref claim`, `heartbeat`, `release`, `packet`, `status` (claims) and `config` through
 * the real binary with --json. Setup goes through the library (fast); every command under
 * test is the binary. Tests in a describe share one repository and run in order.
 */

afterAll(cleanupAll);

const ROOT = join(import.meta.dirname, "..", "..");
const INVOICE = readFileSync(join(ROOT, "fixtures/prd/invoice-export.md"), "utf8");
const inv = (local: string) => `invoice-export.${local}`;
const T001 = inv("T001");
const T002 = inv("T002");
const HEX40 = /^[0-9a-f]{40}$/;

interface Session {
  repo: TempRepo;
  /** Extra tasks added outside the spec, by name: their scopes are given to session(). */
  extra: Record<string, string>;
  run(actor: string, args: string[], options?: { env?: NodeJS.ProcessEnv; cwd?: string }): Promise<CliResult>;
  json(actor: string, ...args: string[]): Promise<CliResult>;
}

/** A repository with the invoice spec approved, T001 and T002 ready, and ready extra tasks with the given scopes. */
async function session(extraScopes: Record<string, string[]> = {}): Promise<Session> {
  const repo = makeRepo();
  const p = openProject({ cwd: repo.dir, env: repo.env, actor: "lead" });
  const extra: Record<string, string> = {};
  try {
    await p.init({ name: "shop" });
    await p.importSpec({ file: "prd/invoice-export.md", text: INVOICE });
    await p.reviewSpec({ spec: "invoice-export", verdict: "approve" });
    for (const t of ["T001", "T002"]) await p.reviewTask({ task: inv(t), verdict: "approve" });
    for (const [name, scope] of Object.entries(extraScopes)) {
      const added = await p.addTask({ title: name, acceptanceCriteria: ["done"], verification: ["true"], scope });
      await p.reviewTask({ task: added.task.id, verdict: "approve" });
      extra[name] = added.task.id;
    }
  } finally {
    await p.close();
  }
  const run: Session["run"] = (actor, args, options = {}) => planref(args, { cwd: options.cwd ?? repo.dir, env: { ...repo.env, PLANREF_ACTOR: actor, ...options.env } });
  return { repo, extra, run, json: (actor, ...args) => run(actor, [...args, "--json"]) };
}

const ok = (r: CliResult) => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stdout}${r.stderr}`);
  expect(r.json?.ok).toBe(true);
  return r.json?.data;
};

function checkout(repo: TempRepo) {
  return {
    status: repo.git("status", "--porcelain", "--untracked-files=all"),
    head: repo.git("rev-parse", "HEAD").trim(),
    symbolic: repo.git("symbolic-ref", "HEAD").trim(),
    index: repo.git("ls-files", "--stage"),
  };
}

describe("planref claim: every flag, and the loser's error", () => {
  let s: Session;
  let aliceExpires: string;
  beforeAll(async () => {
    s = await session({ docs: ["docs/**"], docsApi: ["docs/api/**"], lib: ["lib/**"], tools: ["tools/**"], spare: ["spare/**"] });
  });

  it("--lease and repeated --scope", async () => {
    const r = await s.json("alice", "claim", "T001", "--lease", "20m", "--scope", "src/export/csv.ts", "--scope", "src/export/csv/**");
    const d = ok(r);
    expect(r.stderr).toBe("");
    expect(d).toMatchObject({ task: T001, status: "claimed", outcome: "acquired", previousHolder: null, commit: expect.stringMatching(HEX40) });
    expect(d.claim).toMatchObject({ task: T001, epoch: 1, state: "live", leaseSeconds: 1200, scope: ["src/export/csv.ts", "src/export/csv/**"], branch: null, worktree: null, holder: { actor: "alice" } });
    expect(Date.parse(d.claim.expiresAt) - Date.parse(d.claim.acquiredAt)).toBe(1_200_000);
    aliceExpires = d.claim.expiresAt;
    const log = ok(await s.json("alice", "log", "--op", "claim"));
    expect(log.entries[0]).toMatchObject({ op: "claim", actor: "alice", task: T001, epoch: 1, commit: d.commit });
  });

  it("the loser gets exit 3 and a JSON error naming the holder and expiresAt", async () => {
    const r = await s.json("bob", "claim", "T001");
    expect(r.code).toBe(3);
    expect(r.json).toMatchObject({ ok: false, error: { code: "CLAIM_CONFLICT", hint: expect.any(String), details: { task: T001, epoch: 1, expiresAt: aliceExpires, holder: { actor: "alice", kind: expect.any(String) } } } });
    expect(r.json?.error?.message).toContain("alice");
    expect(r.json?.error?.message).toContain(aliceExpires);
    // Human mode: the same on stderr, nothing on stdout.
    const human = await s.run("bob", ["claim", "T001"]);
    expect(human.code).toBe(3);
    expect(human.stdout).toBe("");
    expect(human.stderr).toMatch(/^planref: error: task invoice-export\.T001 is claimed by alice until /);
  });

  it("claiming what you hold is idempotent: same epoch, no commit", async () => {
    const before = s.repo.git("rev-parse", "refs/plan/state");
    const d = ok(await s.json("alice", "claim", T001));
    expect(d).toMatchObject({ outcome: "already-held", commit: null, claim: { epoch: 1, expiresAt: aliceExpires } });
    expect(s.repo.git("rev-parse", "refs/plan/state")).toBe(before);
  });

  it("claiming what you already hold with new --branch/--lease is refused, not silently ignored", async () => {
    const r = await s.json("alice", "claim", "T001", "--branch", "--lease", "2h");
    expect(r.code).toBe(2);
    expect(r.json?.error).toMatchObject({ code: "USAGE", message: expect.stringContaining("already hold") });
    expect(s.repo.git("branch", "--list", `planref/${T001}`).trim()).toBe("");
  });

  it("bad --lease is a usage error (2); a bad --scope glob is a validation error (5)", async () => {
    const lease = await s.json("bob", "claim", "T002", "--lease", "soon");
    expect(lease.code).toBe(2);
    expect(lease.json?.error).toMatchObject({ code: "USAGE", message: expect.stringContaining("--lease") });
    const glob = await s.json("bob", "claim", "T002", "--scope", "src/[");
    expect(glob.code).toBe(5);
    expect(glob.json?.error?.code).toBe("VALIDATION_FAILED");
  });

  it("a task that is not claimable: draft (exit 6 with the review hint), waiting on dependencies (exit 6), unknown (exit 4), cancelled (exit 3); nothing is written", async () => {
    const tip = () => s.repo.git("rev-parse", "refs/plan/state").trim();
    const before = tip();
    const draft = await s.json("bob", "claim", "T005");
    expect(draft.code).toBe(6);
    expect(draft.json?.error).toMatchObject({ code: "GATE_REFUSED", hint: `planref task review ${inv("T005")} --approve`, details: { task: inv("T005"), status: "draft" } });
    ok(await s.json("lead", "task", "review", "T003", "--approve"));
    const waiting = await s.json("bob", "claim", "T003");
    expect(waiting.code).toBe(6);
    expect(waiting.json?.error).toMatchObject({ code: "GATE_REFUSED", message: expect.stringContaining("waits on"), details: { task: inv("T003"), waitingOn: [T001, T002] } });
    const unknown = await s.json("bob", "claim", "T999");
    expect(unknown.code).toBe(4);
    expect(unknown.json?.error?.code).toBe("NOT_FOUND");
    const afterReview = tip();
    ok(await s.json("lead", "task", "cancel", s.extra.spare as string, "--reason", "not needed"));
    const cancelled = await s.json("bob", "claim", s.extra.spare as string);
    expect(cancelled.code).toBe(3);
    expect(cancelled.json?.error?.code).toBe("INVALID_TRANSITION");
    // Only the review and the cancel were committed.
    expect(s.repo.git("rev-list", "--count", `${before}..${afterReview}`).trim()).toBe("1");
    expect(s.repo.git("rev-list", "--count", `${afterReview}..${tip()}`).trim()).toBe("1");
  });

  it("--branch creates planref/<task> at HEAD without touching the checkout", async () => {
    const before = checkout(s.repo);
    const d = ok(await s.json("bob", "claim", "T002", "--branch"));
    expect(d.claim).toMatchObject({ branch: `planref/${T002}`, worktree: null, baseCommit: before.head });
    expect(s.repo.git("rev-parse", `refs/heads/planref/${T002}`).trim()).toBe(before.head);
    expect(checkout(s.repo)).toEqual(before);
  });

  it("--worktree without a path adds a linked worktree next to the repository", async () => {
    const before = checkout(s.repo);
    const id = s.extra.docs as string;
    const d = ok(await s.json("carol", "claim", id, "--worktree"));
    const expected = join(dirname(realpathSync(s.repo.dir)), "repo.worktrees", id);
    expect(d.claim).toMatchObject({ branch: `planref/${id}`, worktree: expected });
    expect(existsSync(join(expected, "README.md"))).toBe(true);
    expect(s.repo.git("-C", expected, "symbolic-ref", "HEAD").trim()).toBe(`refs/heads/planref/${id}`);
    expect(checkout(s.repo)).toEqual(before);
  });

  it("--worktree <path> puts it there", async () => {
    const before = checkout(s.repo);
    const id = s.extra.lib as string;
    const path = join(dirname(realpathSync(s.repo.dir)), "lib-work");
    const d = ok(await s.json("dave", "claim", id, "--worktree", path));
    expect(d.claim).toMatchObject({ branch: `planref/${id}`, worktree: path });
    expect(s.repo.git("worktree", "list", "--porcelain")).toContain(`worktree ${path}\nHEAD ${before.head}\nbranch refs/heads/planref/${id}\n`);
    expect(checkout(s.repo)).toEqual(before);
  });

  it("an overlapping scope is refused naming the other task; --force-overlap needs --reason; forced overlap is recorded", async () => {
    const docs = s.extra.docs as string;
    const api = s.extra.docsApi as string;
    const refused = await s.json("erin", "claim", api);
    expect(refused.code).toBe(3);
    expect(refused.json?.error).toMatchObject({ code: "CLAIM_CONFLICT", details: { task: api, overlaps: [{ task: docs, holder: "carol", mine: "docs/api/**", theirs: "docs/**" }] } });
    expect(refused.json?.error?.message).toContain(docs);

    const noReason = await s.json("erin", "claim", api, "--force-overlap");
    expect(noReason.code).toBe(2);
    expect(noReason.json?.error).toMatchObject({ code: "USAGE", message: expect.stringContaining("--reason") });

    const forced = ok(await s.json("erin", "claim", api, "--force-overlap", "--reason", "API docs are mine, carol agreed"));
    expect(forced.claim.forcedOverlap).toEqual({ reason: "API docs are mine, carol agreed", with: [docs] });
    expect(s.repo.git("log", "-1", "--format=%(trailers:key=Planref-Forced-Overlap,valueonly)%n%B", "refs/plan/state")).toContain("Forced overlap: API docs are mine, carol agreed");
    expect(s.repo.git("log", "-1", "--format=%(trailers:key=Planref-Forced-Overlap,valueonly)", "refs/plan/state").trim()).toBe(docs);
  });

  it("a narrower --scope avoids the overlap", async () => {
    const d = ok(await s.json("frank", "claim", s.extra.tools as string, "--scope", "tools/frank/*.sh"));
    expect(d.claim.scope).toEqual(["tools/frank/*.sh"]);
    expect(d.claim.forcedOverlap).toBeUndefined();
  });
});

describe("planref heartbeat and release", () => {
  let s: Session;
  let bobEpoch: number;
  beforeAll(async () => {
    s = await session({ docs: ["docs/**"] });
    ok(await s.json("alice", "claim", "T001"));
    bobEpoch = ok(await s.json("bob", "claim", "T002")).claim.epoch;
  });

  it("heartbeat <task>: claimed → in_progress, lease extended", async () => {
    const before = ok(await s.json("alice", "packet", T001, "--format", "json"));
    const d = ok(await s.json("alice", "heartbeat", "T001"));
    expect(d).toMatchObject({ task: T001, epoch: 1, status: "in_progress", commit: expect.stringMatching(HEX40) });
    expect(Date.parse(d.expiresAt)).toBeGreaterThanOrEqual(Date.parse(before.claim.expiresAt));
    expect(s.repo.git("log", "-1", "--format=%(trailers:key=Planref-Op,valueonly)%(trailers:key=Planref-Epoch,valueonly)", "refs/plan/state").trim()).toBe("heartbeat\n1");
  });

  it("heartbeat without a task renews the actor's only live claim; with two, it asks for the task (exit 2)", async () => {
    const d = ok(await s.json("bob", "heartbeat"));
    expect(d).toMatchObject({ task: T002, epoch: bobEpoch });
    ok(await s.json("bob", "claim", s.extra.docs as string));
    const two = await s.json("bob", "heartbeat");
    expect(two.code).toBe(2);
    expect(two.json?.error).toMatchObject({ code: "USAGE", details: { tasks: expect.arrayContaining([T002, s.extra.docs]) } });
    const none = await s.json("nobody", "heartbeat");
    expect(none.code).toBe(4);
  });

  it("heartbeat --epoch wrong → LEASE_LOST, exit 3; another actor's heartbeat too", async () => {
    const wrong = await s.json("alice", "heartbeat", "T001", "--epoch", "7");
    expect(wrong.code).toBe(3);
    expect(wrong.json?.error).toMatchObject({ code: "LEASE_LOST", details: { task: T001, epoch: 7, currentEpoch: 1, holder: "alice" }, hint: expect.stringContaining("planref claim") });
    const right = ok(await s.json("alice", "heartbeat", "T001", "--epoch", "1"));
    expect(right.epoch).toBe(1);
    const other = await s.json("mallory", "heartbeat", "T001");
    expect(other.code).toBe(3);
    expect(other.json?.error?.code).toBe("LEASE_LOST");
    const bad = await s.json("alice", "heartbeat", "T001", "--epoch", "zero");
    expect(bad.code).toBe(2);
  });

  it("release by the holder: the task is ready again; a second release is INVALID_TRANSITION", async () => {
    const d = ok(await s.json("alice", "release", "T001"));
    expect(d).toMatchObject({ task: T001, holder: "alice", forced: false, commit: expect.stringMatching(HEX40) });
    expect(ok(await s.json("alice", "task", "show", "T001")).task.status).toBe("ready");
    expect(ok(await s.json("alice", "status")).ready).toContain(T001);
    const again = await s.json("alice", "release", "T001");
    expect(again.code).toBe(3);
    expect(again.json?.error?.code).toBe("INVALID_TRANSITION");
  });

  it("release of someone else's claim without --force → LEASE_LOST; --force without --reason → exit 2", async () => {
    const notMine = await s.json("carol", "release", "T002");
    expect(notMine.code).toBe(3);
    expect(notMine.json?.error?.code).toBe("LEASE_LOST");
    const noReason = await s.json("carol", "release", "T002", "--force");
    expect(noReason.code).toBe(2);
    expect(noReason.json?.error).toMatchObject({ code: "USAGE", message: expect.stringContaining("--reason") });
  });

  it("release --force --reason by another actor: recorded as force-release with both names", async () => {
    const d = ok(await s.json("carol", "release", "T002", "--force", "--reason", "bob's session crashed"));
    expect(d).toMatchObject({ task: T002, holder: "bob", forced: true });
    const log = ok(await s.json("carol", "log", "--op", "force-release"));
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]).toMatchObject({ op: "force-release", actor: "carol", task: T002, epoch: bobEpoch, author: "carol <carol@planref.invalid>", subject: `force-release task ${T002} held by bob` });
    expect(log.entries[0].trailers["Planref-Holder"]).toEqual(["bob"]);
    const raw = s.repo.git("log", "-1", "--format=%an%n%B", "refs/plan/state");
    expect(raw).toContain("carol\n");
    expect(raw).toContain("bob's session crashed");
    expect(raw).toContain("Planref-Holder: bob");
    // bob has lost the lease.
    const hb = await s.json("bob", "heartbeat", "T002", "--epoch", String(bobEpoch));
    expect(hb.code).toBe(3);
    expect(hb.json?.error).toMatchObject({ code: "LEASE_LOST", message: expect.stringContaining("force-released by carol") });
    // The next claim records how the previous one ended.
    const next = ok(await s.json("dave", "claim", "T002"));
    expect(next.claim.epoch).toBe(bobEpoch + 1);
    expect(next.claim.attempts.at(-1)).toMatchObject({ epoch: bobEpoch, holder: { actor: "bob" }, ending: { how: "force-released", by: "carol", reason: "bob's session crashed" } });
  });
});

describe("planref packet", () => {
  let s: Session;
  beforeAll(async () => {
    s = await session();
    ok(await s.json("alice", "claim", "T002", "--branch"));
  });

  it("--format md prints exactly the markdown on stdout", async () => {
    const md = await s.run("alice", ["packet", "T002", "--format", "md"]);
    expect(md.code).toBe(0);
    expect(md.stderr).toBe("");
    const viaJson = ok(await s.json("alice", "packet", "T002", "--format", "md"));
    expect(md.stdout).toBe(viaJson.markdown);
    expect(viaJson.bytes).toBe(Buffer.byteLength(md.stdout));
    expect(md.stdout).toMatch(/^# invoice-export\.T002: Invoice to PDF renderer\n/);
    expect(md.stdout).toContain(`claim: alice, epoch 1, lease until ${viaJson.packet.claim.expiresAt}, branch planref/${T002}`);
    expect(md.stdout).toContain(`planref heartbeat ${T002} --epoch 1`);
    expect(md.stdout.endsWith("\n")).toBe(true);
    expect(md.stdout.endsWith("\n\n")).toBe(false);
    // md is the default.
    expect((await s.run("alice", ["packet", "T002"])).stdout).toBe(md.stdout);
  });

  it("--format json prints the packet; with --json it is the envelope's data", async () => {
    const plain = await s.run("alice", ["packet", "T002", "--format", "json"]);
    expect(plain.code).toBe(0);
    const packet = JSON.parse(plain.stdout);
    expect(packet).toMatchObject({ task: { id: T002 }, claim: { holder: "alice", epoch: 1, branch: `planref/${T002}` }, commands: { heartbeat: `planref heartbeat ${T002} --epoch 1` }, nonGoals: { spec: ["Editing invoices", "Any format other than CSV and PDF"] } });
    expect(ok(await s.json("alice", "packet", "T002", "--format", "json"))).toEqual(packet);
  });

  it("--max-bytes trims and lists what it left out; bad --format and --max-bytes are usage errors", async () => {
    const d = ok(await s.json("alice", "packet", "T002", "--format", "json", "--max-bytes", "600"));
    // Either something was trimmed, or the essentials alone exceed 600 bytes and the packet says so.
    expect(d.omitted.length > 0 || d.overBudget > 0).toBe(true);
    const small = await s.json("alice", "packet", "T002", "--max-bytes", "1000");
    expect(small.json?.data.bytes).toBeLessThanOrEqual(Math.max(1000, small.json?.data.bytes - (small.json?.data.packet.overBudget ?? 0)));
    expect((await s.json("alice", "packet", "T002", "--format", "xml")).code).toBe(2);
    expect((await s.json("alice", "packet", "T002", "--max-bytes", "0")).code).toBe(2);
    const missing = await s.json("alice", "packet", "T999");
    expect(missing.code).toBe(4);
  });
});

describe("planref status shows live, expiring and stale claims (PLANREF_NOW moves time)", () => {
  const T0 = Date.parse("2031-01-01T00:00:00.000Z");
  const at = (ms: number) => ({ env: { PLANREF_NOW: new Date(T0 + ms).toISOString() } });
  let s: Session;
  beforeAll(async () => {
    s = await session({ short: ["short/**"] });
  });

  it("one claim of each kind", async () => {
    const short = s.extra.short as string;
    for (const [actor, task, lease] of [["alice", "T001", "1h"], ["bob", "T002", "10m"], ["carol", short, "1m"]] as const) {
      const r = await s.run(actor, ["claim", task, "--lease", lease, "--json"], at(0));
      expect(r.code).toBe(0);
      expect(r.json?.data.claim.acquiredAt).toBe(new Date(T0).toISOString());
    }
    // Nine minutes later: alice has 51 minutes left, bob 1 (under a fifth of his lease), carol's lease ran out 8 minutes ago (skew margin 2m).
    const st = await s.run("zed", ["status", "--json"], at(9 * 60_000));
    expect(st.code).toBe(0);
    expect(st.json?.data.claims).toEqual([
      { task: short, holder: "carol", kind: "human", epoch: 1, expiresAt: new Date(T0 + 60_000).toISOString(), secondsLeft: -480, state: "stale", worktree: realpathSync(s.repo.dir), branch: "main" },
      { task: T002, holder: "bob", kind: "human", epoch: 1, expiresAt: new Date(T0 + 600_000).toISOString(), secondsLeft: 60, state: "expiring", worktree: realpathSync(s.repo.dir), branch: "main" },
      { task: T001, holder: "alice", kind: "human", epoch: 1, expiresAt: new Date(T0 + 3_600_000).toISOString(), secondsLeft: 3060, state: "live", worktree: realpathSync(s.repo.dir), branch: "main" },
    ]);
    expect(st.json?.data.ready).toEqual([short]);
    expect(st.json?.data.tasks.byStatus).toMatchObject({ claimed: 3 });

    const human = await s.run("zed", ["status"], at(9 * 60_000));
    expect(human.stdout).toMatch(new RegExp(`${short.replace(/\./g, "\\.")}\\s+carol \\(human, epoch 1\\)\\s+expired .* ago\\s+STALE: anyone may take it over`));
    expect(human.stdout).toMatch(/invoice-export\.T002\s+bob \(human, epoch 1\)\s+expires in .*expiring soon/);
    expect(human.stdout).toContain(`ready to claim: ${short}`);
  });

  it("within the skew margin an expired claim is 'expiring', not stale, and cannot be taken", async () => {
    const st = await s.run("zed", ["status", "--json"], at(11 * 60_000));
    expect(st.json?.data.claims.find((c: { task: string }) => c.task === T002)).toMatchObject({ secondsLeft: -60, state: "expiring" });
    const lost = await s.run("zed", ["claim", "T002", "--json"], at(11 * 60_000));
    expect(lost.code).toBe(3);
    const won = await s.run("zed", ["claim", "T002", "--json"], at(12 * 60_000 + 1000));
    expect(won.code).toBe(0);
    expect(won.json?.data).toMatchObject({ outcome: "taken-over", previousHolder: "bob", claim: { epoch: 2 } });
  });

  it("a bad PLANREF_NOW is a usage error", async () => {
    const r = await s.run("zed", ["status", "--json"], { env: { PLANREF_NOW: "yesterday" } });
    expect(r.code).toBe(2);
    expect(r.json?.error?.message).toContain("PLANREF_NOW");
  });
});

describe("planref config get / set", () => {
  let s: Session;
  beforeAll(async () => {
    s = await session();
  });

  it("get one key, all keys; set changes once and reports a no-op", async () => {
    expect(ok(await s.json("lead", "config", "get", "claims.lease"))).toEqual({ key: "claims.lease", value: "15m" });
    const all = ok(await s.json("lead", "config", "get"));
    expect(all.value.claims).toEqual({ lease: "15m", heartbeatInterval: "2m", skewMargin: "2m" });
    const set = ok(await s.json("lead", "config", "set", "claims.skewMargin", "1s"));
    expect(set).toMatchObject({ key: "claims.skewMargin", from: "2m", to: "1s", commit: expect.stringMatching(HEX40) });
    expect(s.repo.git("log", "-1", "--format=%(trailers:key=Planref-Op,valueonly)", "refs/plan/state").trim()).toBe("config");
    expect(ok(await s.json("lead", "config", "set", "claims.skewMargin", "1s"))).toMatchObject({ commit: null });
    expect(ok(await s.json("lead", "config", "set", "packet.maxBytes", "2000")).to).toBe(2000);
    expect((await s.run("lead", ["config", "get", "claims.skewMargin"])).stdout).toBe("1s\n");
  });

  it("a bad value is exit 5 and writes nothing; an unknown key or a group is exit 2", async () => {
    const tip = s.repo.git("rev-parse", "refs/plan/state");
    for (const [key, value] of [["claims.lease", "15 minutes"], ["claims.lease", "0s"], ["packet.maxBytes", "10"], ["sync.mode", "everyone"], ["gate.distinctReviewer", "maybe"]]) {
      const r = await s.json("lead", "config", "set", key as string, value as string);
      expect(r.code, `${key}=${value}`).toBe(5);
      expect(r.json?.error?.code).toBe("VALIDATION_FAILED");
    }
    for (const args of [["set", "claims.nope", "1s"], ["get", "claims.nope"], ["set", "claims", "1s"], ["get", "nothing.here"]]) {
      const r = await s.json("lead", "config", ...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.json?.error?.code).toBe("USAGE");
    }
    expect(s.repo.git("rev-parse", "refs/plan/state")).toBe(tip);
  });
});
