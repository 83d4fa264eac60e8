import { AsyncLocalStorage } from "node:async_hooks";
import { spawn } from "node:child_process";
import type { CommandOutcome, CommandRunner } from "../app/context.js";

/** How often a running command reports progress (which also keeps a client's request timeout alive). */
const PROGRESS_MS = 5_000;
/** How long a cancelled command gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 2_000;

/** What one tool call adds to the commands it runs: cancellation and progress. */
export interface RunScope {
  signal?: AbortSignal;
  progress?: (message: string) => void;
}

/** Carries the calling request's scope down through the use case into the runner. */
export const runScope = new AsyncLocalStorage<RunScope>();

/**
 * Runs commands for `planref_run` and `planref_verify` with their output captured, never
 * streamed: stdout is the protocol, and stdin is the client's pipe, so the child gets
 * neither (stdin is /dev/null). Each command leads its own process group, so a cancelled
 * call stops the whole tree, not just the shell.
 */
export function capturingRunner(options: { env: NodeJS.ProcessEnv; log: (line: string) => void }): CommandRunner {
  return {
    announce: options.log,
    // Loaded on first use, with the rest of the project code (see server.ts).
    run: async (command, { cwd }) => {
      const { exitStatus, OutputCapture } = await import("../runtime/output-capture.js");
      return new Promise<CommandOutcome>((resolve) => {
        const scope = runScope.getStore() ?? {};
        const started = performance.now();
        const spawnOptions = { cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] as ["ignore", "pipe", "pipe"], detached: true };
        const child = typeof command === "string" ? spawn(command, { ...spawnOptions, shell: true }) : spawn(command[0] as string, command.slice(1), spawnOptions);
        const label = typeof command === "string" ? command : command.join(" ");
        const capture = new OutputCapture();
        const take = (chunk: Buffer) => capture.take(chunk);
        child.stdout.on("data", take);
        child.stderr.on("data", take);

        let note: string | null = null;
        const killGroup = (signal: NodeJS.Signals) => {
          try {
            if (child.pid !== undefined) process.kill(-child.pid, signal);
          } catch {
            /* already gone */
          }
        };
        let hardKill: NodeJS.Timeout | undefined;
        const onAbort = () => {
          note ??= `planref: cancelled by the client after ${Math.round((performance.now() - started) / 1000)} s\n`;
          killGroup("SIGTERM");
          hardKill = setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS);
          hardKill.unref();
        };
        if (scope.signal?.aborted) onAbort();
        else scope.signal?.addEventListener("abort", onAbort, { once: true });
        const ticker = scope.progress
          ? setInterval(() => scope.progress?.(`${label}: running for ${Math.round((performance.now() - started) / 1000)} s`), PROGRESS_MS)
          : undefined;

        let failed: string | null = null;
        child.on("error", (e) => {
          failed = `planref: could not start ${typeof command === "string" ? command : command[0]}: ${e.message}\n`;
        });
        child.on("close", (code, signal) => {
          clearInterval(ticker);
          clearTimeout(hardKill);
          scope.signal?.removeEventListener("abort", onAbort);
          if (failed) take(Buffer.from(failed));
          if (note) take(Buffer.from(note));
          resolve({
            exitCode: failed ? 127 : exitStatus(code, signal),
            durationMs: performance.now() - started,
            ...capture.finish(),
          });
        });
      });
    },
  };
}
