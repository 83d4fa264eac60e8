/// <reference lib="dom" />
/** The board's API, in the CLI's --json envelope; a refusal keeps its code and hint for the page to show. */

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string | undefined,
  ) {
    super(message);
  }
}

const TOKEN_KEY = "planref-board-token";

/** The token arrives in the link's fragment (never sent to a server); it is kept for this tab only. */
export function adoptTokenFromLink(): void {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!m) return;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1] as string));
  history.replaceState(null, "", location.pathname + location.search);
}

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string): void {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

async function unwrap<T>(res: Response): Promise<T> {
  let body: { ok: boolean; data?: T; error?: { code: string; message: string; hint?: string } };
  try {
    body = await res.json();
  } catch {
    throw new ApiError("INTERNAL", `the board answered ${res.status} without JSON`, undefined);
  }
  if (!body.ok) throw new ApiError(body.error?.code ?? "INTERNAL", body.error?.message ?? `HTTP ${res.status}`, body.error?.hint);
  return body.data as T;
}

export async function get<T>(path: string, params: Record<string, string> = {}): Promise<T> {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== ""));
  const query = q.toString();
  const res = await fetch(query ? `${path}?${query}` : path, { cache: "no-store" });
  return unwrap<T>(res);
}

export async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Planref-Token": token() ?? "" },
    body: JSON.stringify(body),
  });
  return unwrap<T>(res);
}
