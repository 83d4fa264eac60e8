/**
 * Who may talk to the board. It listens on loopback only, but a web page on any site can
 * still reach loopback through a DNS name rebound to 127.0.0.1: such requests carry that
 * name in Host (and the site in Origin), so anything not addressed to this board by its own
 * address is refused. Writes also need the per-run token, which no other page can read.
 */
import { timingSafeEqual } from "node:crypto";
import { PlanrefError } from "../errors.js";

export const TOKEN_HEADER = "x-planref-token";

export interface RequestFacts {
  host: string | undefined;
  origin: string | undefined;
}

function forbidden(reason: string, message: string, hint: string): PlanrefError {
  return new PlanrefError("FORBIDDEN", message, { hint, data: { reason } });
}

/** The names this board answers to: its own loopback address and `localhost`, on its port. */
export function ownHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** Null when the request is addressed to this board; otherwise the refusal to send. */
export function refuseForeign(req: RequestFacts, port: number): PlanrefError | null {
  const hosts = ownHosts(port);
  const host = req.host?.toLowerCase();
  if (!host || !hosts.includes(host)) {
    return forbidden("host", `refused: Host "${req.host ?? ""}" is not this board (${hosts.join(" or ")})`, `Open http://${hosts[0]}/ directly; the board answers only to its own address (a defence against DNS rebinding).`);
  }
  if (req.origin !== undefined && !hosts.some((h) => req.origin?.toLowerCase() === `http://${h}`)) {
    return forbidden("origin", `refused: Origin "${req.origin}" is not this board (http://${hosts[0]})`, "Only the board's own page may call its API.");
  }
  return null;
}

/** Null when a write may go ahead: writes are on and the request carries this run's token. */
export function refuseWrite(given: string | undefined, allowWrites: boolean, token: string | null): PlanrefError | null {
  if (!allowWrites || token === null) {
    return forbidden("read-only", "refused: this board is read-only", "Restart it with planref serve --allow-writes to review and release from the page, or use the CLI.");
  }
  const a = Buffer.from(given ?? "");
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return forbidden("token", given ? "refused: wrong write token" : `refused: a write needs the token planref serve printed, in the ${TOKEN_HEADER} header`, "Open the link planref serve printed (it carries the token), or paste the token into the page.");
  }
  return null;
}
