import { spawn } from "node:child_process";
import type { CommandOutcome, CommandRunner } from "../app/context.js";
import { exitStatus, OutputCapture } from "./output-capture.js";


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
        const capture = new OutputCapture();
        const take = (chunk: Buffer, forward: (b: Buffer) => void) => {
          forward(chunk);
          capture.take(chunk);
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
            exitCode: failed ? 127 : exitStatus(code, signal),
            durationMs: performance.now() - started,
            ...capture.finish(),
          });
        });
      }),
  };
}
