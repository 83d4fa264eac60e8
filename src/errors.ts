/**
 * The one error model of planref. Every failure that reaches a user carries a stable
 * `code` from ERROR_CATALOG, the exit code that code maps to, a `hint` naming the next
 * step, and structured `data`. Front ends translate these at their edge, nowhere else.
 */

export const EXIT_CODES = {
  ok: 0,
  internal: 1,
  usage: 2,
  conflict: 3,
  notFound: 4,
  validation: 5,
  gate: 6,
  sync: 7,
} as const;

export type ExitKind = keyof typeof EXIT_CODES;

interface CatalogEntry {
  readonly exit: ExitKind;
  readonly summary: string;
}

/** Every error code planref can emit. docs/errors.md is generated from this table. */
export const ERROR_CATALOG = {
  INTERNAL: { exit: "internal", summary: "An unexpected failure inside planref; the message says where." },
  GIT_FAILED: { exit: "internal", summary: "A git command planref ran failed unexpectedly." },
  USAGE: { exit: "usage", summary: "The command line is malformed: unknown flag, missing argument, bad value." },
  NOT_A_REPOSITORY: { exit: "notFound", summary: "The directory is not inside a git repository." },
  STATE_NOT_INITIALIZED: { exit: "notFound", summary: "The repository has no refs/plan/state yet." },
  NOT_FOUND: { exit: "notFound", summary: "A named task, spec or document does not exist." },
  AMBIGUOUS_ID: { exit: "usage", summary: "An id prefix matches more than one entity." },
  FORBIDDEN: { exit: "usage", summary: "The board refused a request: its Host or Origin is not the board's own address, a write came without the run's token, or writes are off." },
  VALIDATION_FAILED: { exit: "validation", summary: "A document, file or input failed validation; details list every issue with its place." },
  INVALID_STATE: { exit: "validation", summary: "The state ref holds a document that is invalid; details name path and commit." },
  FORMAT_VERSION: { exit: "validation", summary: "plan.yaml declares a format version this planref does not read." },
  UNSUPPORTED_REPOSITORY: { exit: "usage", summary: "The repository or git installation lacks something planref needs (git >= 2.31, SHA-1 objects, files ref backend)." },
  INVALID_TRANSITION: { exit: "conflict", summary: "The entity is not in a state that allows this operation." },
  CLAIM_CONFLICT: { exit: "conflict", summary: "The task is claimed by someone else, or the claim's scope overlaps a live claim." },
  LEASE_LOST: { exit: "conflict", summary: "The caller's claim epoch is no longer current: its lease expired or was taken over." },
  REF_CONFLICT: { exit: "conflict", summary: "The state ref kept moving; compare-and-swap retries were exhausted." },
  REF_LOCKED: { exit: "conflict", summary: "Another process holds git's lock on the state ref for too long." },
  GATE_REFUSED: { exit: "gate", summary: "A readiness or done gate does not hold; details say what is missing." },
  UNHEALTHY: { exit: "validation", summary: "planref doctor found problems; details list every check with its hint." },
  REMOTE_FAILED: { exit: "sync", summary: "Fetching from or pushing to a remote failed." },
  REMOTE_REJECTED: { exit: "sync", summary: "The remote refused the push for a reason other than a race (a hook or permission); nothing local changed." },
  REMOTE_INVALID: { exit: "sync", summary: "The remote's state holds an invalid document; it was not adopted, details name path and commit." },
  SYNC_UNRELATED: { exit: "sync", summary: "Local and remote state have different roots; they are never merged." },
  SYNC_RETRIES: { exit: "sync", summary: "The remote kept moving while syncing; fetch-integrate-push retries were exhausted." },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** One problem found while validating; `path` is a document or file, `pointer` a JSON pointer inside it. */
export interface Issue {
  message: string;
  path?: string;
  line?: number;
  column?: number;
  pointer?: string;
  commit?: string;
  hint?: string;
  severity?: "error" | "warning";
}

export interface ErrorOptions<D> {
  hint?: string;
  data?: D;
  cause?: unknown;
}

export class PlanrefError<D extends object = Record<string, unknown>> extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly data: D;

  constructor(code: ErrorCode, message: string, options: ErrorOptions<D> = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.data = options.data ?? ({} as D);
  }

  get exitCode(): number {
    return EXIT_CODES[ERROR_CATALOG[this.code].exit];
  }

  toJSON(): { code: ErrorCode; message: string; hint?: string; details: D } {
    const out: { code: ErrorCode; message: string; hint?: string; details: D } = {
      code: this.code,
      message: this.message,
      details: this.data,
    };
    if (this.hint !== undefined) out.hint = this.hint;
    return out;
  }
}

export class UsageError extends PlanrefError {
  constructor(message: string, options: ErrorOptions<Record<string, unknown>> = {}) {
    super("USAGE", message, options);
  }
}

export class NotFoundError extends PlanrefError {
  constructor(
    code: "NOT_FOUND" | "NOT_A_REPOSITORY" | "STATE_NOT_INITIALIZED",
    message: string,
    options: ErrorOptions<Record<string, unknown>> = {},
  ) {
    super(code, message, options);
  }
}

export class AmbiguousIdError extends PlanrefError<{ prefix: string; candidates: string[] }> {
  constructor(kind: string, prefix: string, candidates: string[]) {
    super("AMBIGUOUS_ID", `${kind} id "${prefix}" is ambiguous: ${candidates.join(", ")}`, {
      hint: "Use a longer prefix or the full id.",
      data: { prefix, candidates },
    });
  }
}

export class ValidationError extends PlanrefError<{ issues: Issue[] }> {
  constructor(
    message: string,
    issues: Issue[],
    options: { hint?: string; code?: "VALIDATION_FAILED" | "INVALID_STATE" | "FORMAT_VERSION"; cause?: unknown } = {},
  ) {
    super(options.code ?? "VALIDATION_FAILED", message, {
      hint: options.hint,
      data: { issues },
      cause: options.cause,
    });
  }

  get issues(): Issue[] {
    return this.data.issues;
  }
}

export class UnsupportedRepositoryError extends PlanrefError {
  constructor(message: string, options: ErrorOptions<Record<string, unknown>> = {}) {
    super("UNSUPPORTED_REPOSITORY", message, options);
  }
}

export class InvalidTransitionError extends PlanrefError<{ entity: string; id: string; from: string; operation: string }> {
  constructor(entity: string, id: string, from: string, operation: string, hint?: string) {
    super("INVALID_TRANSITION", `${entity} ${id} is ${from}; cannot ${operation}`, {
      hint,
      data: { entity, id, from, operation },
    });
  }
}

export class ClaimConflictError extends PlanrefError {
  constructor(message: string, options: ErrorOptions<Record<string, unknown>> = {}) {
    super("CLAIM_CONFLICT", message, options);
  }
}

export class LeaseLostError extends PlanrefError {
  constructor(message: string, options: ErrorOptions<Record<string, unknown>> = {}) {
    super("LEASE_LOST", message, options);
  }
}

export class GateRefusedError extends PlanrefError {
  constructor(message: string, options: ErrorOptions<Record<string, unknown>> = {}) {
    super("GATE_REFUSED", message, options);
  }
}

export class RefConflictError extends PlanrefError {
  constructor(
    code: "REF_CONFLICT" | "REF_LOCKED",
    message: string,
    options: ErrorOptions<Record<string, unknown>> = {},
  ) {
    super(code, message, options);
  }
}

export class RemoteError extends PlanrefError {
  constructor(message: string, options: ErrorOptions<Record<string, unknown>> & { code?: "REMOTE_FAILED" | "REMOTE_REJECTED" | "REMOTE_INVALID" | "SYNC_UNRELATED" | "SYNC_RETRIES" } = {}) {
    super(options.code ?? "REMOTE_FAILED", message, options);
  }
}

export class GitError extends PlanrefError<{ args: string[]; exitCode: number | null; stderr: string }> {
  constructor(args: string[], exitCode: number | null, stderr: string) {
    super("GIT_FAILED", `git ${args.join(" ")} failed (exit ${exitCode ?? "signal"}): ${stderr.trim() || "no output"}`, {
      data: { args, exitCode, stderr },
    });
  }
}

export class InternalError extends PlanrefError {
  constructor(message: string, options: ErrorOptions<Record<string, unknown>> = {}) {
    super("INTERNAL", message, options);
  }
}

/** Wraps anything thrown into a PlanrefError so every edge renders one shape. */
export function toPlanrefError(err: unknown): PlanrefError {
  if (err instanceof PlanrefError) return err as PlanrefError;
  const message = err instanceof Error ? err.message : String(err);
  return new InternalError(message, { cause: err, hint: "This is a bug in planref; please report it with the command you ran." });
}
