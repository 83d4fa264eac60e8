import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { AgentProcess, type Op, type OpInput, type OpResult, type Outcome } from "./agent-process.js";
import { type ClaudeSession, postBash, postEdit, postWrite } from "./claude-payloads.js";
import { type AgentStory, type DemoContext, shortId } from "./context.js";
import type { EventKind } from "./narration.js";
import { type Finished, runShell } from "./processes.js";
import { gitIdentity } from "./setup.js";
import { CHANGES_REQUESTED, CRASH, type Edit, TASK_WORK } from "./task-work.js";

type Claimed = OpResult<"claim">;

/** Operations that change the state: after one, whoever waits on the state looks again. */
const WRITES = new Set<Op>(["claim", "heartbeat", "verify", "submit"]);

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/**
 * A simulated coding agent, in a process of its own (AgentProcess). It does what an agent
 * with planref's hooks installed does: asks `next`, claims with a worktree, edits files and
 * runs commands (each reported to the hook handler as Claude Code would), verifies, submits,
 * and waits for the review. Its decisions are scripted here; its planref work runs there.
 */
export class Agent {
  readonly story: AgentStory;
  private readonly session: ClaudeSession;
  private readonly env: NodeJS.ProcessEnv;
  private readonly process: AgentProcess;

  constructor(
    private readonly ctx: DemoContext,
    readonly name: string,
  ) {
    this.story = { name, crashed: false, tasks: [] };
    const sessionId = randomUUID();
    this.session = { sessionId, transcriptPath: join(ctx.repo, "..", ".claude-transcripts", `${sessionId}.jsonl`) };
    this.env = { ...ctx.env, PLANREF_ACTOR: name, PLANREF_ACTOR_KIND: "agent", PLANREF_SESSION: sessionId };
    this.process = new AgentProcess(name, this.env);
  }

  get pid(): number {
    return this.process.pid;
  }

  async run(): Promise<void> {
    const { world } = this.ctx;
    world.join(this.name);
    try {
      for (;;) {
        const claim = await this.claimNext();
        if (claim) {
          if (!(await this.work(claim))) return;
          continue;
        }
        const more = await world.waitFor(this.name, async () => (await this.ctx.observer.next({ kind: "agent" })).candidate !== null);
        if (!more) return;
      }
    } finally {
      world.leave(this.name);
      if (!this.story.crashed) await this.process.close();
    }
  }

  private say(kind: EventKind, text: string, task?: string): void {
    this.ctx.narrator.say(this.name, kind, text, task);
  }

  private async try<K extends Op>(op: K, cwd: string, input: OpInput<K>): Promise<Outcome<OpResult<K>>> {
    const r = await this.process.op(op, cwd, this.ctx.clock.stamp(), input);
    if (WRITES.has(op)) this.ctx.world.changed();
    return r;
  }

  private async must<K extends Op>(op: K, cwd: string, input: OpInput<K>): Promise<OpResult<K>> {
    const r = await this.try(op, cwd, input);
    if (!r.ok) throw new Error(`${this.name}: ${op} ${JSON.stringify(input)} failed: ${r.error.code}: ${r.error.message}`);
    return r.result;
  }

  /** `next`, then `claim --worktree`; a claim lost to a concurrent one means asking `next` again. */
  private async claimNext(): Promise<Claimed | null> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const pick = await this.must("next", this.ctx.repo, {});
      if (!pick.candidate) {
        this.say("wait", `next: ${pick.reason}; waiting`);
        return null;
      }
      const id = shortId(pick.candidate.id);
      const r = await this.try("claim", this.ctx.repo, { task: id, worktree: true });
      if (r.ok) {
        const c = r.result;
        const where = c.claim.worktree ? ` in ${basename(dirname(c.claim.worktree))}/${basename(c.claim.worktree)}` : "";
        if (c.outcome === "taken-over") {
          this.say("takeover", `next: ${id} (stale lease); claim ${id} --worktree: took over from ${c.previousHolder}, epoch ${c.claim.epoch}${where}`, id);
          this.ctx.facts.takeovers.push({ task: id, from: c.previousHolder ?? "?", to: this.name, epoch: c.claim.epoch });
        } else {
          this.say("claim", `next: ${id}; claim ${id} --worktree: epoch ${c.claim.epoch}${where}`, id);
        }
        this.story.tasks.push({ task: id, epoch: c.claim.epoch, ...(c.previousHolder ? { tookOverFrom: c.previousHolder } : {}), changesRequested: 0, outcome: "claimed" });
        return c;
      }
      const err = r.error;
      if (err.code !== "CLAIM_CONFLICT") throw new Error(`${this.name}: claim ${id} failed: ${err.code}: ${err.message}`);
      const winner = String((err.details?.holder as { actor?: string } | undefined)?.actor ?? "another agent");
      this.ctx.facts.raceLosses.push({ agent: this.name, task: id, winner });
      this.say("race-lost", `next: ${id}; claim ${id}: CLAIM_CONFLICT, ${winner} won the race (one compare-and-swap on refs/plan/state); asking next again`, id);
    }
    return null;
  }

  /** Works one claimed task to the end of its review. False when the agent died on it. */
  private async work(c: Claimed): Promise<boolean> {
    const id = shortId(c.task.id);
    const wt = c.claim.worktree as string;
    const mine = this.story.tasks[this.story.tasks.length - 1] as AgentStory["tasks"][number];
    if (c.outcome === "taken-over") await this.readEarlierAttempts(id, wt);
    await this.ctx.pause();

    if (id === CRASH.task && c.claim.epoch === 1) {
      await this.writeFiles(id, wt, CRASH.writes);
      await this.ctx.pause();
      const run = await this.bash(id, wt, CRASH.command, "Run the PDF tests");
      const pid = this.process.pid;
      this.story.crashed = true;
      await this.process.kill();
      this.say("crash", `its process (pid ${pid}) is killed with SIGKILL, the renderer half written and the last test run failed (exit ${run.code}): no release, no more heartbeats`, id);
      mine.outcome = "crashed";
      return false;
    }

    const work = TASK_WORK[id];
    if (!work) throw new Error(`the demo has no work scripted for ${id}`);
    await this.writeFiles(id, wt, work.writes);
    await this.ctx.pause();
    await this.commit(id, wt, work.commitMessage);
    await this.verifyAndSubmit(id, wt, work.summary, Object.keys(work.writes));

    for (;;) {
      const status = await this.awaitReview(c.task.id);
      if (status === "done") {
        mine.outcome = "done";
        return true;
      }
      if (status !== "in_progress" || id !== CHANGES_REQUESTED.task) {
        mine.outcome = status ?? "unfinished";
        this.say("wait", `${id} came back as ${status ?? "unknown"}; leaving it`, id);
        return true;
      }
      mine.changesRequested++;
      const hb = await this.must("heartbeat", wt, { task: id });
      const packet = await this.must("packet", wt, { task: id });
      const note = packet.reviewNotes[packet.reviewNotes.length - 1];
      this.say("packet", `heartbeat ${id}: ${hb.status}; packet ${id}: ${note ? `${note.verdict} by ${note.by}: "${note.note}"` : "no review note"}`, id);
      await this.ctx.pause();
      for (const e of CHANGES_REQUESTED.edits) await this.edit(id, wt, e);
      await this.commit(id, wt, CHANGES_REQUESTED.commitMessage);
      await this.verifyAndSubmit(id, wt, CHANGES_REQUESTED.summary, CHANGES_REQUESTED.edits.map((e) => e.file));
    }
  }

  private async readEarlierAttempts(id: string, wt: string): Promise<void> {
    const packet = await this.must("packet", wt, { task: id });
    for (const a of packet.attempts) {
      const files = a.filesTouched.length ? `; files touched: ${a.filesTouched.join(", ")}` : "";
      this.say("packet", `packet ${id}: earlier attempt, epoch ${a.epoch} by ${a.holder}, ${a.ended} at ${a.endedAt.slice(11, 19)}${files}${a.lastEvidence ? `; last evidence: ${a.lastEvidence}` : ""}`, id);
    }
  }

  private async verifyAndSubmit(id: string, wt: string, summary: string, files: string[]): Promise<void> {
    const hb = await this.must("heartbeat", wt, { task: id });
    this.say("heartbeat", `heartbeat ${id}: lease renewed until ${hb.expiresAt.slice(11, 19)}`, id);
    await this.ctx.pause();
    const v = await this.must("verify", wt, { task: id, cwd: wt });
    const runs = v.results.map((r) => `${r.command} → exit ${r.exitCode}`).join(", ");
    this.say("verify", `verify ${id}: ${runs} (run and recorded by planref)`, id);
    if (!v.passed) throw new Error(`${this.name}: verification of ${id} failed: ${runs}`);
    await this.ctx.pause();
    const s = await this.must("submit", wt, { task: id, summary, commands: v.results.map((r) => r.command), files });
    const findings = s.submission.findings.map((f) => f.id);
    this.say("submit", `submit ${id}: "${summary}"; cross-check: ${findings.length ? findings.join(", ") : "no findings"}`, id);
  }

  /** Waits until the reviewer has ruled on the submission and the task is no longer in review. */
  private async awaitReview(task: string): Promise<string | null> {
    const seen: { status: string | null } = { status: null };
    const ruled = await this.ctx.world.waitFor(this.name, async () => {
      seen.status = (await this.ctx.observer.showTask(task)).task.status;
      return seen.status !== "submitted" && seen.status !== "accepted";
    });
    return ruled ? seen.status : null;
  }

  private async writeFiles(id: string, wt: string, files: Record<string, string>): Promise<void> {
    for (const [rel, content] of Object.entries(files)) {
      const path = join(wt, rel);
      const created = !existsSync(path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      await this.hook("PostToolUse", postWrite(this.session, wt, path, content, created), wt);
    }
    this.say("edit", `Write ${Object.keys(files).join(", ")} → PostToolUse hook recorded the edit`, id);
  }

  private async edit(id: string, wt: string, e: Edit): Promise<void> {
    const path = join(wt, e.file);
    const original = readFileSync(path, "utf8");
    let text = original;
    for (const r of e.replacements) {
      if (!text.includes(r.oldString)) throw new Error(`${this.name}: ${e.file} does not contain the text to replace`);
      text = text.replace(r.oldString, r.newString);
    }
    writeFileSync(path, text);
    await this.hook("PostToolUse", postEdit(this.session, wt, path, e.replacements, original), wt);
    this.say("edit", `${e.replacements.length > 1 ? "MultiEdit" : "Edit"} ${e.file} → PostToolUse hook recorded the edit`, id);
  }

  private async commit(id: string, wt: string, message: string): Promise<void> {
    const r = await this.bash(id, wt, `git add -A && git commit -q -m ${quote(message)}`, "Commit the work");
    if (r.code !== 0) throw new Error(`${this.name}: git commit failed in ${wt}: ${r.stderr.trim()}`);
  }

  /** Runs a command as the agent's Bash tool would, then tells planref's hook how it went. */
  private async bash(id: string, wt: string, command: string, description: string): Promise<Finished> {
    const at = this.ctx.clock.stamp();
    const result = await runShell(command, { cwd: wt, env: { ...this.env, PLANREF_NOW: at.toISOString(), ...gitIdentity(this.name, at) } });
    const { event, payload } = postBash(this.session, wt, command, description, result);
    await this.hook(event, payload, wt);
    this.say("bash", `Bash: ${command} → exit ${result.code}; ${event} hook recorded the command`, id);
    return result;
  }

  private async hook(event: string, payload: object, cwd: string): Promise<void> {
    const r = await this.process.hook(event, payload, cwd, this.ctx.clock.stamp());
    this.ctx.world.changed();
    // A hook never fails the agent, so a problem shows only on stderr: here it must fail the demo.
    if (r.code !== 0 || r.stderr.trim()) throw new Error(`${this.name}: planref hook claude ${event} reported: ${r.stderr.trim() || `exit ${r.code}`}`);
  }
}
