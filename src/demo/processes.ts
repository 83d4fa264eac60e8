import { spawn } from "node:child_process";

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion and collects its output; a non-zero exit is a result, not an error. */
export function runProgram(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; input?: string }): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
    // A child that exits without reading its input must not fail the write.
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}

/** A shell command, as an agent's Bash tool runs it. */
export function runShell(command: string, options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Finished> {
  return runProgram("sh", ["-c", command], options);
}

/** Runs git and fails loudly: the demo's own git steps have no expected failures. */
export async function git(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<string> {
  const r = await runProgram("git", args, options);
  if (r.code !== 0) throw new Error(`git ${args.join(" ")} failed (exit ${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}
