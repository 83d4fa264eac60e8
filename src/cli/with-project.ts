import { processRunner } from "../runtime/command-runner.js";
import { openProject, type Project } from "../runtime/open-project.js";
import type { CliIo, GlobalOptions } from "./io.js";

/** Opens the repository named by -C, runs `fn`, and always flushes caches and stops helpers. */
export async function withProject<T>(globals: GlobalOptions, io: CliIo, fn: (p: Project) => Promise<T>): Promise<T> {
  // With --json, stdout carries exactly one document, so a command's own output goes to stderr.
  const toStdout = (b: Buffer) => (globals.json ? io.stderr(b.toString("utf8")) : io.stdout(b.toString("utf8")));
  const runner = processRunner({ env: io.env, stdout: toStdout, stderr: (b) => io.stderr(b.toString("utf8")), announce: (line) => io.stderr(`${line}\n`) });
  const project = openProject({ cwd: globals.cwd, env: io.env, runner, ...(globals.actor ? { actor: globals.actor } : {}) });
  try {
    return await fn(project);
  } finally {
    await project.close();
  }
}
