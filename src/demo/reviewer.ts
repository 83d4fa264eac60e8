import { taskBranchName } from "../app/claim.js";
import { openProject, type Project } from "../runtime/open-project.js";
import { type DemoContext, shortId } from "./context.js";
import { git } from "./processes.js";
import { gitIdentity } from "./setup.js";
import { CHANGES_REQUESTED } from "./task-work.js";

/**
 * The human in the loop, working through the library rather than the CLI (the same use
 * cases): reviews each submission as it arrives, sends T001 back once, and for approved
 * work checks the done gate, merges the task branch into main and applies.
 */
export class Reviewer {
  private at: Date;
  private readonly project: Project;

  constructor(
    private readonly ctx: DemoContext,
    readonly name: string,
  ) {
    this.at = ctx.clock.now();
    // Each operation runs at one instant of the demo's clock, like a CLI call with PLANREF_NOW.
    this.project = openProject({ cwd: ctx.repo, env: ctx.env, actor: name, kind: "human", now: () => this.at });
  }

  async run(): Promise<void> {
    const { world, observer } = this.ctx;
    world.join(this.name);
    try {
      const submitted = async () => observer.listTasks({ status: ["submitted"] });
      while (await world.waitFor(this.name, async () => (await submitted()).length > 0)) {
        for (const row of await submitted()) await this.review(row.id, row.title);
      }
    } finally {
      world.leave(this.name);
      await this.project.close();
    }
  }

  private act<T>(op: () => Promise<T>): Promise<T> {
    this.at = this.ctx.clock.stamp();
    return op().finally(() => this.ctx.world.changed());
  }

  private async review(task: string, title: string): Promise<void> {
    const id = shortId(task);
    const say = (kind: "review" | "merge" | "apply", text: string) => this.ctx.narrator.say(this.name, kind, text, id);
    // Reading the diff takes a moment, even in a demo.
    await this.ctx.pause(400);
    const alreadyAsked = this.ctx.facts.reviews.some((r) => r.task === id && r.verdict === "request-changes");
    if (id === CHANGES_REQUESTED.task && !alreadyAsked) {
      const r = await this.act(() => this.project.review({ task, verdict: "request-changes", note: CHANGES_REQUESTED.note }));
      this.ctx.facts.reviews.push({ task: id, verdict: "request-changes", note: CHANGES_REQUESTED.note });
      say("review", `review ${id} --request-changes: "${CHANGES_REQUESTED.note}" → ${r.status}`);
      return;
    }
    const note = "Diff read; the acceptance tests cover the criteria.";
    const r = await this.act(() => this.project.review({ task, verdict: "approve", note }));
    this.ctx.facts.reviews.push({ task: id, verdict: "approve", note });
    say("review", `review ${id} --approve → ${r.status}`);

    const plan = await this.act(() => this.project.apply({ task, dryRun: true }));
    // The scripted work always satisfies the gate; a refusal here is a bug worth stopping for.
    if (!plan.report.holds) throw new Error(`the done gate refused ${id}: ${plan.report.blocking.map((f) => `${f.id} (${f.message})`).join("; ")}`);
    // Merged before apply: apply makes dependent tasks claimable, and their worktrees start from main.
    const branch = taskBranchName(task);
    await git(["merge", "--no-ff", "-q", "-m", `Merge ${branch}: ${title}`, branch], { cwd: this.ctx.repo, env: { ...this.ctx.env, ...gitIdentity(this.name, this.ctx.clock.stamp()) } });
    say("merge", `apply ${id} --dry-run: gate holds; git merge --no-ff ${branch} into main`);
    const done = await this.act(() => this.project.apply({ task }));
    if (!done.applied) throw new Error(`apply ${id} did not apply: ${done.report.blocking.map((f) => f.id).join(", ")}`);
    this.ctx.facts.applied.push(id);
    say("apply", `apply ${id}: review approved, verification fresh at HEAD, scope clean → done`);
  }
}
