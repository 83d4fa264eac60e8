/**
 * Every use case, by the name front ends call it. Each takes the AppContext first; the
 * runtime binds the context once, so the CLI, MCP and the library share one table.
 *
 * The TSDoc of each entry is what library users see on Project's methods: what it does, the
 * error codes it refuses with, and an @example using a `project` from openProject.
 * test/lib/examples.test.ts type-checks every example and fails on an entry without one.
 * Refusals every use case shares are left out unless they are all there is: STATE_NOT_INITIALIZED
 * before `init`, NOT_FOUND or AMBIGUOUS_ID for a task or spec reference, and for writes
 * REF_CONFLICT (the compare-and-swap kept losing) or REF_LOCKED (git's lock held too long).
 */
import { claimTask } from "./claim.js";
import { getConfig, setConfig } from "./config.js";
import { runDoctor } from "./doctor.js";
import { heartbeat, release } from "./lease-ops.js";
import { addEvidence, listEvidence } from "./evidence.js";
import { runAndRecord, verifyTask } from "./run.js";
import { applyTask } from "./apply.js";
import { boardOverview, boardTask, boardTip } from "./board.js";
import { guardEdit, recordObserved, sessionContext, stopReminder } from "./agent-hooks.js";
import { reviewSubmission } from "./review.js";
import { submitTask } from "./submit.js";
import { taskPacket } from "./packet.js";
import { initProject } from "./init.js";
import { auditLog } from "./log.js";
import { nextTask, scoreTasks, taskGraph, waves } from "./planning.js";
import { importSpec } from "./spec-import.js";
import { importTaskmaster } from "./taskmaster-import.js";
import { listSpecs, showSpec, specDecisions, specSource } from "./spec-queries.js";
import { reviewSpecUseCase } from "./spec-review.js";
import { getStatus } from "./status.js";
import { remotesWithState, syncState } from "./sync.js";
import { acknowledgeConflict, listConflicts } from "./conflicts.js";
import { listTasks, showTask } from "./task-queries.js";
import { addTask, cancelTask, editTask, overrideScore, reviewTaskReadiness } from "./task-write.js";

export const useCases = {
  /**
   * Creates refs/plan/state with a plan.yaml, or reports the state already there (`created: false`);
   * in a fresh clone whose remote has state, adopts it instead of starting a second history.
   * Refuses with USAGE when `fetchRefspec` names no git remote, and with the sync codes
   * (REMOTE_FAILED, REMOTE_INVALID, ...) when adopting the remote's state fails.
   *
   * @example
   * ```ts
   * const { created, plan } = await project.init({ name: "shop" });
   * console.log(created ? `created ${plan.project.name}` : "already initialised");
   * ```
   */
  init: initProject,
  /**
   * A summary of the state at the tip: tasks by status, live claims with their lease countdowns,
   * the tasks ready to claim and unacknowledged sync conflicts. Refuses with STATE_NOT_INITIALIZED
   * before `init`.
   *
   * @example
   * ```ts
   * const { tasks, claims, ready } = await project.status();
   * console.log(`${tasks.total} tasks, ${claims.length} claims, ready: ${ready.join(", ")}`);
   * ```
   */
  status: getStatus,
  /**
   * The audit trail, newest first, read from the commit trailers of refs/plan/state and filtered
   * by task, actor or operation. Refuses with USAGE when `limit` is not a positive whole number.
   *
   * @example
   * ```ts
   * for (const e of await project.log({ task: "T001", limit: 20 })) {
   *   console.log(e.time, e.op, e.actor, e.subject);
   * }
   * ```
   */
  log: auditLog,
  /**
   * Checks git, the lock on the state ref, every document, loose objects and each remote's refspec
   * and divergence; `breakLock` removes a stale lock. Refuses with UNHEALTHY, every check in
   * `data`, when any check fails.
   *
   * @example
   * ```ts
   * import { PlanrefError } from "planref";
   * try {
   *   const { checks } = await project.doctor();
   *   for (const c of checks) console.log(c.status, c.name, c.message);
   * } catch (e) {
   *   if (!(e instanceof PlanrefError) || e.code !== "UNHEALTHY") throw e;
   *   console.error(e.message, e.hint);
   * }
   * ```
   */
  doctor: runDoctor,
  /**
   * Imports a PRD (markdown) as a spec: parses it, diffs it against the spec's tasks and writes
   * spec, source text and task changes as one commit (`dryRun` only returns the plan). Refuses with
   * VALIDATION_FAILED, importing nothing, when the PRD has a parse error or the spec id is not allowed.
   *
   * @example
   * ```ts
   * import { readFile } from "node:fs/promises";
   * const file = "docs/prd/invoice-export.md";
   * const { specId, plan } = await project.importSpec({ file, text: await readFile(file, "utf8") });
   * console.log(specId, plan.tasks.added.map((t) => t.id));
   * ```
   */
  importSpec,
  /**
   * Imports a Taskmaster tasks.json: one draft spec per tag (`taskmaster-<tag>`), tasks keeping
   * Taskmaster's numbers as ids, each tag through the PRD import. Refuses with VALIDATION_FAILED when
   * the file is not JSON, not in Taskmaster's format, or a requested tag does not exist.
   *
   * @example
   * ```ts
   * import { readFile } from "node:fs/promises";
   * const file = ".taskmaster/tasks/tasks.json";
   * const { specs } = await project.importTaskmaster({ file, text: await readFile(file, "utf8"), tags: ["master"] });
   * for (const s of specs) console.log(s.tag, s.import.specId, `${s.skipped.length} skipped`);
   * ```
   */
  importTaskmaster,
  /**
   * Every spec with its status, task count, open decisions and the content hash it was approved
   * for. Refuses with STATE_NOT_INITIALIZED before `init`.
   *
   * @example
   * ```ts
   * for (const s of await project.listSpecs()) {
   *   console.log(s.id, s.status, `${s.tasks} tasks`, `${s.openDecisions} open decisions`);
   * }
   * ```
   */
  listSpecs,
  /**
   * One spec, by id or unique prefix, with a row for each of its tasks. Refuses with NOT_FOUND for
   * an unknown spec and AMBIGUOUS_ID for a prefix that matches several.
   *
   * @example
   * ```ts
   * const { spec, tasks } = await project.showSpec("invoice-export");
   * console.log(spec.status, tasks.map((t) => `${t.localId} ${t.status}`));
   * ```
   */
  showSpec,
  /**
   * The PRD text exactly as imported: the text an approval of the spec is bound to. Refuses with
   * NOT_FOUND or AMBIGUOUS_ID for the spec id.
   *
   * @example
   * ```ts
   * const markdown = await project.specSource("invoice-export");
   * console.log(markdown.split("\n")[0]);
   * ```
   */
  specSource,
  /**
   * What a spec still needs from a human: its NEEDS DECISION markers, open questions, and the
   * tasks the readiness gate will refuse for lacking acceptance criteria or verification. Refuses
   * with NOT_FOUND or AMBIGUOUS_ID for the spec id.
   *
   * @example
   * ```ts
   * const report = await project.specDecisions("invoice-export");
   * console.log(report.decisions.length, report.openQuestions.length, report.tasksMissingVerification);
   * ```
   */
  specDecisions,
  /**
   * Records a verdict on a spec (approve, mark-reviewed, request-changes, reject, supersede), bound
   * to the content hash it saw: an approval holds only for exactly the text imported. Refuses with
   * INVALID_TRANSITION when the spec's status does not allow the verdict (approving a rejected spec).
   *
   * @example
   * ```ts
   * const { spec, from } = await project.reviewSpec({ spec: "invoice-export", verdict: "approve", note: "scope agreed" });
   * console.log(`${from} -> ${spec.status}`);
   * ```
   */
  reviewSpec: reviewSpecUseCase,
  /**
   * Task rows filtered by status, spec or readiness (cancelled ones only when asked for), each with
   * the dependencies still blocking it. Refuses with NOT_FOUND or AMBIGUOUS_ID when `spec` names no
   * single spec.
   *
   * @example
   * ```ts
   * const rows = await project.listTasks({ spec: "invoice-export", status: ["ready", "in_progress"] });
   * for (const t of rows) console.log(t.id, t.status, t.blockedBy);
   * ```
   */
  listTasks,
  /**
   * One task in full, with its scores, what blocks it, what depends on it and whether its readiness
   * review still covers its content. Refuses with NOT_FOUND or AMBIGUOUS_ID.
   *
   * @example
   * ```ts
   * const { task, blockedBy, reviewCurrent } = await project.showTask("T001");
   * console.log(task.title, task.status, blockedBy, reviewCurrent);
   * ```
   */
  showTask,
  /**
   * Adds a draft task outside any PRD (under `spec` when given) with a random id that two machines
   * never both mint. Refuses with VALIDATION_FAILED for invalid scope globs or a dependency cycle,
   * and NOT_FOUND for an unknown spec, dependency or parent.
   *
   * @example
   * ```ts
   * const { task } = await project.addTask({
   *   title: "Retry failed exports",
   *   acceptanceCriteria: ["A failed export is retried once"],
   *   verification: ["npm test -- retry"],
   *   scope: ["src/export/retry.ts"],
   *   dependencies: ["T001"],
   * });
   * console.log(task.id, task.status); // t-…, draft
   * ```
   */
  addTask,
  /**
   * Changes a task's content (one commit, `commit` null when nothing changed); a ready task whose
   * content changes goes back to draft for a new readiness review (`statusChange`). Refuses with
   * VALIDATION_FAILED for a done or cancelled task, invalid globs or a dependency cycle.
   *
   * @example
   * ```ts
   * const { fields, statusChange } = await project.editTask("T002", { verification: ["npm test -- pdf"] });
   * console.log(fields, statusChange?.to); // ["verification"], "draft" if it was ready
   * ```
   */
  editTask,
  /**
   * Cancels a task with a recorded reason. Refuses with USAGE for an empty reason and
   * INVALID_TRANSITION when the task is already done or cancelled.
   *
   * @example
   * ```ts
   * const { task } = await project.cancelTask("T005", "covered by the CSV export");
   * console.log(task.cancelled?.reason);
   * ```
   */
  cancelTask,
  /**
   * The readiness review: approving moves a draft task to ready, bound to the content reviewed;
   * requesting changes records the verdict and leaves it draft. Refuses with GATE_REFUSED when the
   * task lacks acceptance criteria or verification or its spec is not approved, and
   * INVALID_TRANSITION when the task is not draft.
   *
   * @example
   * ```ts
   * const { task } = await project.reviewTask({ task: "T001", verdict: "approve" });
   * console.log(task.status); // ready
   * ```
   */
  reviewTask: reviewTaskReadiness,
  /**
   * Overrides one planning score of a task (1 to 5) with a recorded reason, which `next` and
   * `waves` then use. Refuses with USAGE for an unknown dimension or an empty reason, and
   * VALIDATION_FAILED for a value outside 1..5.
   *
   * @example
   * ```ts
   * await project.overrideScore({ task: "T003", dimension: "complexity", value: 4, reason: "PDF fonts are fiddly" });
   * ```
   */
  overrideScore,
  /**
   * The best claimable task for the acting actor (or for `kind`), and why; when nothing is
   * claimable, `candidate` is null and `reason` says why. It only reads: the claim itself can still
   * lose a race (CLAIM_CONFLICT from `claim`). Refuses with STATE_NOT_INITIALIZED before `init`.
   *
   * @example
   * ```ts
   * const { candidate, reason } = await project.next();
   * if (candidate) console.log(`next: ${candidate.id}: ${reason}`);
   * else console.log(reason);
   * ```
   */
  next: nextTask,
  /**
   * The parallel schedule: waves of tasks that can run side by side (at most `agents` per wave),
   * with what is in flight, what needs review and what can never run. Refuses with USAGE when
   * `agents` is not a positive whole number.
   *
   * @example
   * ```ts
   * const plan = await project.waves({ agents: 3 });
   * plan.waves.forEach((ids, i) => console.log(`wave ${i + 1}: ${ids.join(", ")}`));
   * ```
   */
  waves,
  /**
   * The planning scores (complexity, parallelizability, context load, blast radius, review risk,
   * agent suitability) of one task or of every open one, with advice on which tasks to split.
   * Refuses with NOT_FOUND or AMBIGUOUS_ID for `task`.
   *
   * @example
   * ```ts
   * const { scores, expansion } = await project.scores({ task: "T003" });
   * console.log(scores[0]?.scores.complexity.value, expansion.map((a) => a.reason));
   * ```
   */
  scores: scoreTasks,
  /**
   * The dependency graph of the tasks not cancelled, each node with its status and wave; an edge
   * `from` → `to` means `to` depends on `from`. Refuses with STATE_NOT_INITIALIZED before `init`.
   *
   * @example
   * ```ts
   * const { nodes, edges } = await project.graph();
   * console.log(`${nodes.length} tasks, ${edges.length} dependencies`);
   * ```
   */
  graph: taskGraph,
  /**
   * Claims a task with an exclusive lease and a new epoch, optionally on its task branch (`branch`)
   * in a new linked worktree (`worktree`); of any number of concurrent claimers exactly one wins.
   * Refuses with CLAIM_CONFLICT when someone else holds a live claim on it or its scope overlaps
   * another live claim, GATE_REFUSED when it is draft or waits on unfinished dependencies, and
   * INVALID_TRANSITION when it is in no state to be claimed.
   *
   * @example
   * ```ts
   * import { ClaimConflictError } from "planref";
   * try {
   *   const { claim } = await project.claim({ task: "T001", lease: "30m" });
   *   console.log(`epoch ${claim.epoch}, lease until ${claim.expiresAt}`);
   * } catch (e) {
   *   if (!(e instanceof ClaimConflictError)) throw e;
   *   console.log(e.message); // someone else holds it: ask project.next() again
   * }
   * ```
   */
  claim: claimTask,
  /**
   * Renews the lease of the caller's claim (the named task, else its single live claim) and moves a
   * claimed task to in_progress. Refuses with LEASE_LOST when the claim is no longer the caller's
   * (expired, released, taken over, or another epoch), and NOT_FOUND when the caller holds no live
   * claim and names no task.
   *
   * @example
   * ```ts
   * const { epoch, expiresAt } = await project.heartbeat({ task: "T001" });
   * console.log(`epoch ${epoch} renewed until ${expiresAt}`);
   * ```
   */
  heartbeat,
  /**
   * Ends the caller's claim and puts the task back to ready; `force` with a `reason` ends someone
   * else's. Refuses with LEASE_LOST when, without `force`, the claim is not the caller's, USAGE for
   * `force` without a reason, and INVALID_TRANSITION when the task has no live claim.
   *
   * @example
   * ```ts
   * await project.release({ task: "T001" });
   * await project.release({ task: "T002", force: true, reason: "its agent crashed" });
   * ```
   */
  release,
  /**
   * The work packet of a task: intent, criteria, scope, verification, what its dependencies
   * delivered, earlier attempts and review notes, regenerated from the state and trimmed to
   * plan.yaml's size budget (or `maxBytes`). Refuses with NOT_FOUND or AMBIGUOUS_ID.
   *
   * @example
   * ```ts
   * const { markdown, packet } = await project.packet({ task: "T001", maxBytes: 4000 });
   * console.log(packet.omitted, markdown);
   * ```
   */
  packet: taskPacket,
  /**
   * Reads plan.yaml's settings: all of them, or one by a dotted key such as `claims.lease`.
   * Refuses with USAGE for an unknown key or one that names a group of settings.
   *
   * @example
   * ```ts
   * const { value } = await project.getConfig({ key: "claims.lease" });
   * console.log(value); // "15m" unless changed
   * ```
   */
  getConfig,
  /**
   * Sets one setting by dotted key (one commit, `commit` null when unchanged); a value that looks
   * like a number or boolean is parsed as one. Refuses with USAGE for an unknown key and
   * VALIDATION_FAILED when plan.yaml's schema refuses the value.
   *
   * @example
   * ```ts
   * const { from, to } = await project.setConfig({ key: "sync.mode", value: "team" });
   * console.log(from, "->", to);
   * ```
   */
  setConfig,
  /**
   * Records one piece of evidence, a command with its outcome or edited files, on the caller's live
   * claim of the task, renewing the lease at most once per heartbeat interval (`run`, `verify` and
   * `recordObserved` build on it). Refuses with LEASE_LOST when the claim is not the caller's
   * current one.
   *
   * @example
   * ```ts
   * const { evidence, renewed } = await project.addEvidence({
   *   task: "T001",
   *   kind: "edit",
   *   capturedBy: "agent",
   *   files: ["src/export/csv.ts"],
   *   cwd: process.cwd(),
   *   startedAt: new Date(),
   * });
   * console.log(evidence.id, renewed);
   * ```
   */
  addEvidence,
  /**
   * Every evidence record of a task: commands with exit status and output tail, and edits.
   * Refuses with NOT_FOUND or AMBIGUOUS_ID.
   *
   * @example
   * ```ts
   * const { evidence } = await project.listEvidence({ task: "T001" });
   * for (const e of evidence) console.log(e.kind, e.command ?? e.files, e.exitCode, e.capturedBy);
   * ```
   */
  listEvidence,
  /**
   * Runs a command and records it as evidence on the caller's claim (the named task, else its single
   * live claim here); with no claim to record on it still runs and says why in `notRecorded`.
   * Refuses with LEASE_LOST before running anything when the claim is no longer the caller's, and
   * USAGE for an empty command.
   *
   * @example
   * ```ts
   * const { outcome, evidence } = await project.run({ task: "T001", command: ["npm", "test", "--", "csv"], cwd: process.cwd() });
   * console.log(outcome.exitCode, evidence?.id);
   * ```
   */
  run: runAndRecord,
  /**
   * Runs the task's reviewed verification commands in the claim's worktree, recording each as
   * evidence; `passed` is true when all exited 0. Refuses with GATE_REFUSED when the commands changed
   * since the readiness review, the spec is no longer approved for its text, or there are none, and
   * LEASE_LOST when the claim is not the caller's.
   *
   * @example
   * ```ts
   * const { passed, results } = await project.verify({ task: "T001", cwd: process.cwd() });
   * for (const r of results) console.log(r.command, r.exitCode);
   * console.log(passed ? "verified" : "failing");
   * ```
   */
  verify: verifyTask,
  /**
   * Submits the caller's work: stores its summary and the commands and files it reports, cross-checked
   * against captured evidence and git (`submission.findings`), and moves the task to submitted.
   * Refuses with USAGE for an empty summary, LEASE_LOST when the claim is not the caller's, and
   * INVALID_TRANSITION when the task is not claimed, in progress or blocked.
   *
   * @example
   * ```ts
   * const { submission } = await project.submit({ task: "T001", summary: "CSV serializer", commands: ["npm test -- csv"] });
   * for (const f of submission.findings) console.log(f.rule, f.message);
   * ```
   */
  submit: submitTask,
  /**
   * Reviews the latest submission: approve → accepted; request-changes → back to the holder
   * (in_progress while the claim is live, else ready); reject → draft, claim ended. Refuses with
   * INVALID_TRANSITION when the task is not submitted, and GATE_REFUSED when the submitter approves
   * their own work while plan.yaml requires a distinct reviewer.
   *
   * @example
   * ```ts
   * const { status } = await project.review({ task: "T001", verdict: "request-changes", note: "Amounts need two decimals" });
   * console.log(status); // in_progress while the holder's lease is live
   * ```
   */
  review: reviewSubmission,
  /**
   * The done gate: an accepted task becomes done only if an approving review and fresh captured
   * verification evidence say so; `dryRun` returns the gate report without writing, `waive` settles a
   * judgement-call finding with a recorded reason. Refuses with GATE_REFUSED, naming what is missing,
   * when the task is not accepted or the gate does not hold, and USAGE for a waiver without a reason
   * or naming no finding.
   *
   * @example
   * ```ts
   * const { report } = await project.apply({ task: "T001", dryRun: true });
   * if (report.holds) await project.apply({ task: "T001" });
   * else for (const f of report.blocking) console.log(f.id, f.message);
   * ```
   */
  apply: applyTask,
  /**
   * The scope guard behind the PreToolUse hook: whether editing `files` from `cwd` is allowed,
   * warned about or denied under plan.yaml's scopeGuard policy, given the live claim whose worktree
   * contains `cwd`. Answers rather than throws: without any state it allows.
   *
   * @example
   * ```ts
   * const decision = await project.guardEdit({ cwd: process.cwd(), files: ["src/db.ts"] });
   * if (decision.action !== "allow") console.warn(decision.action, decision.reason);
   * ```
   */
  guardEdit,
  /**
   * Records what a hook saw, a command with its exit status or edited files, as evidence on the
   * live claim whose worktree contains `cwd`, on behalf of that claim's holder; outside a claimed
   * worktree it records nothing (`recorded: false`).
   *
   * @example
   * ```ts
   * const { recorded, task } = await project.recordObserved({
   *   cwd: process.cwd(),
   *   agent: "claude",
   *   event: "PostToolUse",
   *   tool: "Edit",
   *   files: ["src/export/csv.ts"],
   * });
   * console.log(recorded ? `recorded on ${task}` : "no claim here");
   * ```
   */
  recordObserved,
  /**
   * The text the SessionStart hook gives an agent: who it is, its claim with scope and verification
   * commands, or what is ready to claim; empty before `init`.
   *
   * @example
   * ```ts
   * const text = await project.sessionContext({ cwd: process.cwd() });
   * if (text) console.log(text);
   * ```
   */
  sessionContext,
  /**
   * The reminder the Stop hook gives an agent that stops while holding unsubmitted work in the
   * worktree containing `cwd`, or null when there is nothing to remind it of.
   *
   * @example
   * ```ts
   * const reminder = await project.stopReminder({ cwd: process.cwd() });
   * if (reminder) console.log(reminder);
   * ```
   */
  stopReminder,
  /**
   * Syncs the state with a git remote: fetch, then fast-forward, or replay the local operations on
   * the remote's tip with their rules re-checked (those that no longer stand become `conflicts`),
   * and push with a lease; a refused push leaves local state as it was. Refuses with USAGE for a
   * missing remote, REMOTE_FAILED or REMOTE_REJECTED when the transfer fails or is refused,
   * REMOTE_INVALID for invalid remote state, SYNC_UNRELATED for unrelated histories, and
   * SYNC_RETRIES when the remote kept moving.
   *
   * @example
   * ```ts
   * const { action, replayed, conflicts } = await project.sync({ remote: "origin" });
   * console.log(action, replayed, conflicts.map((c) => `${c.op}: ${c.message}`));
   * ```
   */
  sync: syncState,
  /**
   * Which remotes (of the first three) have planref state, as last fetched or asked of the remote:
   * what to suggest when a fresh clone has none locally. An unreachable remote counts as having
   * none; nothing is refused.
   *
   * @example
   * ```ts
   * if ((await project.remotesWithState()).length > 0) {
   *   await project.init(); // adopts the remote's state instead of starting a new history
   * }
   * ```
   */
  remotesWithState,
  /**
   * Local operations a sync could not replay on a remote's state, with why each did not stand;
   * unacknowledged ones unless `all`. Refuses with STATE_NOT_INITIALIZED before `init`.
   *
   * @example
   * ```ts
   * const { conflicts } = await project.conflicts({ actor: "agent-b" });
   * for (const c of conflicts) console.log(c.id, c.op, c.code, c.message);
   * ```
   */
  conflicts: listConflicts,
  /**
   * Marks a sync conflict, by id or unique prefix, as seen (one commit); the record stays in the
   * audit trail. Refuses with NOT_FOUND when the id matches no conflict or several, and
   * INVALID_TRANSITION when it is already acknowledged.
   *
   * @example
   * ```ts
   * const { conflicts } = await project.conflicts();
   * for (const c of conflicts) await project.acknowledgeConflict({ id: c.id, note: "took another task" });
   * ```
   */
  acknowledgeConflict,
  /**
   * Everything the board's first screen shows at one tip: tasks with their waves, claims with stale
   * countdowns, specs with open decisions, sync conflicts; `waves: "latest"` answers at once with the
   * last wave plan while the new one is made. Refuses with STATE_NOT_INITIALIZED before `init`.
   *
   * @example
   * ```ts
   * const view = await project.board({ waves: "latest" });
   * console.log(view.tip, view.wavesCurrent, view.claims.map((c) => `${c.task}: stale in ${c.staleInSeconds}s`));
   * ```
   */
  board: boardOverview,
  /**
   * One task as the board's side panel shows it: content and scores, work packet, evidence, the
   * done-gate report (as `apply` with `dryRun`), the latest submission and its reviews. Refuses with
   * NOT_FOUND or AMBIGUOUS_ID.
   *
   * @example
   * ```ts
   * const { gate, submission, reviews } = await project.boardTask({ task: "T001" });
   * console.log(gate.holds, submission?.summary, reviews.length);
   * ```
   */
  boardTask,
  /**
   * The tip of refs/plan/state alone, null before `init`: the cheap read to poll for noticing that
   * another process wrote. Refuses nothing.
   *
   * @example
   * ```ts
   * let seen = (await project.boardTip()).tip;
   * // later, on a timer:
   * const { tip } = await project.boardTip();
   * if (tip !== seen) {
   *   seen = tip;
   *   console.log("the state changed: refresh");
   * }
   * ```
   */
  boardTip,
};

export type UseCases = typeof useCases;
