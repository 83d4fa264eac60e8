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

export interface Envelope<T> {
  ok: boolean;
  data?: T;
  error?: { code: string; message: string; hint?: string; details?: Record<string, unknown> };
}

export interface CliResult<T> {
  code: number | null;
  envelope: Envelope<T>;
  stderr: string;
}

/** The built planref binary, run the way an agent runs it: a new process per command. */
export class PlanrefBinary {
  constructor(private readonly bin: string) {}

  /** Runs `planref <args> --json` and parses the one JSON document it prints. */
  async json<T>(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliResult<T>> {
    const r = await runProgram(process.execPath, [this.bin, ...args, "--json"], options);
    let envelope: Envelope<T>;
    try {
      envelope = JSON.parse(r.stdout) as Envelope<T>;
    } catch {
      throw new Error(`planref ${args.join(" ")} printed no JSON (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
    }
    return { code: r.code, envelope, stderr: r.stderr };
  }

  /** `planref hook claude <event>` with the payload on stdin, as Claude Code calls it. */
  hook(event: string, payload: object, options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Finished> {
    return runProgram(process.execPath, [this.bin, "hook", "claude", event], { ...options, input: JSON.stringify(payload) });
  }

  text(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Finished> {
    return runProgram(process.execPath, [this.bin, ...args], options);
  }
}
