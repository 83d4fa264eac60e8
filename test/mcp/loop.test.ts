/**
 * An agent's whole loop through MCP against the built binary: next, claim, heartbeat,
 * packet, run, verify, submit; then the errors an agent must be able to branch on, with the
 * CLI's codes, and a cancelled command.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planref } from "../helpers/cli.js";
import { cleanupAll, type TempRepo } from "../helpers/git-repo.js";
import { connect, preparedRepo, type Session, T001 } from "./support.js";

afterAll(cleanupAll);

describe("planref mcp: the agent loop", () => {
  let repo: TempRepo;
  let s: Session;
  beforeAll(async () => {
    repo = await preparedRepo();
    s = await connect({ cwd: repo.dir, env: { ...repo.env, PLANREF_ACTOR: "agent-a" }, args: ["--all-tools"] });
  });
  afterAll(async () => s?.close());

  const ok = async (name: string, args: Record<string, unknown> = {}) => {
    const r = await s.call(name, args);
    if (r.isError) throw new Error(`${name} failed: ${JSON.stringify(r.envelope.error)}`);
    expect(r.envelope.ok).toBe(true);
    // structuredContent carries the same data as the text envelope.
    expect(r.structured).toEqual(r.envelope.data);
    return r.envelope.data;
  };

  it("next -> claim -> heartbeat -> packet -> run -> verify -> submit", async () => {
    const next = await ok("planref_next");
    expect(next.candidate.id).toBe(T001);

    const claim = await ok("planref_claim", { task: "T001" });
    expect(claim).toMatchObject({ task: T001, status: "claimed", outcome: "acquired", claim: { epoch: 1, holder: { actor: "agent-a" } } });

    const hb = await ok("planref_heartbeat");
    expect(hb).toMatchObject({ task: T001, epoch: 1, status: "in_progress" });

    const packet = await ok("planref_packet", { task: "T001" });
    expect(packet.markdown).toContain("Invoice to CSV serializer");
    expect(packet.bytes).toBeLessThanOrEqual(packet.budget);
    const pj = await ok("planref_packet", { task: T001, format: "json" });
    expect(pj.packet).toBeTypeOf("object");
    expect(pj.markdown).toBeUndefined();

    const run = await ok("planref_run", { command: ["echo", "hello from mcp"] });
    expect(run).toMatchObject({ exitCode: 0, recorded: true, cwd: repo.dir, evidence: { task: T001, command: "echo 'hello from mcp'", exitCode: 0, outputTail: "hello from mcp\n", capturedBy: "planref", epoch: 1 } });
    const failing = await ok("planref_run", { command: ["exit 4"], label: "a failing check" });
    expect(failing).toMatchObject({ exitCode: 4, recorded: true, evidence: { exitCode: 4, label: "a failing check" } });

    const verify = await ok("planref_verify");
    expect(verify).toMatchObject({ task: T001, passed: true, results: [{ command: "true", exitCode: 0 }] });

    const submit = await ok("planref_submit", { summary: "CSV serializer", commands: ["true"] });
    expect(submit.submission).toMatchObject({ task: T001, epoch: 1, by: "agent-a", summary: "CSV serializer", reported: { commands: ["true"], files: [] } });
    expect(submit.commit).toMatch(/^[0-9a-f]{40}$/);

    const show = await ok("planref_task_show", { task: "T001" });
    expect(show.task.status).toBe("submitted");
    const ev = await ok("planref_evidence_list", { task: "T001", limit: 2 });
    expect(ev.evidence.map((e: any) => e.command)).toEqual(["echo 'hello from mcp'", "exit 4"]);
    expect(ev).toMatchObject({ total: 3, nextCursor: "2" });
    const ev2 = await ok("planref_evidence_list", { task: "T001", limit: 2, cursor: ev.nextCursor });
    expect(ev2).toMatchObject({ nextCursor: null, evidence: [{ command: "true", verification: true }] });

    // The CLI sees the same state the tools wrote.
    const cli = await planref(["task", "show", "T001", "--json"], { cwd: repo.dir, env: repo.env });
    expect(cli.json?.data.task.status).toBe("submitted");
    expect(s.stderr()).toContain("$ true");
  });

  it("the extra tools: review (as another actor), apply dry run, waves, log pages", async () => {
    const review = await ok("planref_review", { task: "T001", verdict: "approve", note: "fine", actor: "rev" });
    expect(review).toMatchObject({ status: "accepted", review: { by: "rev", verdict: "approve" } });
    const before = repo.git("rev-parse", "refs/plan/state").trim();
    const gate = await ok("planref_apply_dry_run", { task: "T001" });
    expect(gate).toMatchObject({ applied: false, commit: null, report: { task: T001, holds: true } });
    expect(repo.git("rev-parse", "refs/plan/state").trim()).toBe(before);

    const waves = await ok("planref_waves", { agents: 2 });
    expect(waves.waves.every((w: string[]) => w.length <= 2)).toBe(true);

    const first = await ok("planref_log", { limit: 3 });
    expect(first.entries.map((e: any) => e.op)).toEqual(["review", "submit", "evidence"]);
    expect(first.nextCursor).toBe("3");
    const second = await ok("planref_log", { limit: 3, cursor: first.nextCursor });
    expect(second.entries[0].commit).not.toBe(first.entries[2].commit);
    const mine = await ok("planref_log", { byActor: "rev" });
    expect(mine).toMatchObject({ entries: [{ op: "review", actor: "rev" }], nextCursor: null });
  });
});

describe("planref mcp: errors carry the CLI's codes", () => {
  let repo: TempRepo;
  let a: Session;
  let b: Session;
  beforeAll(async () => {
    repo = await preparedRepo();
    // One server per actor, like two agents; a third identity comes from the actor argument.
    [a, b] = await Promise.all([connect({ cwd: repo.dir, env: { ...repo.env, PLANREF_ACTOR: "agent-a" } }), connect({ cwd: repo.dir, env: { ...repo.env, PLANREF_ACTOR: "agent-b" } })]);
  });
  afterAll(async () => Promise.all([a?.close(), b?.close()]));

  it("claiming an unknown task is NOT_FOUND", async () => {
    const r = await a.call("planref_claim", { task: "T999" });
    expect(r.isError).toBe(true);
    expect(r.envelope).toMatchObject({ ok: false, error: { code: "NOT_FOUND", message: expect.stringContaining("T999") } });
    expect(r.structured).toEqual(r.envelope.error);
  });

  it("a second actor claiming a held task is CLAIM_CONFLICT, from another server or through the actor argument", async () => {
    expect((await a.call("planref_claim", { task: "T001" })).envelope.ok).toBe(true);
    const r = await b.call("planref_claim", { task: "T001" });
    expect(r.isError).toBe(true);
    expect(r.envelope.error).toMatchObject({ code: "CLAIM_CONFLICT", message: expect.stringContaining("agent-a") });
    const c = await a.call("planref_claim", { task: "T001", actor: "agent-c" });
    expect(c.envelope.error?.code).toBe("CLAIM_CONFLICT");
    // The holder's own heartbeat still works.
    expect((await a.call("planref_heartbeat", { task: "T001" })).envelope.data).toMatchObject({ epoch: 1 });
    // Someone else's heartbeat does not.
    expect((await b.call("planref_heartbeat", { task: "T001" })).envelope.error).toMatchObject({ code: "LEASE_LOST", details: { holder: "agent-a" } });
  });

  it("bad input is USAGE naming the field: wrong type, unknown key, missing required, bad enum, bad cursor", async () => {
    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ["planref_claim", { task: 42 }, "task", /"task" must be a string/],
      ["planref_run", { command: "ls" }, "command", /"command" must be an array of strings/],
      ["planref_run", { command: ["ls", 3] }, "command[1]", /"command\[1\]" must be a string/],
      ["planref_run", { command: [] }, "command", /"command" needs at least 1 item/],
      ["planref_heartbeat", { epoch: 1.5 }, "epoch", /"epoch" must be a whole number/],
      ["planref_claim", { task: "T001", bogus: true }, "bogus", /unknown argument "bogus"/],
      ["planref_submit", {}, "summary", /"summary" is required/],
      ["planref_packet", { task: "T001", format: "html" }, "format", /"format" must be one of md, json/],
      ["planref_claim", { task: "T002", branch: "yes" }, "branch", /"branch" must be true or false/],
    ];
    for (const [tool, args, field, message] of cases) {
      const r = await a.call(tool, args);
      expect(r.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(r.envelope.error?.code).toBe("USAGE");
      expect(r.envelope.error?.message).toMatch(message);
      expect(r.envelope.error?.details).toMatchObject({ field });
    }
    const all = await connect({ cwd: repo.dir, env: repo.env, args: ["--all-tools"] });
    try {
      const r = await all.call("planref_task_list", { cursor: "abc" });
      expect(r.envelope.error).toMatchObject({ code: "USAGE", details: { field: "cursor" } });
      const page = await all.call("planref_task_list", { limit: 2 });
      expect(page.envelope.data).toMatchObject({ total: 5, nextCursor: "2" });
      expect(page.envelope.data.tasks).toHaveLength(2);
    } finally {
      await all.close();
    }
  });

  it("a cwd outside any repository is NOT_A_REPOSITORY; the server keeps serving", async () => {
    const r = await a.call("planref_status", { cwd: "/" });
    expect(r.envelope.error?.code).toBe("NOT_A_REPOSITORY");
    expect((await a.call("planref_status")).envelope.ok).toBe(true);
  });

  it("a cancelled run stops its command; the killed run is still recorded as evidence", async () => {
    const started = Date.now();
    const ctrl = new AbortController();
    const call = a.call("planref_run", { task: "T001", command: ["sleep 30"] }, { signal: ctrl.signal });
    setTimeout(() => ctrl.abort(), 500);
    await expect(call).rejects.toThrow();
    let ev: any[] = [];
    for (let i = 0; i < 50 && ev.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ev = (await planref(["evidence", "list", "T001", "--json"], { cwd: repo.dir, env: repo.env })).json?.data.evidence ?? [];
    }
    expect(ev.map((e) => [e.command, e.exitCode])).toEqual([["sleep 30", 143]]);
    expect(ev[0].outputTail).toContain("cancelled by the client");
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("planref mcp: a claim with its own worktree", () => {
  let repo: TempRepo;
  let s: Session;
  beforeAll(async () => {
    repo = await preparedRepo();
    s = await connect({ cwd: repo.dir, env: { ...repo.env, PLANREF_ACTOR: "agent-w" } });
  });
  afterAll(async () => s?.close());

  it("run and verify default to the claim's worktree; concurrent calls on one server all land", async () => {
    const claim = await s.call("planref_claim", { task: "T001", worktree: true });
    const wt = claim.envelope.data.claim.worktree as string;
    expect(wt).toMatch(/repo\.worktrees\/T001$/);
    expect(repo.git("-C", wt, "rev-parse", "--abbrev-ref", "HEAD").trim()).toBe("planref/invoice-export.T001");

    const run = await s.call("planref_run", { command: ["pwd"] });
    expect(run.envelope.data).toMatchObject({ cwd: wt, recorded: true, evidence: { cwd: wt, outputTail: `${wt}\n` } });
    const here = await s.call("planref_run", { command: ["pwd"], cwd: "." });
    expect(here.envelope.data).toMatchObject({ cwd: repo.dir, recorded: true });

    const verify = await s.call("planref_verify", {});
    expect(verify.envelope.data.passed).toBe(true);
    const ev = (await planref(["evidence", "list", "T001", "--json"], { cwd: repo.dir, env: repo.env })).json?.data.evidence as any[];
    expect(ev.at(-1)).toMatchObject({ command: "true", verification: true, cwd: wt });

    // Reads and writes in parallel on one open project: each lands once, the CAS orders them.
    const replies = await Promise.all([
      s.call("planref_status"),
      s.call("planref_heartbeat"),
      s.call("planref_next"),
      s.call("planref_heartbeat", { task: "T001" }),
      s.call("planref_packet", { task: "T001" }),
      s.call("planref_run", { command: ["true"] }),
    ]);
    expect(replies.map((r) => r.envelope.ok)).toEqual([true, true, true, true, true, true]);
    const ops = repo.git("log", "--format=%(trailers:key=Planref-Op,valueonly,separator=)", "-n3", "refs/plan/state").trim().split("\n").sort();
    expect(ops).toEqual(["evidence", "heartbeat", "heartbeat"]);
  });
});
