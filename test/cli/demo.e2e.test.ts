/**
 * `planref demo` end to end, through the built binary, on a machine with no git identity
 * configured. What the demo reports and narrates is checked against the repository it
 * leaves behind, read back with the CLI and git: every task done through the gate, one
 * crash and exactly one takeover at a higher epoch after the lease really ran out, the
 * reviewer's request for changes and the resubmission in the audit log, hook-captured
 * evidence, never two live claims on a task, the worktrees, and a clean `git fsck`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, planref } from "../helpers/cli.js";
import { cleanupAll, fsckOk, isolatedEnv, tempDir } from "../helpers/git-repo.js";

afterAll(cleanupAll);

const TASKS = ["T001", "T002", "T003", "T004", "T005"];
const LEASE_PLUS_SKEW_MS = (15 + 2) * 60_000;

interface Entry {
  commit: string;
  time: string;
  op: string;
  actor: string;
  task: string | null;
  epoch: number | null;
  subject: string;
  trailers: Record<string, string[]>;
}

describe("planref demo", () => {
  let env: NodeJS.ProcessEnv;
  let json: CliResult;
  let text: CliResult;
  let jsonRoot: string;
  let textRoot: string;
  let report: any;
  let repo: string;
  /** planref in the left-behind repository, as whoever explores it afterwards. */
  const inRepo = async (args: string[]) => {
    const r = await planref([...args, "--json"], { cwd: repo, env });
    if (r.code !== 0 || !r.json?.ok) throw new Error(`planref ${args.join(" ")} exited ${r.code}: ${r.stdout}${r.stderr}`);
    return r.json.data;
  };
  /** The audit log, oldest first. */
  const history = async (...filters: string[]): Promise<Entry[]> => ((await inRepo(["log", ...filters])).entries as Entry[]).reverse();

  beforeAll(async () => {
    const root = realpathSync(tempDir("planref-demo-test-"));
    const home = join(root, "home");
    mkdirSync(home);
    env = isolatedEnv(home);
    jsonRoot = join(root, "json");
    textRoot = join(root, "text");
    [json, text] = await Promise.all([
      planref(["demo", "--fast", "--json", "--dir", jsonRoot], { cwd: root, env }),
      planref(["demo", "--fast", "--dir", textRoot], { cwd: root, env }),
    ]);
    report = json.json?.data;
    repo = report?.repo;
  }, 240_000);

  it("--fast --json prints one JSON document describing what it left, and exits 0", () => {
    expect(json.code, json.stderr).toBe(0);
    expect(json.json?.ok).toBe(true);
    expect(json.stdout.trim().split("\n")).toHaveLength(1);
    expect(report).toMatchObject({ root: jsonRoot, repo: join(jsonRoot, "shop"), reviewer: "reviewer" });
    expect(report.agents.map((a: any) => a.name)).toEqual(["agent-a", "agent-b", "agent-c"]);
  });

  it("every task reached done through the apply gate, as reported", async () => {
    const tasks = (await inRepo(["task", "list"])).tasks as Array<{ localId: string; status: string }>;
    expect(tasks.map((t) => [t.localId, t.status])).toEqual(TASKS.map((t) => [t, "done"]));
    expect(report.tasks.map((t: any) => t.status)).toEqual(TASKS.map(() => "done"));
    const applies = await history("--op", "apply");
    expect(applies.map((e) => [e.task?.slice(-4), e.actor]).sort()).toEqual(TASKS.map((t) => [t, "reviewer"]));
    for (const t of TASKS) expect((await inRepo(["task", "show", t])).task.completion).toMatchObject({ by: "reviewer", waivers: [] });
  });

  it("one agent crashed mid-task and exactly one takeover followed, at a higher epoch, once the lease had run out", async () => {
    const crashed = report.agents.filter((a: any) => a.crashed);
    expect(crashed).toHaveLength(1);
    const victim = crashed[0].name as string;
    const takeovers = (await history("--op", "claim")).filter((e) => e.trailers["Planref-Previous-Holder"]);
    expect(takeovers).toHaveLength(1);
    const [takeover] = takeovers as [Entry];
    expect(takeover.trailers["Planref-Previous-Holder"]).toEqual([victim]);
    expect(takeover.actor).not.toBe(victim);
    expect(takeover.epoch).toBe(2);
    expect(report.takeovers).toEqual([{ task: takeover.task?.slice(-4), from: victim, to: takeover.actor, epoch: 2 }]);

    const task = takeover.task as string;
    const before = (await history("--task", task)).filter((e) => e.commit !== takeover.commit && e.time <= takeover.time);
    const first = before.filter((e) => e.op === "claim");
    expect(first.map((e) => [e.actor, e.epoch])).toEqual([[victim, 1]]);
    // Nothing from the crashed holder after its last hook record: no release, no heartbeat.
    const lastSign = before.filter((e) => e.actor === victim).pop() as Entry;
    expect(lastSign.op).toBe("evidence");
    expect(Date.parse(takeover.time) - Date.parse(lastSign.time)).toBeGreaterThan(LEASE_PLUS_SKEW_MS);
    expect((await history("--actor", victim)).every((e) => e.time <= lastSign.time)).toBe(true);

    const packet = await inRepo(["packet", task, "--format", "json"]);
    // The crashed attempt, then the successor's, which ended when its submission was applied.
    expect(packet.attempts).toEqual([
      expect.objectContaining({ epoch: 1, holder: victim, ended: "expired", endedBy: takeover.actor, filesTouched: ["src/export/pdf.ts"] }),
      expect.objectContaining({ epoch: 2, holder: takeover.actor, ended: "submitted", endedBy: "reviewer" }),
    ]);
    expect(packet.attempts[0].lastEvidence).toContain("npm test -- pdf` exited 1");
    // The task is done: its packet offers no lease to renew and nothing to submit.
    const md = (await planref(["packet", task], { cwd: repo, env })).stdout;
    expect(md).toContain("status done");
    expect(md).toContain("## Commands\n- none: the task is done\n");
    expect(md).not.toContain("planref heartbeat");
    // The successor continued the crashed branch from where it was cut, although main had moved on.
    const submits = (await history("--task", task, "--op", "submit")).filter((e) => e.actor === takeover.actor);
    expect(submits.map((e) => e.subject)).toEqual([`submit ${task} (0 findings)`]);
  });

  it("the reviewer's request for changes and the resubmission are in the audit log, in order", async () => {
    const log = await history("--task", "T001");
    const steps = log.filter((e) => e.op === "submit" || e.op === "review" || e.op === "apply").map((e) => [e.op, e.actor, e.subject.split(":")[0]]);
    const agent = log.find((e) => e.op === "claim")?.actor as string;
    expect(steps).toEqual([
      ["submit", agent, "submit invoice-export.T001 (0 findings)"],
      ["review", "reviewer", "request-changes invoice-export.T001"],
      ["submit", agent, "submit invoice-export.T001 (0 findings)"],
      ["review", "reviewer", "approve invoice-export.T001"],
      ["apply", "reviewer", "done"],
    ]);
    const other = (await history("--op", "review")).filter((e) => e.task?.endsWith("T001") === false);
    expect(other.map((e) => e.subject.split(" ")[0])).toEqual(["approve", "approve", "approve", "approve"]);
    expect(report.agents.find((a: any) => a.name === agent).tasks.find((t: any) => t.task === "T001")).toMatchObject({ changesRequested: 1, outcome: "done" });
  });

  it("hooks captured edits and commands for every task, from Claude Code payloads; verify ran each verification", async () => {
    for (const t of TASKS) {
      const ev = (await inRepo(["evidence", "list", t])).evidence as any[];
      const hooked = ev.filter((e) => e.capturedBy === "hook");
      expect(hooked.some((e) => e.kind === "edit" && e.source?.agent === "claude" && e.source?.event === "PostToolUse"), t).toBe(true);
      expect(hooked.some((e) => e.kind === "command" && e.source?.tool === "Bash" && /^git add -A && git commit/.test(e.command) && e.exitCode === 0), t).toBe(true);
      expect(ev.some((e) => e.capturedBy === "planref" && e.verification === true && e.exitCode === 0), t).toBe(true);
    }
    const failed = ((await inRepo(["evidence", "list", "T002"])).evidence as any[]).filter((e) => e.exitCode === 1);
    expect(failed).toEqual([expect.objectContaining({ capturedBy: "hook", command: "npm test -- pdf", epoch: 1, source: expect.objectContaining({ event: "PostToolUseFailure" }) })]);
  });

  it("never two live claims on one task: every new claim follows the end of the last, or takes over a stale one", async () => {
    const open = new Map<string, number>();
    for (const e of await history()) {
      if (!e.task) continue;
      if (e.op === "claim") {
        const held = open.get(e.task);
        if (held !== undefined) expect(e.trailers["Planref-Previous-Holder"], `${e.task} claimed at epoch ${e.epoch} while epoch ${held} was live`).toBeDefined();
        expect(e.epoch).toBe((held ?? 0) + 1);
        open.set(e.task, e.epoch as number);
      } else if (e.op === "apply" || e.op === "release" || e.op === "force-release") {
        open.delete(e.task);
      }
    }
    expect(open.size).toBe(0);
    expect((await inRepo(["status"])).claims).toEqual([]);
  });

  it("leaves a repository git accepts, with a worktree per task and all the work merged and passing on main", async () => {
    expect(fsckOk(repo, env)).toMatchObject({ ok: true });
    const listed = spawnSync("git", ["worktree", "list", "--porcelain"], { cwd: repo, env, encoding: "utf8" }).stdout;
    for (const t of TASKS) {
      const wt = join(jsonRoot, "shop.worktrees", t);
      expect(existsSync(join(wt, ".git")), wt).toBe(true);
      expect(listed).toContain(`worktree ${wt}\nHEAD `);
      expect(listed).toContain(`branch refs/heads/planref/invoice-export.${t}\n`);
    }
    expect(report.worktrees).toEqual(TASKS.map((t) => join(jsonRoot, "shop.worktrees", t)));
    const merges = spawnSync("git", ["log", "--merges", "--format=%s", "main"], { cwd: repo, env, encoding: "utf8" }).stdout;
    for (const t of TASKS) expect(merges).toContain(`Merge planref/invoice-export.${t}:`);
    const tests = spawnSync("npm", ["test"], { cwd: repo, env: { ...env, npm_config_update_notifier: "false" }, encoding: "utf8" });
    expect(tests.status, tests.stdout + tests.stderr).toBe(0);
  });

  it("without --json it narrates as it goes, then sums up per agent with task ids, prints planref log and where to look", () => {
    expect(text.code, text.stderr).toBe(0);
    const out = text.stdout;
    const shop = join(textRoot, "shop");
    expect(out).toContain(`planref demo: three agents and a reviewer build the invoice-export PRD in ${shop}`);
    expect(out).toMatch(/^\d\d:\d\d:\d\d {2}agent-[abc] {3}next: T001; claim T001 --worktree: epoch 1 in shop\.worktrees\/T001$/m);
    expect(out).toMatch(/CLAIM_CONFLICT, agent-[abc] won the race/);
    expect(out).toMatch(/agent-[abc] {3}its process \(pid \d+\) is killed with SIGKILL/);
    expect(out).toMatch(/clock {5}agent-[abc]'s lease on T002 expired at \d\d:\d\d:\d\d and is now past the 2m skew margin/);
    expect(out).toMatch(/next: T002 \(stale lease\); claim T002 --worktree: took over from agent-[abc], epoch 2/);
    expect(out).toMatch(/packet T002: earlier attempt, epoch 1 by agent-[abc], expired/);
    expect(out).toMatch(/reviewer {2}review T001 --request-changes: "Amounts need two decimals/);
    for (const t of TASKS) expect(out).toContain(`apply ${t}: review approved, verification fresh at HEAD, scope clean → done`);

    const summary = out.slice(out.indexOf("\nWhat happened"));
    const crashedLine = summary.match(/^ {2}(agent-[abc]) +T002 \(epoch 1\): crashed mid-task/m);
    expect(crashedLine).not.toBeNull();
    expect(summary).toMatch(new RegExp(`^ {2}agent-[abc] .*T002 \\(epoch 2, took over from ${crashedLine?.[1]}\\): done`, "m"));
    expect(summary).toMatch(/^ {2}agent-[abc] .*T001 \(epoch 1, changes requested once, fixed and resubmitted\): done/m);
    expect(summary).toContain("  tasks     T001 done · T002 done · T003 done · T004 done · T005 done");

    const log = summary.slice(summary.indexOf("Audit log (planref log"), summary.indexOf("\nThe repository"));
    const rows = log.split("\n").slice(1).filter(Boolean);
    expect(rows.length).toBeGreaterThan(40);
    for (const row of rows) expect(row).toMatch(/^[0-9a-f]{12} \d{4}-\d\d-\d\dT\S+Z \S+ +\S+ +\S+ {2,}\S/);
    expect(rows.at(-1)).toMatch(/ init +lead +- {2,}init project shop$/);
    expect(log).toContain(`Audit log (planref log, newest first; ${rows.length} operations, one commit each):`);

    expect(summary).toContain(`The repository and its worktrees stay in ${textRoot}. Try:`);
    expect(summary).toContain(`  cd ${shop}\n`);
    expect(summary).toMatch(/\/bin\/planref status\n/);
    expect(existsSync(join(textRoot, "shop.worktrees", "T005"))).toBe(true);
  });

  it("refuses to start without npm on PATH (the PRD's verification commands need it), creating nothing", async () => {
    const dir = join(realpathSync(tempDir("planref-demo-nonpm-")), "demo");
    const r = await planref(["demo", "--fast", "--dir", dir, "--json"], { cwd: repo, env: { ...env, PATH: join(dir, "no-such-bin") } });
    expect(r.code).toBe(2);
    expect(r.json?.error).toMatchObject({ code: "USAGE", message: expect.stringContaining("needs npm on PATH") });
    expect(existsSync(dir)).toBe(false);
  });

  it("refuses a --dir that holds something already, before doing anything", async () => {
    const busy = realpathSync(tempDir("planref-demo-busy-"));
    writeFileSync(join(busy, "keep.txt"), "mine\n");
    const r = await planref(["demo", "--fast", "--dir", busy, "--json"], { cwd: busy, env });
    expect(r.code).toBe(2);
    expect(r.json?.error).toMatchObject({ code: "USAGE", message: `${busy} exists and is not an empty directory` });
    expect(spawnSync("ls", [busy], { encoding: "utf8" }).stdout).toBe("keep.txt\n");
  });
});
