/**
 * `planref serve`: the board. One project stays open for the server's life; every request
 * reads the ref again (another worktree, the CLI or a sync may have moved it), and the
 * store's caches keyed by commit keep unchanged tips cheap.
 */
import { randomBytes } from "node:crypto";
import { openProject } from "../runtime/open-project.js";
import { apiRoutes } from "./api.js";
import { loadAssets } from "./assets.js";
import { HOST, listen } from "./server.js";

export interface BoardOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Who acts for the page's writes (default: $PLANREF_ACTOR, else the git user). */
  actor?: string;
  port: number;
  allowWrites: boolean;
  log: (line: string) => void;
}

export interface RunningBoard {
  /** The page's address; with writes on, its fragment carries the token (fragments never reach a server log). */
  url: string;
  port: number;
  token: string | null;
  close(): Promise<void>;
}

export async function startBoard(options: BoardOptions): Promise<RunningBoard> {
  const assets = loadAssets();
  const project = openProject({ cwd: options.cwd, env: options.env, ...(options.actor ? { actor: options.actor } : {}) });
  const token = options.allowWrites ? randomBytes(24).toString("base64url") : null;
  try {
    // Resolved now, so a missing identity stops the start rather than the first review.
    const actor = options.allowWrites ? project.context.actor.name : null;
    const { server, port } = await listen({ port: options.port, routes: apiRoutes(project, { actor }), assets, allowWrites: options.allowWrites, token, log: options.log });
    // The first page load at thousands of tasks plans the waves; do it before anyone asks.
    void project.board().catch(() => {});
    const base = `http://${HOST}:${port}/`;
    return {
      url: token ? `${base}#token=${token}` : base,
      port,
      token,
      close: async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await project.close();
      },
    };
  } catch (e) {
    await project.close();
    throw e;
  }
}
