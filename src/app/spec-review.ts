import { reviewSpec } from "../domain/spec/lifecycle.js";
import type { SpecDoc, SpecVerdict } from "../schema/types.js";
import { commitInfo } from "./commit.js";
import type { AppContext } from "./context.js";
import { specPath } from "./state/documents.js";
import { readPlan } from "./state/plan.js";
import { getSpec, resolveSpecId } from "./state/tasks.js";

export interface SpecReviewInput {
  spec: string;
  verdict: SpecVerdict;
  note?: string;
  supersededBy?: string;
}

export async function reviewSpecUseCase(ctx: AppContext, input: SpecReviewInput): Promise<{ spec: SpecDoc; from: SpecDoc["status"]; commit: string }> {
  const res = await ctx.store.transact((snap) => {
    readPlan(snap);
    const id = resolveSpecId(snap, input.spec);
    if (input.supersededBy) resolveSpecId(snap, input.supersededBy);
    const before = getSpec(snap, id) as SpecDoc;
    const after = reviewSpec(before, {
      verdict: input.verdict,
      by: ctx.actor.name,
      at: ctx.now().toISOString(),
      ...(input.note ? { note: input.note } : {}),
      ...(input.supersededBy ? { supersededBy: input.supersededBy } : {}),
    });
    return {
      changes: [{ path: specPath(id), value: after }],
      commit: commitInfo(ctx, "spec-review", `${input.verdict} spec ${id}: ${before.status} -> ${after.status}`, { spec: id, extra: [["Planref-Verdict", input.verdict]] }, input.note),
      result: { spec: after, from: before.status },
    };
  });
  return { ...res.result, commit: res.commit as string };
}
