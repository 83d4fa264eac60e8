import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { NotFoundError, type PlanrefError, toPlanrefError, UsageError } from "../errors.js";
import type { Asset } from "./assets.js";
import { type ApiRequest, type Route, WRITE_ROUTES } from "./api.js";
import { refuseForeign, refuseWrite, TOKEN_HEADER } from "./guard.js";
import { send, sendData, sendError } from "./respond.js";

export const HOST = "127.0.0.1";
const MAX_BODY = 64 * 1024;

export interface BoardServerOptions {
  port: number;
  routes: Map<string, Route>;
  assets: Map<string, Asset>;
  allowWrites: boolean;
  /** The per-run write token; null when writes are off. */
  token: string | null;
  log: (line: string) => void;
}

/** Listens on loopback only; resolves with the port actually bound (port 0 picks a free one). */
export async function listen(options: BoardServerOptions): Promise<{ server: Server; port: number }> {
  let port = options.port;
  const server = createServer((req, res) => {
    handle(req, res, port, options).catch((e: unknown) => {
      options.log(`internal error: ${e instanceof Error ? e.stack : String(e)}`);
      if (!res.headersSent) sendError(res, toPlanrefError(e));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => reject(listenError(e, options.port)));
    server.listen(options.port, HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return { server, port };
}

function listenError(e: NodeJS.ErrnoException, port: number): PlanrefError {
  if (e.code === "EADDRINUSE") return new UsageError(`port ${port} is already in use on ${HOST}`, { hint: "Pick another with --port, or --port 0 for any free port.", cause: e });
  if (e.code === "EACCES") return new UsageError(`not allowed to listen on port ${port}`, { hint: "Ports below 1024 need privileges; use --port 0 for any free port.", cause: e });
  return toPlanrefError(e);
}

async function handle(req: IncomingMessage, res: ServerResponse, port: number, options: BoardServerOptions): Promise<void> {
  const refused = refuseForeign({ host: req.headers.host, origin: header(req, "origin") }, port);
  if (refused) {
    // Drain so the refusal reaches a client still sending a body.
    req.resume();
    return sendError(res, refused);
  }
  const url = new URL(req.url ?? "/", `http://${HOST}:${port}`);
  const method = req.method ?? "GET";
  const asset = options.assets.get(url.pathname);
  if (asset && (method === "GET" || method === "HEAD")) return send(res, 200, asset.type, method === "HEAD" ? "" : asset.body, { "Cache-Control": "no-cache" });
  const key = `${method} ${url.pathname}`;
  const route = options.routes.get(key);
  if (!route) {
    req.resume();
    const known = [...options.routes.keys()].some((k) => k.endsWith(` ${url.pathname}`));
    return sendError(
      res,
      known
        ? new UsageError(`${method} is not allowed on ${url.pathname}`, { data: { method, path: url.pathname } })
        : new NotFoundError("NOT_FOUND", `no such page or endpoint: ${url.pathname}`, { hint: "The board is at / and its API under /api/.", data: { method, path: url.pathname } }),
    );
  }
  const write = WRITE_ROUTES.has(key);
  if (write) {
    const denied = refuseWrite(header(req, TOKEN_HEADER), options.allowWrites, options.token);
    if (denied) {
      req.resume();
      return sendError(res, denied);
    }
  }
  try {
    const request: ApiRequest = { method, url, body: write ? await readJson(req) : undefined };
    const data = await route(request);
    if (write) options.log(`${key} ${JSON.stringify(request.body)}`);
    sendData(res, data);
  } catch (e) {
    sendError(res, toPlanrefError(e));
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Writes carry JSON: a cross-site form cannot send that content type without a CORS preflight the board never grants. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) {
    req.resume();
    throw new UsageError("a write must send Content-Type: application/json");
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new UsageError(`the request body is over ${MAX_BODY} bytes`);
    chunks.push(c as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new UsageError("the request body is not valid JSON");
  }
}
