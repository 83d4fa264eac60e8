import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * A smart-HTTP git server on loopback (git's own `http-backend` behind node's http server),
 * so fetch and push run over real HTTP exactly as against a hosted remote. It runs in its
 * own process: tests call git synchronously, which would starve an in-process server.
 */
export interface HttpGitServer {
  url(repo: string): string;
  requests(): Promise<number>;
  close(): Promise<void>;
}

export async function startHttpGitServer(root: string, env: NodeJS.ProcessEnv): Promise<HttpGitServer> {
  const script = fileURLToPath(new URL("./http-git-server.mjs", import.meta.url));
  const child = spawn(process.execPath, [script, root], { env, stdio: ["pipe", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve(Number(out.trim()));
    });
    child.on("exit", (code) => reject(new Error(`http git server exited with ${code}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    url: (repo) => `${base}/${repo}`,
    requests: async () => Number(await (await fetch(`${base}/_requests`)).text()),
    close: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.stdin.end();
      }),
  };
}
