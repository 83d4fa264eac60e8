import { NotFoundError, ValidationError } from "../../errors.js";
import type { PlanDoc, PlanSettings } from "../../schema/types.js";
import type { LoadedSnapshot, Snapshot } from "../../store/types.js";
import type { AppContext } from "../context.js";
import { FORMAT_VERSION, FORMAT_VERSION_POINTER, PLAN_PATH } from "./documents.js";
import { carryTaskTable } from "./tasks.js";

export const DEFAULT_SETTINGS: PlanSettings = {
  claims: { lease: "15m", heartbeatInterval: "2m", skewMargin: "2m" },
  gate: { distinctReviewer: true, requireFreshVerification: true },
  scopeGuard: { outsideScope: "warn", noClaim: "warn" },
  sync: { mode: "solo", remote: "origin" },
  packet: { maxBytes: 8000 },
};

/** The state at the tip, with an unknown format version reported as such rather than as invalid documents. */
export async function loadSnapshot(ctx: AppContext): Promise<LoadedSnapshot> {
  await carryTaskTable(ctx.store);
  return withFormatCheck(() => ctx.store.snapshot());
}

/** Runs a read, turning an invalid-state error caused by an unknown format version into FORMAT_VERSION. */
export async function withFormatCheck<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    const versionIssue = e instanceof ValidationError ? e.issues.find((i) => i.path === PLAN_PATH && i.pointer === FORMAT_VERSION_POINTER) : undefined;
    if (versionIssue) {
      const newer = /version (\d+)/.exec(versionIssue.message)?.[1];
      throw new ValidationError(`plan.yaml: ${versionIssue.message}`, [versionIssue], {
        code: "FORMAT_VERSION",
        hint:
          newer !== undefined && Number(newer) > FORMAT_VERSION
            ? "The state was written by a newer planref: upgrade planref."
            : "The state was written by an older planref: run a planref release that can migrate it.",
      });
    }
    throw e;
  }
}

/** Reads plan.yaml, refusing a missing state. */
export function readPlan(snapshot: Snapshot): PlanDoc {
  if (snapshot.commit === null) {
    throw new NotFoundError("STATE_NOT_INITIALIZED", "this repository has no planref state (refs/plan/state does not exist)", {
      hint: 'Run "planref init" to create it, or "planref sync" if a remote already has it.',
    });
  }
  const plan = snapshot.get(PLAN_PATH) as PlanDoc | undefined;
  if (!plan) {
    throw new ValidationError(`refs/plan/state at ${snapshot.commit.slice(0, 12)} has no ${PLAN_PATH}`, [{ path: PLAN_PATH, commit: snapshot.commit, message: "missing" }], {
      code: "INVALID_STATE",
      hint: "Run planref doctor; the ref may have been overwritten by something other than planref.",
    });
  }
  return plan;
}
