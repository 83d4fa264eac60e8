import { guardEdit, recordObserved, sessionContext, stopReminder } from "../app/agent-hooks.js";
import type { RepoLocation } from "../store/git/discover.js";
import { type Bound, bindUseCases, createProjectContext, type OpenProjectOptions } from "./project-context.js";

export { discoverRepository } from "../store/git/discover.js";

const hookCases = { guardEdit, recordObserved, sessionContext, stopReminder };

/** A project with only what agent hooks call: a hook starts on every tool use, so it loads none of the other use cases. */
export type HookProject = Bound<typeof hookCases> & {
  readonly location: RepoLocation;
  close(): Promise<void>;
};

export function openHookProject(options: OpenProjectOptions = {}): HookProject {
  const { location, context, store } = createProjectContext(options);
  return { ...bindUseCases(hookCases, context), location, close: () => store.close() };
}
