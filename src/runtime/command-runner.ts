import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import type { CommandOutcome, CommandRunner } from "../app/context.js";

const KEEP_BYTES = 256 * 1024;

/**
 * Runs commands the way a terminal would (a single string through the shell, an argv
 * directly), streaming output to the user while hashing all of it and keeping the end.
 */
export function processRunner(options: { env: NodeJS.ProcessEnv; stdout: (b: Buffer) => void; stderr: (b: Buffer) => void; announce: (line: string) => void }): CommandRunner {
  return {
    announce: options.announce,
    run: (command, { cwd }) =>
      new Promise<CommandOutcome>((resolve) => {
        const started = performance.now();
        const child =
          typeof command === "string"
            ? spawn(command, { cwd, env: options.env, shell: true, stdio: ["inherit", "pipe", "pipe"] })
            : spawn(command[0] as string, command.slice(1), { cwd, env: options.env, stdio: ["inherit", "pipe", "pipe"] });
        const hash = createHash("sha256");
        let kept: Buffer[] = [];
        let keptBytes = 0;
        let total = 0;
        const take = (chunk: Buffer, forward: (b: Buffer) => void) => {
          forward(chunk);
          hash.update(chunk);
          total += chunk.length;
          kept.push(chunk);
          keptBytes += chunk.length;
          if (keptBytes > KEEP_BYTES * 2) {
            const all = Buffer.concat(kept).subarray(-KEEP_BYTES);
            kept = [all];
            keptBytes = all.length;
          }
        };
        child.stdout?.on("data", (c: Buffer) => take(c, options.stdout));
        child.stderr?.on("data", (c: Buffer) => take(c, options.stderr));
        let failed: string | null = null;
        child.on("error", (e) => {
          failed = `planref: could not start ${typeof command === "string" ? command : command[0]}: ${e.message}\n`;
        });
        child.on("close", (code, signal) => {
          if (failed) take(Buffer.from(failed), options.stderr);
          resolve({
            exitCode: failed ? 127 : code ?? (signal ? 128 + (signalNumber(signal) ?? 0) : null),
            durationMs: performance.now() - started,
            output: Buffer.concat(kept).subarray(-KEEP_BYTES).toString("utf8"),
            outputSha256: hash.digest("hex"),
            outputBytes: total,
          });
        });
      }),
  };
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return ({ SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal];
}
