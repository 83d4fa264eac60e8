import { type UseCases, useCases } from "../app/index.js";
import type { AppContext } from "../app/context.js";
import type { RepoLocation } from "../store/git/discover.js";
import type { GitStore } from "../store/git-store.js";
import { type Bound, bindUseCases, createProjectContext, type OpenProjectOptions } from "./project-context.js";

export { discoverRepository } from "../store/git/discover.js";
export { type OpenProjectOptions, STATE_REF } from "./project-context.js";

/** The composition root: a repository's planref state with every use case bound to it. */
export type Project = Bound<UseCases> & {
  readonly location: RepoLocation;
  readonly context: AppContext;
  readonly store: GitStore;
  close(): Promise<void>;
};

export function openProject(options: OpenProjectOptions = {}): Project {
  const { location, context, store } = createProjectContext(options);
  return { ...bindUseCases(useCases, context), location, context, store, close: () => store.close() };
}
