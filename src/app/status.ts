import type { AppContext } from "./context.js";
import { loadSnapshot, readPlan } from "./state/plan.js";

export interface StatusResult {
  project: string;
  formatVersion: number;
  ref: string;
  tip: string;
  documents: number;
  /** Documents per top-level collection of the state tree. */
  collections: Record<string, number>;
}

/** A summary of the state at the tip. */
export async function getStatus(ctx: AppContext): Promise<StatusResult> {
  const snap = await loadSnapshot(ctx);
  const plan = readPlan(snap);
  const collections: Record<string, number> = {};
  for (const p of snap.paths()) {
    const top = p.includes("/") ? p.slice(0, p.indexOf("/")) : p;
    collections[top] = (collections[top] ?? 0) + 1;
  }
  return {
    project: plan.project.name,
    formatVersion: plan.formatVersion,
    ref: ctx.store.ref,
    tip: snap.commit as string,
    documents: snap.size,
    collections,
  };
}
