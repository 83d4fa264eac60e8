import { ValidationError } from "../errors.js";
import { parsePrd } from "../domain/prd/index.js";
import { slugify } from "../domain/spec/ids.js";
import { type ImportPlan, planImport } from "../domain/spec/import-plan.js";
import type { DocChange } from "../store/types.js";
import { commitInfo } from "./commit.js";
import type { AppContext } from "./context.js";
import { sha256 } from "./hash.js";
import { specPath, specSourcePath, taskPath } from "./state/documents.js";
import { readPlan } from "./state/plan.js";
import { allTasks, getSpec, hasWorkRecorded } from "./state/tasks.js";
import type { Issue } from "../errors.js";
import { pathIssue } from "../store/documents.js";

export interface SpecImportInput {
  /** As given by the user; names the spec and every issue. */
  file: string;
  text: string;
  /** Defaults to a slug of the file name. */
  specId?: string;
  dryRun?: boolean;
}

export interface SpecImportResult {
  specId: string;
  dryRun: boolean;
  commit: string | null;
  plan: ImportPlan;
  warnings: Issue[];
}

/**
 * Plan, then apply: parse the PRD, diff it against the spec's tasks, and (unless dry-run)
 * write spec, source text and task changes as one commit. A file with any parse error
 * imports nothing.
 */
export async function importSpec(ctx: AppContext, input: SpecImportInput): Promise<SpecImportResult> {
  // Content the documents cannot hold is refused on its PRD line, not when a document is written.
  const parsed = parsePrd(input.text, { file: input.file, stateLimits: true });
  if (!parsed.ok) {
    const first = parsed.errors[0];
    throw new ValidationError(
      `${input.file}${first?.line ? `:${first.line}` : ""}: ${first?.message ?? "invalid PRD"}${parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more)` : ""}`,
      [...parsed.errors, ...parsed.warnings],
      { hint: first?.hint ?? "Fix the PRD; nothing was imported." },
    );
  }
  const specId = input.specId ?? slugify(input.file.split("/").pop() ?? input.file);
  if (pathIssue(specId) || specId.includes(".")) {
    throw new ValidationError(`spec id "${specId}" is not allowed`, [{ message: "spec ids use letters, digits, '_' and '-'", pointer: "/id" }], { hint: "Pass --id with letters, digits, '-' and '_' only." });
  }
  const sourceHash = sha256(input.text);
  let plan: ImportPlan | null = null;
  const res = await ctx.store.transact((snap) => {
    readPlan(snap);
    const existingTasks = allTasks(snap).filter((t) => t.spec === specId);
    plan = planImport({
      specId,
      sourceFile: input.file,
      sourceHash,
      prd: parsed.prd,
      existingSpec: getSpec(snap, specId) ?? null,
      existingTasks,
      retained: (id) => hasWorkRecorded(snap, id),
      now: ctx.now().toISOString(),
      actor: ctx.actor.name,
      hash: sha256,
    });
    const t = plan.tasks;
    const nothing = plan.specChange === "unchanged" && t.added.length + t.changed.length + t.moved.length + t.removed.length === 0;
    if (input.dryRun || nothing) return { noop: true as const, result: plan };
    const changes: DocChange[] = [
      { path: specPath(specId), value: plan.spec },
      { path: specSourcePath(specId), value: input.text },
      ...t.added.map((d) => ({ path: taskPath(d.id), value: d })),
      ...t.changed.map((c) => ({ path: taskPath(c.after.id), value: c.after })),
      ...t.moved.map((d) => ({ path: taskPath(d.id), value: d })),
      ...t.removed.map((r) => ({ path: taskPath(r.task.id), value: r.action === "delete" ? null : (r.after ?? null) })),
    ];
    const summary = `+${t.added.length} ~${t.changed.length} -${t.removed.length} tasks`;
    return {
      changes,
      commit: commitInfo(ctx, "spec-import", `import spec ${specId} (${summary})`, { spec: specId }, `Source: ${input.file}\nsha256: ${sourceHash}`),
      result: plan,
    };
  });
  return { specId, dryRun: input.dryRun ?? false, commit: res.commit, plan: res.result, warnings: parsed.warnings };
}
