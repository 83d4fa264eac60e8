import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { LogEntry } from "../app/log.js";
import { UsageError } from "../errors.js";
import { openProject } from "../runtime/open-project.js";
import { Agent } from "./agent.js";
import { DemoClock } from "./clock.js";
import type { AgentStory, DemoContext, DemoFacts } from "./context.js";
import { type DemoEvent, Narrator } from "./narration.js";
import { packageRoot } from "./package-root.js";
import { git, runProgram } from "./processes.js";
import { Reviewer } from "./reviewer.js";
import { createShopRepository, demoEnv, planTheWork, prepareRoot, requireNpm } from "./setup.js";
import { timePasses } from "./time-passes.js";
import { World } from "./world.js";

export const AGENTS = ["agent-a", "agent-b", "agent-c"];

export interface DemoOptions {
  /** Where to build it (new or empty); a fresh temporary directory by default. */
  dir?: string;
  /** No pauses between steps (CI); otherwise paced for a person reading along. */
  fast: boolean;
  env: NodeJS.ProcessEnv;
  /** Who reviews, approves and applies (default "reviewer"). */
  reviewer?: string;
  /** Receives each line of the story as it happens. */
  print?: (line: string) => void;
  /** Also capture `planref log` as a person reads it. */
  logText?: boolean;
}

export interface DemoReport {
  root: string;
  repo: string;
  worktrees: string[];
  /** The planref binary the demo drove, for the commands to try. */
  bin: string;
  wallSeconds: number;
  clock: { start: string; end: string };
  agents: AgentStory[];
  reviewer: string;
  tasks: Array<{ id: string; title: string; status: string }>;
  raceLosses: DemoFacts["raceLosses"];
  takeovers: DemoFacts["takeovers"];
  reviews: DemoFacts["reviews"];
  applied: string[];
  events: DemoEvent[];
  /** The audit log, newest first, as `planref log --json` gives it. */
  log: LogEntry[];
  explore: string[];
}

/**
 * `planref demo`: a temporary repository, the invoice-export PRD imported and approved,
 * three agents working it in parallel (one dies mid-task and another takes over its stale
 * claim), a reviewer sending one submission back and applying the rest through the gate.
 * The agents are processes of their own working through planref's library and its hook
 * handler, as concurrent writers of refs/plan/state; the repository stays.
 */
export async function runDemo(options: DemoOptions): Promise<{ report: DemoReport; logText: string | null }> {
  const started = performance.now();
  const pkg = packageRoot();
  const bin = join(pkg, "bin", "planref");
  const reviewerName = options.reviewer ?? "reviewer";
  if ([...AGENTS, "lead", "observer"].includes(reviewerName)) throw new UsageError(`the reviewer cannot be called ${reviewerName}: another actor of the demo has that name`, { hint: "Leave --actor out, or pick another name." });
  const env = demoEnv(options.env);
  requireNpm(env);
  const root = prepareRoot(options.dir);
  const repo = join(root, "shop");
  // Half an hour ago, so that the story ends in the past and the repository reads naturally afterwards.
  const start = new Date(Math.floor((Date.now() - 30 * 60_000) / 60_000) * 60_000);
  const clock = new DemoClock(start);
  const narrator = new Narrator(() => clock.now(), options.print);
  options.print?.(`planref demo: three agents and a reviewer build the invoice-export PRD in ${repo}`);
  options.print?.(`Times are on the demo's clock: it starts at ${start.toISOString().slice(11, 16)} UTC and runs ahead while everyone waits, so leases run out for real.\n`);

  await createShopRepository(repo, env, clock, narrator);
  await planTheWork(repo, env, clock, narrator, join(pkg, "fixtures", "prd", "invoice-export.md"));

  const observer = openProject({ cwd: repo, env, actor: "observer", kind: "agent", now: () => clock.now() });
  const facts: DemoFacts = { agents: [], raceLosses: [], takeovers: [], reviews: [], applied: [] };
  const pause = options.fast ? () => Promise.resolve() : (ms = 150) => new Promise<void>((r) => setTimeout(r, ms));
  const world = new World(timePasses(observer, clock, narrator));
  const ctx: DemoContext = { repo, clock, world, env, observer, narrator, facts, pause };
  try {
    const agents = AGENTS.map((name) => new Agent(ctx, name));
    facts.agents = agents.map((a) => a.story);
    narrator.say("agents", "setup", `${AGENTS.join(", ")} start at once, each a process of its own (pids ${agents.map((a) => a.pid).join(", ")}) working through planref's library and hook handler`);
    const actors: Array<{ name: string; run(): Promise<void> }> = [...agents, new Reviewer(ctx, reviewerName)];
    const results = await Promise.allSettled(
      actors.map((a) =>
        a.run().catch((e: unknown) => {
          // One actor failing would leave the others waiting for it.
          world.end(`${a.name} failed`);
          throw e;
        }),
      ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw new Error(`${(failed.reason as Error).message ?? String(failed.reason)} (the demo's repository is left in ${root})`);
    if (world.stuck) throw new Error(`${world.stuck} (the demo's repository is left in ${root})`);

    const tasks = (await observer.listTasks()).map((t) => ({ id: t.id, title: t.title, status: t.status }));
    const log = await observer.log();
    const worktrees = (await git(["worktree", "list", "--porcelain"], { cwd: repo, env }))
      .split("\n")
      .filter((l) => l.startsWith("worktree "))
      .map((l) => l.slice("worktree ".length))
      .filter((p) => p !== repo);
    const crashed = facts.takeovers[0]?.task ?? "T002";
    // The audit log as a person reads it: the real command's output.
    const logText = options.logText ? (await runProgram(process.execPath, [bin, "log"], { cwd: repo, env })).stdout : null;
    const report: DemoReport = {
      root,
      repo,
      worktrees,
      bin,
      wallSeconds: Math.round((performance.now() - started) / 100) / 10,
      clock: { start: start.toISOString(), end: clock.now().toISOString() },
      agents: facts.agents,
      reviewer: reviewerName,
      tasks,
      raceLosses: facts.raceLosses,
      takeovers: facts.takeovers,
      reviews: facts.reviews,
      applied: facts.applied,
      events: narrator.events,
      log,
      explore: [`cd ${repo}`, `${bin} status`, `${bin} log --task ${crashed}`, `${bin} packet ${crashed}`, `${bin} evidence list T001`, "git log --oneline --graph main"],
    };
    return { report, logText };
  } finally {
    await observer.close();
  }
}
