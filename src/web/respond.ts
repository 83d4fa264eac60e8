import type { ServerResponse } from "node:http";
import { ERROR_CATALOG, type ExitKind, type PlanrefError } from "../errors.js";

/** Pages never frame the board, load foreign code or leak its address; the API is never cached. */
const COMMON_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

const STATUS_BY_EXIT: Record<ExitKind, number> = {
  ok: 200,
  internal: 500,
  usage: 400,
  conflict: 409,
  notFound: 404,
  validation: 422,
  gate: 409,
  sync: 502,
};

export function httpStatus(err: PlanrefError): number {
  if (err.code === "FORBIDDEN") return 403;
  return STATUS_BY_EXIT[ERROR_CATALOG[err.code].exit];
}

export function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...COMMON_HEADERS, "Content-Type": type, "Content-Length": Buffer.byteLength(body), ...extra });
  res.end(body);
}

/** The CLI's --json envelope, so scripts read the board's API the way they read planref --json. */
export function sendData(res: ServerResponse, data: unknown): void {
  send(res, 200, "application/json; charset=utf-8", JSON.stringify({ ok: true, data }), { "Cache-Control": "no-store" });
}

export function sendError(res: ServerResponse, err: PlanrefError): void {
  send(res, httpStatus(err), "application/json; charset=utf-8", JSON.stringify({ ok: false, error: err.toJSON() }), { "Cache-Control": "no-store" });
}
