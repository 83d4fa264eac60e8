import { basename } from "node:path";
import type { AppContext } from "../app/context.js";
import { type DoctorInput, runDoctor } from "../app/doctor.js";
import { type InitInput, initProject } from "../app/init.js";
import { auditLog, type LogQuery } from "../app/log.js";
import { createRegistry, SCHEMA_KEY } from "../app/state/documents.js";
import { getStatus } from "../app/status.js";
import { discoverRepository, type RepoLocation } from "../store/git/discover.js";
import { GitHealth } from "../store/git/health.js";
import { GitStore } from "../store/git-store.js";
import { type ActorInput, resolveActor } from "./identity.js";

export const STATE_REF = "refs/plan/state";

export interface OpenProjectOptions extends ActorInput {
  /** Directory to start discovery from; defaults to process.cwd(). */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Injected clock for deterministic callers (importers, tests). */
  now?: () => Date;
  useDiskCache?: boolean;
}

/** The composition root: a repository's planref state with every use case bound to it. */
export interface Project {
  readonly location: RepoLocation;
  readonly context: AppContext;
  readonly store: GitStore;
  init(input?: InitInput): ReturnType<typeof initProject>;
  status(): ReturnType<typeof getStatus>;
  log(query?: LogQuery): ReturnType<typeof auditLog>;
  doctor(input?: DoctorInput): ReturnType<typeof runDoctor>;
  close(): Promise<void>;
}

export function openProject(options: OpenProjectOptions = {}): Project {
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
    now: options.now ?? (() => new Date()),
    // Resolved on first use: read-only commands never need it.
    get actor() {
      actor ??= resolveActor(options, location.commonDir, env);
      return actor;
    },
    repo: new GitHealth(location.commonDir, STATE_REF),
    defaultProjectName: basename(top.replace(/\/\.git$/, "")).replace(/\.git$/, "") || "project",
  };
  return {
    location,
    context,
    store,
    init: (input) => initProject(context, input),
    status: () => getStatus(context),
    log: (query) => auditLog(context, query),
    doctor: (input) => runDoctor(context, input),
    close: () => store.close(),
  };
}
