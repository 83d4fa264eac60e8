import type { PlanDoc } from "../schema/types.js";
import { commitInfo } from "./commit.js";
import type { AppContext } from "./context.js";
import { FORMAT_VERSION, PLAN_PATH } from "./state/documents.js";
import { DEFAULT_SETTINGS, readPlan } from "./state/plan.js";

export interface InitInput {
  name?: string;
}

export interface InitResult {
  created: boolean;
  commit: string;
  plan: PlanDoc;
}

/**
 * Creates refs/plan/state with plan.yaml. Idempotent: when the state exists it reports it.
 * Two racing inits make one root, because the first commit is published with
 * "ref must not exist" and the loser re-runs this against the winner's state.
 */
export async function initProject(ctx: AppContext, input: InitInput = {}): Promise<InitResult> {
  const res = await ctx.store.transact((snap) => {
    if (snap.commit !== null) {
      return { noop: true as const, result: { created: false, commit: snap.commit, plan: readPlan(snap) } };
    }
    const plan: PlanDoc = {
      formatVersion: FORMAT_VERSION,
      project: { name: input.name ?? ctx.defaultProjectName ?? "project" },
      createdAt: ctx.now().toISOString(),
      createdBy: ctx.actor.name,
      settings: DEFAULT_SETTINGS,
    };
    return {
      changes: [{ path: PLAN_PATH, value: plan }],
      commit: commitInfo(ctx, "init", `init project ${plan.project.name}`),
      result: { created: true, commit: "", plan },
    };
  });
  return { ...res.result, commit: res.result.created ? (res.commit as string) : res.result.commit };
}
