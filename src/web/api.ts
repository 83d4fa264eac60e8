/**
 * The board's API: each route is one use case of the project, the same ones the CLI runs.
 * Reads take query parameters; the two writes take a JSON body and go through review and
 * release exactly as `planref review` and `planref release --force` do.
 */
import type { BoardOverview } from "../app/board.js";
import { UsageError } from "../errors.js";
import type { Project } from "../runtime/open-project.js";

export interface ApiRequest {
  method: string;
  url: URL;
  body: unknown;
}

export type Route = (req: ApiRequest) => Promise<unknown>;

const VERDICTS = ["approve", "reject", "request-changes"] as const;
type Verdict = (typeof VERDICTS)[number];

export const WRITE_ROUTES = new Set(["POST /api/review", "POST /api/release"]);

/** `actor` is who the page's writes act as, or null when writes are off. */
export function apiRoutes(project: Project, options: { actor: string | null }): Map<string, Route> {
  // The page would rather show the last waves for a moment than wait for a re-plan of thousands of tasks.
  const overview = coalesced(() => project.board({ waves: "latest" }));
  return new Map<string, Route>([
    ["GET /api/info", async () => ({ writes: options.actor !== null, actor: options.actor })],
    ["GET /api/tip", () => project.boardTip()],
    ["GET /api/board", () => overview()],
    ["GET /api/task", ({ url }) => project.boardTask({ task: required(url, "id") })],
    [
      "GET /api/log",
      ({ url }) =>
        project.log({
          ...optional(url, "actor", "actor"),
          ...optional(url, "task", "task"),
          ...optional(url, "op", "op"),
          limit: limit(url.searchParams.get("limit")),
        }),
    ],
    [
      "POST /api/review",
      async ({ body }) => {
        const b = object(body);
        const verdict = text(b, "verdict") as Verdict;
        if (!VERDICTS.includes(verdict)) throw new UsageError(`verdict must be one of ${VERDICTS.join(", ")}, got "${verdict}"`);
        const note = b.note === undefined || b.note === "" ? undefined : text(b, "note");
        return project.review({ task: text(b, "task"), verdict, ...(note ? { note } : {}) });
      },
    ],
    [
      "POST /api/release",
      async ({ body }) => {
        const b = object(body);
        return project.release({ task: text(b, "task"), force: true, reason: text(b, "reason") });
      },
    ],
  ]);
}

/** Concurrent page loads during one tip move share a single assembly instead of each paying for it. */
function coalesced(make: () => Promise<BoardOverview>): () => Promise<BoardOverview> {
  let inflight: Promise<BoardOverview> | null = null;
  return () => {
    inflight ??= make().finally(() => {
      inflight = null;
    });
    return inflight;
  };
}

function required(url: URL, name: string): string {
  const v = url.searchParams.get(name);
  if (!v) throw new UsageError(`missing query parameter "${name}"`);
  return v;
}

function optional<K extends string>(url: URL, name: string, key: K): Partial<Record<K, string>> {
  const v = url.searchParams.get(name);
  return v ? ({ [key]: v } as Record<K, string>) : {};
}

const MAX_LOG = 1000;

function limit(raw: string | null): number {
  if (raw === null || raw === "") return 200;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_LOG) throw new UsageError(`limit must be a whole number from 1 to ${MAX_LOG}, got "${raw}"`);
  return n;
}

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new UsageError("the request body must be a JSON object");
  return body as Record<string, unknown>;
}

function text(b: Record<string, unknown>, key: string): string {
  const v = b[key];
  if (typeof v !== "string" || !v.trim()) throw new UsageError(`"${key}" must be a non-empty string`);
  return v;
}
