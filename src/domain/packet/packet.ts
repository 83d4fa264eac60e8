import type { ClaimDoc, SpecDoc, TaskDoc } from "../../schema/types.js";
import { pastAttempts } from "../claims/claim.js";

export interface PacketAttempt {
  epoch: number;
  holder: string;
  kind: string;
  acquiredAt: string;
  ended: string;
  endedAt: string;
  endedBy: string;
  reason?: string;
  branch: string | null;
  worktree: string | null;
  filesTouched: string[];
  lastEvidence?: string;
}

export interface Packet {
  task: { id: string; title: string; status: string; priority: string; spec: string | null };
  intent: string;
  acceptanceCriteria: string[];
  scope: string[];
  nonGoals: { task: string[]; spec: string[] };
  dependencies: { done: Array<{ id: string; title: string; delivered: string }>; blocking: Array<{ id: string; title: string; status: string }> };
  verification: string[];
  requiredEvidence: string[];
  manualSteps: string[];
  claim: { holder: string; epoch: number; expiresAt: string; branch: string | null; worktree: string | null; baseCommit: string | null } | null;
  attempts: PacketAttempt[];
  reviewNotes: Array<{ by: string; at: string; verdict: string; note: string }>;
  commands: { heartbeat: string; run: string; verify: string; submit: string; release: string };
  /** What the size budget removed, so the reader knows to ask for it. */
  omitted: string[];
  /** Bytes still over the budget after every trim (the essentials are never cut). */
  overBudget?: number;
}

export interface PacketInput {
  task: TaskDoc;
  spec: SpecDoc | undefined;
  claim: ClaimDoc | undefined;
  claimLive: boolean;
  tasksById: ReadonlyMap<string, TaskDoc>;
  /** One line per completed dependency: what it delivered (its submission summary, when known). */
  delivered: (taskId: string) => string | undefined;
  /** Files touched and last evidence of an earlier attempt, when known. */
  attemptDetail: (epoch: number) => { filesTouched: string[]; lastEvidence?: string };
  reviewNotes: Packet["reviewNotes"];
}

/** Everything an agent needs to work on one task, and nothing else. */
export function buildPacket(input: PacketInput): Packet {
  const { task, claim } = input;
  const deps = task.dependencies.map((id) => input.tasksById.get(id)).filter((t): t is TaskDoc => t !== undefined);
  const epochFlag = claim && input.claimLive ? ` --epoch ${claim.epoch}` : "";
  return {
    task: { id: task.id, title: task.title, status: task.status, priority: task.priority, spec: task.spec },
    intent: task.intent,
    acceptanceCriteria: task.acceptanceCriteria,
    scope: claim && input.claimLive ? claim.scope : task.scope,
    nonGoals: { task: task.nonGoals, spec: input.spec?.nonGoals ?? [] },
    dependencies: {
      done: deps.filter((d) => d.status === "done").map((d) => ({ id: d.id, title: d.title, delivered: input.delivered(d.id) ?? d.title })),
      blocking: deps.filter((d) => d.status !== "done").map((d) => ({ id: d.id, title: d.title, status: d.status })),
    },
    verification: task.verification,
    requiredEvidence: task.requiredEvidence,
    manualSteps: task.manualSteps,
    claim: claim && input.claimLive ? { holder: claim.holder.actor, epoch: claim.epoch, expiresAt: claim.expiresAt, branch: claim.branch, worktree: claim.worktree, baseCommit: claim.baseCommit } : null,
    attempts: pastAttempts(claim, input.claimLive).map((a) => ({
      epoch: a.epoch,
      holder: a.holder.actor,
      kind: a.holder.kind,
      acquiredAt: a.acquiredAt,
      ended: a.ending.how,
      endedAt: a.ending.at,
      endedBy: a.ending.by,
      ...(a.ending.reason ? { reason: a.ending.reason } : {}),
      branch: a.branch,
      worktree: a.worktree,
      ...input.attemptDetail(a.epoch),
    })),
    reviewNotes: input.reviewNotes,
    commands: {
      heartbeat: `planref heartbeat ${task.id}${epochFlag}`,
      run: `planref run --task ${task.id} -- <command>`,
      verify: `planref verify ${task.id}`,
      submit: `planref submit ${task.id} --summary "<what you delivered>"`,
      release: `planref release ${task.id}`,
    },
    omitted: [],
  };
}

const list = (items: string[], indent = "") => items.map((i) => `${indent}- ${i}`);

export function renderPacketMarkdown(p: Packet): string {
  const out: string[] = [`# ${p.task.id}: ${p.task.title}`, "", `status ${p.task.status} · priority ${p.task.priority}${p.task.spec ? ` · spec ${p.task.spec}` : ""}`];
  if (p.claim) out.push(`claim: ${p.claim.holder}, epoch ${p.claim.epoch}, lease until ${p.claim.expiresAt}${p.claim.branch ? `, branch ${p.claim.branch}` : ""}${p.claim.worktree ? `, worktree ${p.claim.worktree}` : ""}`);
  const section = (title: string, lines: string[]) => {
    if (lines.length) out.push("", `## ${title}`, ...lines);
  };
  section("Intent", p.intent ? [p.intent] : []);
  section("Acceptance criteria", list(p.acceptanceCriteria));
  section("Scope (files you may change)", list(p.scope.map((s) => `\`${s}\``)));
  section("Non-goals", [...list(p.nonGoals.task), ...list(p.nonGoals.spec.map((g) => `${g} (spec)`))]);
  section("Done dependencies", p.dependencies.done.map((d) => `- ${d.id}: ${d.delivered}`));
  section("Still blocking", p.dependencies.blocking.map((d) => `- ${d.id} (${d.status}): ${d.title}`));
  section("Verification", list(p.verification.map((v) => `\`${v}\``)));
  section("Required evidence", list(p.requiredEvidence));
  section("Manual steps", list(p.manualSteps));
  section("Review notes", p.reviewNotes.map((n) => `- ${n.verdict} by ${n.by} (${n.at}): ${n.note}`));
  section(
    "Earlier attempts",
    p.attempts.flatMap((a) => [
      `- epoch ${a.epoch}: ${a.holder} (${a.kind}) from ${a.acquiredAt}, ${a.ended} at ${a.endedAt}${a.endedBy !== a.holder ? ` by ${a.endedBy}` : ""}${a.reason ? `: ${a.reason}` : ""}${a.branch ? `; branch ${a.branch}` : ""}`,
      ...(a.filesTouched.length ? [`  files touched: ${a.filesTouched.join(", ")}`] : []),
      ...(a.lastEvidence ? [`  last evidence: ${a.lastEvidence}`] : []),
    ]),
  );
  // A finished task has no lease to renew and nothing to submit: say so instead of listing commands that would fail.
  const closed = p.task.status === "done" || p.task.status === "cancelled";
  section(
    "Commands",
    closed
      ? [`- none: the task is ${p.task.status}`]
      : [
          `- renew your lease: \`${p.commands.heartbeat}\``,
          `- record evidence: \`${p.commands.run}\` or \`${p.commands.verify}\``,
          `- submit: \`${p.commands.submit}\``,
          `- give it back: \`${p.commands.release}\``,
        ],
  );
  if (p.omitted.length) out.push("", `_Left out for the size budget: ${p.omitted.join("; ")}. \`planref packet ${p.task.id} --format json\` has everything._`);
  if (p.overBudget) out.push("", `_Still ${p.overBudget} bytes over the size budget: the essentials above are never cut._`);
  return `${out.join("\n")}\n`;
}

/**
 * Trims the least useful parts first until the rendering fits the budget: old attempts'
 * file lists, then old attempts, then the spec's non-goals, then long dependency summaries,
 * then the intent's tail. Criteria, scope, verification and commands always stay.
 */
export function fitPacket(p: Packet, maxBytes: number, render: (p: Packet) => string = renderPacketMarkdown): Packet {
  const size = (x: Packet) => new TextEncoder().encode(render(x)).length;
  if (size(p) <= maxBytes) return p;
  let cur = p;
  const steps: Array<[string, (x: Packet) => Packet | null]> = [
    ["file lists of earlier attempts", (x) => (x.attempts.some((a) => a.filesTouched.length) ? { ...x, attempts: x.attempts.map((a) => ({ ...a, filesTouched: [] })) } : null)],
    ["attempts before the last one", (x) => (x.attempts.length > 1 ? { ...x, attempts: x.attempts.slice(-1) } : null)],
    ["the spec's non-goals", (x) => (x.nonGoals.spec.length ? { ...x, nonGoals: { ...x.nonGoals, spec: [] } } : null)],
    ["dependency summaries", (x) => (x.dependencies.done.some((d) => d.delivered !== d.title) ? { ...x, dependencies: { ...x.dependencies, done: x.dependencies.done.map((d) => ({ ...d, delivered: d.title })) } } : null)],
    ["review notes before the last one", (x) => (x.reviewNotes.length > 1 ? { ...x, reviewNotes: x.reviewNotes.slice(-1) } : null)],
    ["the last attempt", (x) => (x.attempts.length > 0 ? { ...x, attempts: [] } : null)],
  ];
  // Sizes are measured with the "left out" note included, so trimming never grows the packet.
  for (const [what, step] of steps) {
    if (size(cur) <= maxBytes) break;
    const next = step(cur);
    if (next) cur = { ...next, omitted: [...cur.omitted, what] };
  }
  if (size(cur) > maxBytes && cur.intent.length > 200) {
    const over = size(cur) - maxBytes;
    const keep = Math.max(200, cur.intent.length - over - 80);
    cur = { ...cur, intent: `${cur.intent.slice(0, keep)}…`, omitted: [...cur.omitted, "the end of the intent"] };
  }
  if (size(cur) >= size(p)) cur = p;
  let over = size(cur) - maxBytes;
  if (over <= 0) return cur;
  // The note about being over budget takes room too; settle on the figure that includes it.
  for (let i = 0; i < 4; i++) {
    const next = size({ ...cur, overBudget: over }) - maxBytes;
    if (next === over) break;
    over = next;
  }
  return { ...cur, overBudget: over };
}
