import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../../bin/planref", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  json: { ok: boolean; data?: any; error?: { code: string; message: string; hint?: string; details?: any } } | null;
}

/** Spawns the real, built binary (npm test builds first). */
export function planref(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; input?: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      let json = null;
      if (args.includes("--json")) {
        try {
          json = JSON.parse(stdout);
        } catch {
          json = null;
        }
      }
      resolve({ code, stdout, stderr, json });
    });
    child.stdin.end(options.input ?? "");
  });
}
