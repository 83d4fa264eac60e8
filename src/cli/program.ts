import { Command, InvalidArgumentError } from "commander";
import type { CliIo, CommandOutput, GlobalOptions } from "./io.js";

export type Handler = (globals: GlobalOptions, io: CliIo, args: unknown[], opts: Record<string, unknown>) => Promise<CommandOutput>;
type Loader = () => Promise<Handler>;
export type Runner = (load: Loader, args: unknown[], opts: Record<string, unknown>, command: Command) => Promise<void>;

/** Commands where `--actor` after the command name filters by actor instead of naming who acts. */
export const ACTOR_FILTER_COMMANDS = new Set(["log"]);

/**
 * Declares every command and flag. Handlers are imported only when their command runs,
 * so `planref status` does not pay for parsing PRDs or serving a board.
 */
export function buildProgram(version: string, run: Runner, write?: { out: (s: string) => void; err: (s: string) => void }): Command {
  const program = new Command("planref");
  // Settings are copied into subcommands when they are declared, so they come first.
  program.exitOverride();
  if (write) {
    program.configureOutput({
      writeOut: write.out,
      writeErr: write.err,
      outputError: () => {
        /* the caller renders errors once, in the envelope asked for */
      },
    });
  }
  program
    .description("Shared, trustworthy project state for AI coding agents and humans, on the git ref refs/plan/state.")
    .version(version, "-V, --version", "print the planref version")
    .option("--json", "print exactly one JSON document on stdout: {ok, data} or {ok, error}")
    .option("-C <path>", "run as if planref was started in <path>")
    .option("--actor <name>", "who is acting (default: $PLANREF_ACTOR, else the git user)")
    .enablePositionalOptions()
    .showHelpAfterError(false)
    .configureHelp({ sortSubcommands: false });

  // The global flags are accepted after the command name too (`planref status --json`).
  const leaf = (parent: Command, name: string, description: string) => {
    const c = parent.command(name).description(description).option("--json", "print exactly one JSON document on stdout").option("-C <path>", "run as if started in <path>");
    if (!ACTOR_FILTER_COMMANDS.has(name)) c.option("--actor <name>", "who is acting");
    return c;
  };
  const cmd = (name: string, description: string) => leaf(program, name, description);
  const group = (name: string, description: string) => program.command(name).description(description);
  const action = (load: Loader) =>
    function (this: Command, ...all: unknown[]) {
      const command = all[all.length - 1] as Command;
      const args = all.slice(0, -2);
      return run(load, args, command.opts(), command);
    };
  const content = (c: Command) =>
    c
      .option("--intent <text>", "what the task is for (free text)")
      .option("--priority <p>", "low, medium, high or critical", parseChoice(["low", "medium", "high", "critical"]))
      .option("--criterion <text>", "an acceptance criterion (repeatable)", collect)
      .option("--verify <command>", "a verification command (repeatable)", collect)
      .option("--scope <glob>", "a file glob the task expects to touch (repeatable)", collect)
      .option("--depends <task>", "a task this one depends on (repeatable)", collect)
      .option("--non-goal <text>", "something the task must not do (repeatable)", collect)
      .option("--evidence <text>", "required evidence (repeatable)", collect)
      .option("--manual <text>", "a manual step (repeatable)", collect)
      .option("--parent <task>", "parent task (makes this a subtask)");

  cmd("init", "create the state ref refs/plan/state, or adopt a remote's existing state in a clone (idempotent)")
    .option("--name <name>", "project name (default: the repository directory name)")
    .option("--remote <remote>", "remote whose existing state to adopt (default: the only remote, else origin)")
    .option("--no-remote", "create new state without asking any remote whether it has some")
    .option("--fetch-refspec <remote>", "also make plain `git fetch <remote>` bring the state ref")
    .action(action(() => import("./commands/init.js").then((m) => m.default)));

  cmd("status", "project summary: documents, tasks, live claims, what is ready").action(action(() => import("./commands/status.js").then((m) => m.default)));

  cmd("log", "the audit trail, from commit trailers on refs/plan/state")
    .option("--task <id>", "only operations on this task")
    .option("--actor <name>", "only operations by this actor (after the command name; before it, --actor sets who is acting)")
    .option("--op <op>", "only this operation (init, spec-import, claim, ...)")
    .option("--limit <n>", "at most n entries", parseCount)
    .action(action(() => import("./commands/log.js").then((m) => m.default)));

  cmd("doctor", "health: git version, stale locks, invalid documents, refspecs, loose objects")
    .option("--break-lock", "remove a lock on the state ref older than 30 s")
    .action(action(() => import("./commands/doctor.js").then((m) => m.default)));

  const config = group("config", "read and change settings in plan.yaml (lease length, skew margin, gate and scope-guard policy, sync mode)");
  leaf(config, "get", "print a setting, or all of them")
    .argument("[key]", "dotted key under settings, e.g. claims.lease")
    .action(action(() => import("./commands/config.js").then((m) => m.getCmd)));
  leaf(config, "set", "change a setting (validated against plan.yaml's schema; one commit)")
    .argument("<key>", "dotted key under settings, e.g. claims.skewMargin")
    .argument("<value>", "the new value, e.g. 30s, true, team")
    .action(action(() => import("./commands/config.js").then((m) => m.setCmd)));

  const spec = group("spec", "PRDs imported as specs: import (plan, then apply), list, show, review, decisions");
  const specCmd = (name: keyof typeof import("./commands/spec.js"), load = () => import("./commands/spec.js")) => action(() => load().then((m) => m[name] as Handler));
  leaf(spec, "import", "parse a PRD, show the plan (tasks added, changed, removed) and apply it as one commit")
    .argument("<file>", "the PRD markdown file")
    .option("--dry-run", "show the plan only; write nothing")
    .option("--id <spec>", "spec id (default: from the file name)")
    .action(specCmd("importCmd"));
  leaf(spec, "import-taskmaster", "bring a Taskmaster tasks.json over: one draft spec per tag (taskmaster-<tag>), ids kept (T12, T12.3)")
    .argument("<file>", "Taskmaster's tasks.json (.taskmaster/tasks/tasks.json)")
    .option("--tag <tag>", "only this tag (repeatable; default: every tag)", collect)
    .option("--include-done", "also import tasks Taskmaster marks done or cancelled, as drafts")
    .option("--dry-run", "show the plan only; write nothing")
    .action(specCmd("importTaskmasterCmd"));
  leaf(spec, "list", "every spec with its review status").action(specCmd("listCmd"));
  leaf(spec, "show", "a spec: status, approval, requirements, features, tasks")
    .argument("<spec>", "spec id or unambiguous prefix")
    .option("--source", "print the stored PRD text (what was imported and approved)")
    .action(specCmd("showCmd"));
  leaf(spec, "review", "review a spec: draft -> reviewed -> approved, or rejected / superseded")
    .argument("<spec>", "spec id or unambiguous prefix")
    .option("--approve", "approve (binds to the exact imported text)")
    .option("--mark-reviewed", "record a review without approving (draft -> reviewed)")
    .option("--reject", "reject the spec")
    .option("--request-changes", "send back to draft")
    .option("--supersede", "mark superseded")
    .option("--by <spec>", "with --supersede: the spec that replaces it")
    .option("--note <text>", "a note stored with the review")
    .action(specCmd("reviewCmd"));
  leaf(spec, "decisions", "open decisions: NEEDS DECISION markers, open questions, tasks missing criteria or verification")
    .argument("<spec>", "spec id or unambiguous prefix")
    .action(specCmd("decisionsCmd"));

  const task = group("task", "tasks: list, show, add, edit, cancel, readiness review");
  const taskCmd = (name: keyof typeof import("./commands/task.js")) => action(() => import("./commands/task.js").then((m) => m[name] as Handler));
  leaf(task, "list", "tasks with status and what blocks them")
    .option("--status <list>", "only these statuses (comma-separated)")
    .option("--spec <spec>", "only tasks of this spec")
    .option("--ready", "only tasks ready to claim (status ready, dependencies done)")
    .option("--all", "include cancelled tasks")
    .action(taskCmd("listCmd"));
  leaf(task, "show", "one task: content, status, scores, dependencies").argument("<task>", "task id, PRD id or unambiguous prefix").action(taskCmd("showCmd"));
  content(leaf(task, "add", "add a task outside any PRD (random, collision-free id)"))
    .requiredOption("--title <text>", "the task's title")
    .option("--spec <spec>", "attach the task to a spec")
    .action(taskCmd("addCmd"));
  content(leaf(task, "edit", "change a task's content (list options replace the whole list); a ready task goes back to draft"))
    .argument("<task>", "task id, PRD id or unambiguous prefix")
    .option("--title <text>", "new title")
    .action(taskCmd("editCmd"));
  leaf(task, "cancel", "cancel a task (kept as a tombstone)")
    .argument("<task>", "task id, PRD id or unambiguous prefix")
    .requiredOption("--reason <text>", "why (recorded)")
    .action(taskCmd("cancelCmd"));
  leaf(task, "review", "readiness review: draft -> ready when the gate holds")
    .argument("<task>", "task id, PRD id or unambiguous prefix")
    .option("--approve", "approve readiness")
    .option("--request-changes", "keep in draft, with a note")
    .option("--note <text>", "a note recorded in the audit trail")
    .action(taskCmd("reviewCmd"));

  cmd("score", "six scores per task (1-5, with reasons); --set overrides one, recorded with actor and reason")
    .argument("[task]", "one task (default: every open task)")
    .option("--set <dim=n>", "override a dimension, e.g. complexity=4")
    .option("--reason <text>", "why the override (required with --set)")
    .action(action(() => import("./commands/planning.js").then((m) => m.scoreCmd)));
  cmd("next", "the best claimable task for this actor")
    .option("--kind <kind>", "agent or human (default: the actor's kind)")
    .action(action(() => import("./commands/planning.js").then((m) => m.nextCmd)));
  cmd("waves", "parallel schedule: waves respecting dependencies, no overlapping scopes within a wave")
    .option("--agents <n>", "at most n tasks per wave", parseCount)
    .action(action(() => import("./commands/planning.js").then((m) => m.wavesCmd)));
  cmd("graph", "the dependency graph as mermaid, dot or json")
    .option("--format <format>", "mermaid, dot or json", parseChoice(["mermaid", "dot", "json"]), "mermaid")
    .action(action(() => import("./commands/planning.js").then((m) => m.graphCmd)));

  const claims = () => import("./commands/claims.js");
  cmd("claim", "claim a task: an exclusive lease with an epoch (fencing token)")
    .argument("<task>", "task id, PRD id or unambiguous prefix")
    .option("--lease <duration>", "lease length, e.g. 15m (default from plan.yaml)")
    .option("--scope <glob>", "file globs this claim covers (repeatable; default: the task's scope)", collect)
    .option("--branch", "create the task branch planref/<task> from your HEAD (your checkout is not touched)")
    .option("--worktree [path]", "also add a linked worktree on that branch (default: next to the repository)")
    .option("--force-overlap", "claim even though the scope overlaps another live claim (needs --reason)")
    .option("--reason <text>", "why the overlap is acceptable (recorded)")
    .action(action(() => claims().then((m) => m.claimCmd)));
  cmd("heartbeat", "renew your lease on a task (default: your only live claim)")
    .argument("[task]", "task id, PRD id or unambiguous prefix")
    .option("--epoch <n>", "the epoch you hold (default: remembered from claim in this worktree)", parseCount)
    .action(action(() => claims().then((m) => m.heartbeatCmd)));
  cmd("release", "release your claim; --force releases someone else's, with a reason")
    .argument("<task>", "task id, PRD id or unambiguous prefix")
    .option("--force", "release a claim held by someone else (needs --reason, recorded with both names)")
    .option("--reason <text>", "why (recorded)")
    .option("--epoch <n>", "the epoch you hold", parseCount)
    .action(action(() => claims().then((m) => m.releaseCmd)));

  const evidence = () => import("./commands/evidence.js");
  cmd("run", "run a command and record it as evidence on your claim (exit code passed through)")
    .argument("<command...>", "the command; one argument runs through the shell, several run directly")
    .option("--task <task>", "the task to record against (default: your only live claim in this worktree)")
    .option("--label <text>", "the required-evidence item this run is meant to satisfy")
    .option("--epoch <n>", "the epoch you hold", parseCount)
    .passThroughOptions()
    .action(action(() => evidence().then((m) => m.runCmd)));
  cmd("verify", "run the task's reviewed verification commands in the claim's worktree and record each")
    .argument("[task]", "task id, PRD id or unambiguous prefix (default: your only live claim)")
    .option("--epoch <n>", "the epoch you hold", parseCount)
    .action(action(() => evidence().then((m) => m.verifyCmd)));
  const ev = group("evidence", "evidence records: what actually ran and changed");
  leaf(ev, "list", "evidence recorded for a task, oldest first")
    .argument("<task>", "task id, PRD id or unambiguous prefix")
    .action(action(() => evidence().then((m) => m.listCmd)));

  const gate = () => import("./commands/gate.js");
  cmd("submit", "submit your work: the task goes to review with a cross-check of your report against captured evidence and git")
    .argument("[task]", "task id, PRD id or unambiguous prefix (default: your only live claim)")
    .requiredOption("--summary <text>", "what you delivered")
    .option("--command <cmd>", "a command you ran (repeatable; checked against what hooks and planref saw)", collect)
    .option("--file <path>", "a file you changed (repeatable; checked against git)", collect)
    .option("--epoch <n>", "the epoch you hold", parseCount)
    .action(action(() => gate().then((m) => m.submitCmd)));
  cmd("review", "review a submitted task: approve, request changes or reject")
    .argument("<task>", "task id, PRD id or unambiguous prefix")
    .option("--approve", "accept the submission")
    .option("--request-changes", "send it back to the holder (the note shows in the next packet)")
    .option("--reject", "reject: back to draft, claim ended")
    .option("--note <text>", "a note for the holder")
    .action(action(() => gate().then((m) => m.reviewCmd)));
  cmd("apply", "the done gate: an accepted task becomes done only if review and fresh evidence say so")
    .argument("<task>", "task id, PRD id or unambiguous prefix")
    .option("--dry-run", "print the gate report; change nothing")
    .option("--waive <finding>", "waive a judgement-call finding by id (repeatable; needs --reason)", collect)
    .option("--reason <text>", "why the waivers are acceptable (recorded)")
    .action(action(() => gate().then((m) => m.applyCmd)));

  const sync = () => import("./commands/sync.js");
  cmd("sync", "fetch the state from a remote, replay local operations on it, push with a lease (native git transport)")
    .argument("[remote]", "git remote (default: plan.yaml settings.sync.remote, else the only remote)")
    .action(action(() => sync().then((m) => m.syncCmd)));
  const conflicts = cmd("conflicts", "local operations a sync could not replay on a remote's state, and why")
    .option("--all", "include acknowledged conflicts")
    .option("--of <actor>", "only conflicts of this actor's operations")
    .action(action(() => sync().then((m) => m.conflictsCmd)));
  leaf(conflicts, "ack", "acknowledge a conflict (it stays in the audit trail)")
    .argument("<id>", "conflict id or unambiguous prefix")
    .option("--note <text>", "what you did about it")
    .action(action(() => sync().then((m) => m.ackCmd)));

  program
    .command("hook")
    .description("agent hook entry point: reads the agent's JSON payload on stdin (installed by planref setup)")
    .argument("<agent>", "claude or codex")
    .argument("<event>", "SessionStart, PreToolUse, PostToolUse, PostToolUseFailure or Stop")
    .action(action(() => import("./commands/agents.js").then((m) => m.hookCmd)));
  cmd("setup", "install planref's hooks and MCP server into an agent's project settings (merges, never clobbers; idempotent)")
    .argument("<agent>", "claude or codex")
    .option("--bin <command>", "how hooks invoke planref (default: this planref's absolute path)")
    .option("--guide", "also write a short planref section into CLAUDE.md (claude) or AGENTS.md (codex)")
    .action(action(() => import("./commands/agents.js").then((m) => m.setupCmd)));

  cmd("mcp", "MCP server on stdio: the core tools by default, more with --tools or --all-tools (logs go to stderr)")
    .option("--tools <list>", "also expose these tools, comma-separated (review, apply_dry_run, task_list, log, waves, evidence_list; default: $PLANREF_MCP_TOOLS)")
    .option("--all-tools", "expose every tool")
    .action(action(() => import("./commands/mcp.js").then((m) => m.default)));

  cmd("serve", "the board: a local web page of tasks, waves, claims, evidence, gate reports and the audit trail, updating as the state ref moves")
    .option("--port <n>", "port on 127.0.0.1 (0 picks a free one)", (v: string) => {
      if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError(`expected a port from 0 to 65535, got "${v}"`);
      return Number(v);
    }, 0)
    .option("--allow-writes", "offer review and force-release on the page; each write needs the token printed at start")
    .action(action(() => import("./commands/serve.js").then((m) => m.default)));

  cmd("packet", "the work packet of a task: everything an agent needs, within a size budget")
    .argument("<task>", "task id, PRD id or unambiguous prefix")
    .option("--format <format>", "md for agents, json for programs", parseChoice(["md", "json"]), "md")
    .option("--max-bytes <n>", "size budget (default: plan.yaml settings.packet.maxBytes)", parseCount)
    .action(action(() => claims().then((m) => m.packetCmd)));

  cmd("demo", "a walk-through in a new repository: three agents work a PRD in parallel worktrees, one crashes and is taken over, a reviewer (--actor names them) sends work back and applies the rest; the repository stays")
    .option("--fast", "no pauses for reading along (for CI)")
    .option("--dir <path>", "build the demo here (a new or empty directory; default: a new temporary one)")
    .action(action(() => import("./commands/demo.js").then((m) => m.default)));

  return program;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function parseChoice(choices: string[]) {
  return (value: string) => {
    if (!choices.includes(value)) throw new InvalidArgumentError(`expected one of ${choices.join(", ")}, got "${value}"`);
    return value;
  };
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError(`expected a positive whole number, got "${value}"`);
  return n;
}
