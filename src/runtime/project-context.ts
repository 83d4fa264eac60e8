import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { basename } from "node:path";
import type { AppContext } from "../app/context.js";
import { createRegistry, SCHEMA_KEY } from "../app/state/documents.js";
import { UsageError } from "../errors.js";
import { discoverRepository, type RepoLocation } from "../store/git/discover.js";
import { GitHealth } from "../store/git/health.js";
import { GitRemotes } from "../store/git/remote.js";
import { currentBranch, GitWorkspace } from "../store/git/workspace.js";
import { GitStore } from "../store/git-store.js";
import { processRunner } from "./command-runner.js";
import { type ActorInput, resolveActor } from "./identity.js";
import { fileLeaseMemory } from "./lease-memory.js";

export const STATE_REF = "refs/plan/state";

export interface OpenProjectOptions extends ActorInput {
  /** Runs commands for `run` and `verify`; the CLI passes one that streams to the terminal. */
  runner?: AppContext["runner"];
  /** Directory to start discovery from; defaults to process.cwd(). */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Injected clock for deterministic callers (importers, tests). */
  now?: () => Date;
  useDiskCache?: boolean;
  /**
   * The process serves one request and exits (a hook): git facts about a worktree (HEAD,
   * untracked files) are read once and reused within it.
   */
  oneShot?: boolean;
}

/** Use cases as a project offers them: the context is bound, the rest of the arguments stay. */
export type Bound<T> = { [K in keyof T]: T[K] extends (ctx: AppContext, ...args: infer A) => infer R ? (...args: A) => R : never };

export interface ProjectContext {
  location: RepoLocation;
  context: AppContext;
  store: GitStore;
}

/** Everything a use case needs from a repository, wired once; which use cases it serves is the caller's choice. */
export function createProjectContext(options: OpenProjectOptions = {}): ProjectContext {
  const env = options.env ?? process.env;
  const location = discoverRepository(options.cwd ?? process.cwd(), env);
  const store = new GitStore({
    location,
    registry: createRegistry(),
    ref: STATE_REF,
    cacheKey: SCHEMA_KEY,
    ...(options.useDiskCache === undefined ? {} : { useDiskCache: options.useDiskCache }),
  });
  const top = location.workTree ?? location.commonDir;
  let actor: AppContext["actor"] | null = null;
  const context: AppContext = {
    store,
    now: options.now ?? clockFromEnv(env),
    // Resolved on first use: read-only commands never need it.
    get actor() {
      actor ??= resolveActor(options, location.commonDir, env);
      return actor;
    },
    repo: new GitHealth(location.commonDir, STATE_REF),
    newId: () => randomId(),
    session: {
      host: hostname(),
      worktree: location.workTree,
      branch: currentBranch(location.gitDir),
      ...(env.PLANREF_SESSION ?? env.CLAUDE_SESSION_ID ? { id: (env.PLANREF_SESSION ?? env.CLAUDE_SESSION_ID) as string } : {}),
      ...(env.PLANREF_MODEL ? { model: env.PLANREF_MODEL } : {}),
    },
    workspace: new GitWorkspace(location, env, { oneShot: options.oneShot === true }),
    leases: fileLeaseMemory(location.gitDir),
    remotes: new GitRemotes(location.commonDir, STATE_REF, location.workTree ?? location.commonDir, env),
    runner: options.runner ?? processRunner({ env, stdout: () => {}, stderr: () => {}, announce: () => {} }),
    defaultProjectName: basename(top.replace(/\/\.git$/, "")).replace(/\.git$/, "") || "project",
  };
  return { location, context, store };
}

/** Binds `cases` to a context: each becomes a function of its remaining arguments. */
export function bindUseCases<T extends object>(cases: T, context: AppContext): Bound<T> {
  return Object.fromEntries(
    Object.entries(cases).map(([name, fn]) => [name, (...args: unknown[]) => (fn as (c: AppContext, ...a: unknown[]) => unknown)(context, ...args)]),
  ) as Bound<T>;
}

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** 8 characters of Crockford-style base32: 40 random bits, so ids minted on different machines do not collide in practice. */
function randomId(): string {
  const bytes = randomBytes(8);
  let out = "";
  for (let i = 0; i < 8; i++) out += ALPHABET[(bytes[i] as number) & 31];
  return out;
}

/**
 * PLANREF_NOW pins the clock (an ISO time), like GIT_AUTHOR_DATE does for git: for
 * reproducible demos and for testing lease expiry without sleeping.
 */
function clockFromEnv(env: NodeJS.ProcessEnv): () => Date {
  const pinned = env.PLANREF_NOW;
  if (!pinned) return () => new Date();
  const t = Date.parse(pinned);
  if (Number.isNaN(t)) throw new UsageError(`PLANREF_NOW="${pinned}" is not an ISO date-time`, { hint: "For example PLANREF_NOW=2026-01-02T03:04:05Z, or unset it." });
  return () => new Date(t);
}
