import type { DocStore } from "../store/types.js";

export interface Actor {
  name: string;
  email: string;
  /** agent, human, ... as declared by the caller. */
  kind: string;
}

/** Git facts the doctor reports; supplied by the runtime so use cases stay free of git. */
export interface RepoHealth {
  gitVersion(): Promise<string>;
  lock(): { path: string; ageMs: number } | null;
  breakLock(): boolean;
  looseObjects(): Promise<{ count: number; sizeKiB: number }>;
  remotes(): Promise<Array<{ name: string; url: string; fetch: string[] }>>;
  commonDir: string;
}

/** Everything a use case needs from outside: the store, the clock and who is acting. */
export interface AppContext {
  store: DocStore;
  now(): Date;
  actor: Actor;
  repo?: RepoHealth;
  /** A new random id fragment, unique across machines (task ids made outside a PRD). */
  newId(): string;
  /** Default project name for init (the repository's directory name). */
  defaultProjectName?: string;
}
