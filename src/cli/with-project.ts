import { processRunner } from "../runtime/command-runner.js";
import { openProject, type Project } from "../runtime/open-project.js";
import type { CliIo, GlobalOptions } from "./io.js";
import { NotFoundError } from "../errors.js";

/** No local state but a remote has some: say so, and how to get it. */
async function withRemoteHint(project: Project, e: NotFoundError): Promise<NotFoundError> {
  const remotes = await project.remotesWithState().catch(() => []);
  if (remotes.length === 0) return e;
  const r = remotes[0] as string;
  return new NotFoundError("STATE_NOT_INITIALIZED", `${e.message}, but ${r} has planref state`, {
    hint: `Fetch and adopt it: planref init (or planref sync ${r}).`,
    data: { remotesWithState: remotes },
  });
}

/** Opens the repository named by -C, runs `fn`, and always flushes caches and stops helpers. */
export async function withProject<T>(globals: GlobalOptions, io: CliIo, fn: (p: Project) => Promise<T>): Promise<T> {
  // With --json, stdout carries exactly one document, so a command's own output goes to stderr.
  const toStdout = (b: Buffer) => (globals.json ? io.stderr(b.toString("utf8")) : io.stdout(b.toString("utf8")));
  const runner = processRunner({ env: io.env, stdout: toStdout, stderr: (b) => io.stderr(b.toString("utf8")), announce: (line) => io.stderr(`${line}\n`) });
  const project = openProject({ cwd: globals.cwd, env: io.env, runner, ...(globals.actor ? { actor: globals.actor } : {}) });
  try {
    return await fn(project);
  } catch (e) {
    if (e instanceof NotFoundError && e.code === "STATE_NOT_INITIALIZED") throw await withRemoteHint(project, e);
    throw e;
  } finally {
    await project.close();
  }
}
