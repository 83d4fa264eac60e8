import type { LeaseClock } from "../../domain/claims/lease.js";
import { isLive } from "../../domain/claims/lease.js";
import { parseDuration } from "../../domain/claims/duration.js";
import type { LiveClaim } from "../../domain/planning/index.js";
import type { ClaimDoc, PlanDoc } from "../../schema/types.js";
import type { Snapshot } from "../../store/types.js";
import type { AppContext } from "../context.js";
import { CLAIMS, claimPath } from "./documents.js";

export function getClaim(snap: Snapshot, taskId: string): ClaimDoc | undefined {
  return snap.get(claimPath(taskId)) as ClaimDoc | undefined;
}

export function allClaims(snap: Snapshot): ClaimDoc[] {
  return snap.paths(`${CLAIMS}/`).map((p) => snap.get(p) as ClaimDoc);
}

export function leaseClock(ctx: AppContext, plan: PlanDoc): LeaseClock {
  return { now: ctx.now().getTime(), skewSeconds: parseDuration(plan.settings.claims.skewMargin, "skewMargin") };
}

export function liveClaims(snap: Snapshot, clock: LeaseClock): ClaimDoc[] {
  return allClaims(snap).filter((c) => isLive(c, clock));
}

export function toLiveClaim(c: ClaimDoc): LiveClaim {
  return { taskId: c.task, scope: c.scope, holder: c.holder.actor };
}
