import type { SpecDoc, SpecStatus, TaskDoc } from "../../schema/types.js";
import type { ParsedPrd, PrdTask } from "../prd/index.js";
import { type ContentField, changedFields, contentText } from "../task/content.js";
import { stableStringify } from "../canonical.js";
import { taskIdFor } from "./ids.js";

export interface ImportInput {
  specId: string;
  sourceFile: string;
  /** sha256 of the PRD text. */
  sourceHash: string;
  prd: ParsedPrd;
  existingSpec: SpecDoc | null;
  /** Every task document of this spec, tombstones included. */
  existingTasks: readonly TaskDoc[];
  /** True when a task has a claim or evidence and so must be kept as a tombstone, never deleted. */
  retained: (taskId: string) => boolean;
  now: string;
  actor: string;
  hash: (text: string) => string;
}

export interface TaskChange {
  before: TaskDoc;
  after: TaskDoc;
  fields: ContentField[];
  /** Set when the change sends the task back to draft for a new readiness review. */
  statusChange?: { from: string; to: string };
  /** Work is under way on content its readiness review did not see. */
  needsReview?: boolean;
}

export interface TaskRemoval {
  task: TaskDoc;
  action: "delete" | "tombstone";
  /** The tombstone written in place of the task. */
  after?: TaskDoc;
}

export interface ImportPlan {
  spec: SpecDoc;
  specChange: "added" | "changed" | "unchanged";
  specStatus: { from: SpecStatus | null; to: SpecStatus };
  tasks: {
    added: TaskDoc[];
    changed: TaskChange[];
    unchanged: TaskDoc[];
    /** Unchanged content whose bookkeeping (source line) moved. */
    moved: TaskDoc[];
    removed: TaskRemoval[];
  };
  features: { added: string[]; changed: string[]; removed: string[] };
}

const REVIEWABLE = new Set(["draft", "ready"]);
const REMOVED_FROM_PRD = "removed from the PRD";

function isRemovalTombstone(t: TaskDoc): boolean {
  return t.cancelled?.reason.startsWith(REMOVED_FROM_PRD) ?? false;
}

/**
 * Plan an import like `terraform plan`: what the PRD adds, changes and removes against the
 * spec's current tasks. Pure: the caller applies `spec`, the task documents and deletions
 * in one commit. Task identity is the PRD id, so renames and reorders keep status, claims
 * and evidence; changed content of a reviewed task goes back to draft.
 */
export function planImport(input: ImportInput): ImportPlan {
  const { prd, specId, now, actor } = input;
  const existingById = new Map(input.existingTasks.map((t) => [t.id, t]));
  const wanted = prd.tasks.map((t) => buildTask(input, t, existingById.get(taskIdFor(specId, t.id))));
  const wantedIds = new Set(wanted.map((t) => t.id));

  const tasks: ImportPlan["tasks"] = { added: [], changed: [], unchanged: [], moved: [], removed: [] };
  for (const next of wanted) {
    const before = existingById.get(next.id);
    if (!before) {
      tasks.added.push(next);
      continue;
    }
    const fields = changedFields(before, next);
    // Only tombstones left by an earlier removal from the PRD come back; a person's cancel stands.
    const revived = before.status === "cancelled" && isRemovalTombstone(before);
    if (before.status === "cancelled" && !revived) {
      tasks.unchanged.push(before);
      continue;
    }
    if (fields.length === 0 && !revived) {
      if (before.source?.line !== next.source?.line || before.source?.file !== next.source?.file) tasks.moved.push({ ...before, source: next.source as NonNullable<TaskDoc["source"]>, updatedAt: now });
      else tasks.unchanged.push(before);
      continue;
    }
    const after: TaskDoc = { ...before, ...pickContent(next), contentHash: next.contentHash, source: next.source as NonNullable<TaskDoc["source"]>, updatedAt: now };
    let statusChange: TaskChange["statusChange"];
    if (revived) {
      delete after.cancelled;
      after.status = "draft";
      delete after.readiness;
      statusChange = { from: "cancelled", to: "draft" };
    } else if (REVIEWABLE.has(before.status) && before.status !== "draft") {
      after.status = "draft";
      delete after.readiness;
      statusChange = { from: before.status, to: "draft" };
    }
    const needsReview = !statusChange && !REVIEWABLE.has(before.status) && before.readiness !== undefined;
    tasks.changed.push({ before, after, fields, ...(statusChange ? { statusChange } : {}), ...(needsReview ? { needsReview } : {}) });
  }
  for (const before of input.existingTasks) {
    // Tasks added by hand (no PRD source) are not the PRD's to remove.
    if (wantedIds.has(before.id) || before.status === "cancelled" || !before.source) continue;
    if (input.retained(before.id) || !REVIEWABLE.has(before.status)) {
      tasks.removed.push({
        task: before,
        action: "tombstone",
        after: { ...before, status: "cancelled", cancelled: { reason: `${REMOVED_FROM_PRD} ${input.sourceFile}`, by: actor, at: now }, updatedAt: now },
      });
    } else {
      tasks.removed.push({ task: before, action: "delete" });
    }
  }

  const prevSpec = input.existingSpec;
  const contentChanged = !prevSpec || prevSpec.contentHash !== input.sourceHash;
  const fromStatus = prevSpec?.status ?? null;
  const toStatus: SpecStatus = !prevSpec ? "draft" : !contentChanged || prevSpec.status === "superseded" ? prevSpec.status : "draft";
  const spec: SpecDoc = {
    id: specId,
    title: prd.title,
    status: toStatus,
    sourceFile: input.sourceFile,
    contentHash: input.sourceHash,
    ...(prevSpec?.approval ? { approval: prevSpec.approval } : {}),
    ...(prevSpec?.supersededBy ? { supersededBy: prevSpec.supersededBy } : {}),
    summary: prd.summary,
    goals: prd.goals,
    nonGoals: prd.nonGoals,
    requirements: prd.requirements.map((r) => ({ id: r.id, text: r.text })),
    acceptanceCriteria: prd.acceptanceCriteria,
    risks: prd.risks,
    openQuestions: prd.openQuestions.map((q) => ({ text: q.text, line: q.line })),
    decisions: prd.decisions.map((d) => ({ question: d.question, section: d.section, line: d.line })),
    features: prd.features.map((f) => ({ id: f.id, title: f.title, requirements: f.requirements, description: f.description })),
    notes: prd.notes.map((n) => ({ heading: n.heading, text: n.text, line: n.line })),
    reviews: prevSpec?.reviews ?? [],
    importedAt: contentChanged ? now : (prevSpec?.importedAt ?? now),
    importedBy: contentChanged ? actor : (prevSpec?.importedBy ?? actor),
    updatedAt: contentChanged ? now : (prevSpec?.updatedAt ?? now),
  };

  const prevFeatures = new Map((prevSpec?.features ?? []).map((f) => [f.id, stableStringify(f)]));
  const nextFeatures = new Map(spec.features.map((f) => [f.id, stableStringify(f)]));
  const features = {
    added: [...nextFeatures.keys()].filter((id) => !prevFeatures.has(id)),
    changed: [...nextFeatures].filter(([id, f]) => prevFeatures.has(id) && prevFeatures.get(id) !== f).map(([id]) => id),
    removed: [...prevFeatures.keys()].filter((id) => !nextFeatures.has(id)),
  };

  return {
    spec,
    specChange: !prevSpec ? "added" : contentChanged || stableStringify(prevSpec) !== stableStringify(spec) ? "changed" : "unchanged",
    specStatus: { from: fromStatus, to: toStatus },
    tasks,
    features,
  };
}

function buildTask(input: ImportInput, t: PrdTask, existing: TaskDoc | undefined): TaskDoc {
  const id = (local: string) => taskIdFor(input.specId, local);
  const content = {
    title: t.title,
    intent: t.intent,
    priority: t.priority,
    feature: t.feature,
    parent: t.parent === null ? null : id(t.parent),
    acceptanceCriteria: t.acceptanceCriteria,
    verification: t.verification,
    scope: t.scope,
    nonGoals: t.nonGoals,
    dependencies: t.dependencies.map(id),
    requiredEvidence: t.requiredEvidence,
    manualSteps: t.manualSteps,
  };
  return {
    id: id(t.id),
    spec: input.specId,
    localId: t.id,
    status: "draft",
    ...content,
    contentHash: input.hash(contentText(content)),
    source: { file: input.sourceFile, line: t.line },
    createdAt: existing?.createdAt ?? input.now,
    updatedAt: input.now,
  };
}

function pickContent(t: TaskDoc): Pick<TaskDoc, ContentField> {
  return {
    title: t.title,
    intent: t.intent,
    priority: t.priority,
    feature: t.feature,
    parent: t.parent,
    acceptanceCriteria: t.acceptanceCriteria,
    verification: t.verification,
    scope: t.scope,
    nonGoals: t.nonGoals,
    dependencies: t.dependencies,
    requiredEvidence: t.requiredEvidence,
    manualSteps: t.manualSteps,
  };
}
