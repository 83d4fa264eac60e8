import { type Issue, PlanrefError } from "../errors.js";
import type { AppContext } from "./context.js";
import { PLAN_PATH } from "./state/documents.js";

export type CheckStatus = "ok" | "warn" | "error";

export interface Check {
  name: string;
  status: CheckStatus;
  message: string;
  hint?: string;
  issues?: Issue[];
}

export interface DoctorResult {
  healthy: boolean;
  checks: Check[];
}

export interface DoctorInput {
  breakLock?: boolean;
}

const STALE_LOCK_MS = 30_000;
const LOOSE_OBJECT_WARN = 10_000;
const STATE_REFSPEC = "refs/plan/state";

/** Health of the repository and the state; throws UNHEALTHY (with every check) when something is wrong. */
export async function runDoctor(ctx: AppContext, input: DoctorInput = {}): Promise<DoctorResult> {
  const checks: Check[] = [];
  const repo = ctx.repo;
  if (repo) {
    try {
      checks.push({ name: "git", status: "ok", message: `git ${await repo.gitVersion()}` });
    } catch (e) {
      checks.push({ name: "git", status: "error", message: (e as Error).message, hint: (e as PlanrefError).hint ?? "Install git >= 2.31." });
    }
    checks.push(lockCheck(repo, input.breakLock ?? false));
  }

  const tip = await ctx.store.tip();
  if (tip === null) {
    checks.push({ name: "state", status: "warn", message: `${ctx.store.ref} does not exist`, hint: 'Run "planref init".' });
  } else {
    const snap = await ctx.store.snapshot(tip, { allowInvalid: true });
    if (snap.issues.length > 0) {
      checks.push({
        name: "documents",
        status: "error",
        message: `${snap.issues.length} invalid document issue(s) at ${tip.slice(0, 12)}`,
        hint: "Fix each document in a new commit, or point the ref back at a good commit with git update-ref refs/plan/state <commit>.",
        issues: snap.issues,
      });
    } else {
      checks.push({ name: "documents", status: "ok", message: `${snap.size} valid document(s) at ${tip.slice(0, 12)}` });
    }
    if (!snap.has(PLAN_PATH) && snap.issues.every((i) => i.path !== PLAN_PATH)) {
      checks.push({ name: "plan", status: "error", message: `${PLAN_PATH} is missing at ${tip.slice(0, 12)}` });
    }
  }

  if (repo) {
    const loose = await repo.looseObjects();
    checks.push(
      loose.count > LOOSE_OBJECT_WARN
        ? { name: "objects", status: "warn", message: `${loose.count} loose objects (${loose.sizeKiB} KiB)`, hint: "Run git gc to pack them; reads get slower as loose objects pile up." }
        : { name: "objects", status: "ok", message: `${loose.count} loose objects (${loose.sizeKiB} KiB)` },
    );
    for (const r of await repo.remotes()) {
      const has = r.fetch.some((f) => f.includes(STATE_REFSPEC) || f.includes("refs/plan/"));
      checks.push(
        has
          ? { name: `remote ${r.name}`, status: "ok", message: `fetch refspec brings ${STATE_REFSPEC}` }
          : {
              name: `remote ${r.name}`,
              status: "warn",
              message: `plain "git fetch ${r.name}" does not bring ${STATE_REFSPEC}`,
              hint: `planref sync fetches it; to make plain git fetch bring it too: planref init --fetch-refspec ${r.name}`,
            },
      );
      const d = await divergenceCheck(ctx, r.name, tip);
      if (d) checks.push(d);
    }
  }

  const result = { healthy: checks.every((c) => c.status !== "error"), checks };
  if (!result.healthy) {
    const bad = checks.filter((c) => c.status === "error");
    throw new PlanrefError("UNHEALTHY", `planref doctor found ${bad.length} problem(s): ${bad.map((c) => c.name).join(", ")}`, {
      hint: bad[0]?.hint ?? "See the checks.",
      data: result as unknown as Record<string, unknown>,
    });
  }
  return result;
}

function lockCheck(repo: NonNullable<AppContext["repo"]>, breakLock: boolean): Check {
  const lock = repo.lock();
  if (!lock) return { name: "lock", status: "ok", message: "no lock on the state ref" };
  const age = Math.round(lock.ageMs / 1000);
  if (lock.ageMs <= STALE_LOCK_MS) {
    return { name: "lock", status: "ok", message: `${lock.path} is held (${age} s): a write is in progress` };
  }
  if (breakLock) {
    const removed = repo.breakLock();
    return { name: "lock", status: removed ? "ok" : "error", message: removed ? `removed stale lock ${lock.path} (${age} s old)` : `could not remove ${lock.path}` };
  }
  return {
    name: "lock",
    status: "error",
    message: `stale lock ${lock.path} is ${age} s old`,
    hint: "If no git or planref process is running, remove it with: planref doctor --break-lock",
  };
}

/** Local state against the last fetched copy of a remote's (no network: as of the last sync or fetch). */
async function divergenceCheck(ctx: AppContext, remote: string, tip: string | null): Promise<Check | null> {
  const theirs = ctx.remotes?.tracking(remote) ?? null;
  if (!ctx.remotes || !theirs) return null;
  const name = `sync ${remote}`;
  if (tip === null) return { name, status: "warn", message: `${remote} has planref state and this repository has none`, hint: "Adopt it: planref init" };
  if (tip === theirs) return { name, status: "ok", message: `in step with ${remote} as last fetched (${tip.slice(0, 12)})` };
  if (!(await ctx.remotes.mergeBase(tip, theirs))) {
    return { name, status: "error", message: `local state and ${remote}'s have different roots`, hint: "They are never merged; keep one (see planref sync's error for how)." };
  }
  const { ahead, behind } = await ctx.remotes.divergence(tip, theirs);
  return {
    name,
    status: ahead > 0 && behind > 0 ? "warn" : "ok",
    message: `${ahead} local operation(s) not on ${remote}, ${behind} of ${remote}'s not here (as last fetched)`,
    hint: "planref sync brings both sides together.",
  };
}
