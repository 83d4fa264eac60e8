import type { PlanDoc } from "../schema/types.js";
import { commitInfo } from "./commit.js";
import type { AppContext } from "./context.js";
import { FORMAT_VERSION, PLAN_PATH } from "./state/documents.js";
import { DEFAULT_SETTINGS, readPlan } from "./state/plan.js";
import { syncState } from "./sync.js";
import { PlanrefError, RemoteError, UsageError } from "../errors.js";

export interface InitInput {
  name?: string;
  /**
   * Remote whose existing state to adopt instead of creating a new root (default: the only
   * remote, else origin); false creates new state without asking any remote.
   */
  remote?: string | false;
  /** Also add the state ref to this remote's fetch refspecs, so plain `git fetch` brings it. */
  fetchRefspec?: string;
}

export interface InitResult {
  created: boolean;
  commit: string;
  plan: PlanDoc;
  /** The remote whose state was adopted, when a clone found it there. */
  adoptedFrom?: string;
  refspec?: { remote: string; refspec: string; added: boolean };
  /** Remotes that have no refspec for the state ref yet (init offers to add one). */
  remotesWithoutRefspec?: string[];
}

/**
 * Creates refs/plan/state with plan.yaml. Idempotent: when the state exists it reports it.
 * Two racing inits make one root, because the first commit is published with
 * "ref must not exist" and the loser re-runs this against the winner's state.
 */
export async function initProject(ctx: AppContext, input: InitInput = {}): Promise<InitResult> {
  const result = await createOrAdopt(ctx, input);
  if (!ctx.remotes) return result;
  if (input.fetchRefspec) {
    const names = await ctx.remotes.names();
    if (!names.includes(input.fetchRefspec)) throw new UsageError(`no git remote named "${input.fetchRefspec}"`, { hint: names.length ? `Remotes: ${names.join(", ")}.` : "Add one first: git remote add origin <url>" });
    result.refspec = { remote: input.fetchRefspec, ...(await ctx.remotes.addFetchRefspec(input.fetchRefspec)) };
  }
  if (ctx.repo) {
    const without = (await ctx.repo.remotes()).filter((r) => !r.fetch.some((f) => f.includes("refs/plan/state"))).map((r) => r.name);
    if (without.length) result.remotesWithoutRefspec = without;
  }
  return result;
}

/**
 * A clone does not carry refs/plan/*: when its remote already has state, adopting it keeps
 * one history instead of creating a second root that could never be merged.
 */
async function createOrAdopt(ctx: AppContext, input: InitInput): Promise<InitResult> {
  if (ctx.remotes && input.remote !== false && (await ctx.store.tip()) === null) {
    const names = await ctx.remotes.names();
    if (input.remote && !names.includes(input.remote)) {
      throw new UsageError(`no git remote named "${input.remote}"`, { hint: names.length ? `Remotes: ${names.join(", ")}.` : "This repository has no remotes; run planref init without --remote." });
    }
    const remote = input.remote ?? (names.length === 1 ? names[0] : names.includes("origin") ? "origin" : undefined);
    // An unreachable remote is an error, not "no state": a second root could never be merged with its state.
    if (remote && (await withNewRootHint(() => (ctx.remotes as NonNullable<AppContext["remotes"]>).remoteHasState(remote)))) {
      const synced = await syncState(ctx, { remote });
      const snap = await ctx.store.snapshot();
      return { created: false, commit: synced.tip as string, plan: readPlan(snap), adoptedFrom: remote };
    }
  }
  return createRoot(ctx, input);
}

async function createRoot(ctx: AppContext, input: InitInput): Promise<InitResult> {
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

async function withNewRootHint<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (e) {
    if (e instanceof PlanrefError && e.code === "REMOTE_FAILED") {
      throw new RemoteError(e.message, { hint: `${e.hint ?? ""} To create new state without it (it can never be merged with that remote's): planref init --no-remote`.trim(), data: e.data });
    }
    throw e;
  }
}
