import { openProject, type Project } from "../runtime/open-project.js";
import type { CliIo, GlobalOptions } from "./io.js";

/** Opens the repository named by -C, runs `fn`, and always flushes caches and stops helpers. */
export async function withProject<T>(globals: GlobalOptions, io: CliIo, fn: (p: Project) => Promise<T>): Promise<T> {
  const project = openProject({ cwd: globals.cwd, env: io.env, ...(globals.actor ? { actor: globals.actor } : {}) });
  try {
    return await fn(project);
  } finally {
    await project.close();
  }
}
