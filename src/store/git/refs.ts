import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { InternalError, RefConflictError } from "../../errors.js";

export const ZERO_OID = "0000000000000000000000000000000000000000";
const OID_RE = /^[0-9a-f]{40}$/;

/** Reads a ref the way git does: the loose file first, then packed-refs. Null when absent. */
export function readRef(commonDir: string, ref: string): string | null {
  const loose = readLoose(commonDir, ref);
  if (loose !== undefined) return loose;
  return readPacked(commonDir, ref);
}

function readLoose(commonDir: string, ref: string): string | null | undefined {
  let text: string;
  try {
    text = readFileSync(join(commonDir, ref), "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return undefined;
    throw e;
  }
  const value = text.trim();
  if (OID_RE.test(value)) return value;
  // Git itself treats an empty or garbled loose ref as broken, not as absent.
  throw new InternalError(`the ref file ${join(commonDir, ref)} holds "${value.slice(0, 60)}", not an object id`, {
    hint: "Run planref doctor; git update-ref can set the ref to a known good commit.",
  });
}

function readPacked(commonDir: string, ref: string): string | null {
  let text: string;
  try {
    text = readFileSync(join(commonDir, "packed-refs"), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  const suffix = ` ${ref}`;
  for (const line of text.split("\n")) {
    if (line.endsWith(suffix) && OID_RE.test(line.slice(0, 40)) && line.length === 40 + suffix.length) return line.slice(0, 40);
  }
  return null;
}

export type CasResult = { ok: true } | { ok: false; actual: string | null };

export interface CasOptions {
  /** How long to keep retrying while another process holds the lock file. */
  lockTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const STALE_LOCK_MS = 30_000;

/**
 * Compare-and-swap of a loose ref with git's own lock protocol, so planref interoperates
 * with `git update-ref`, `git pack-refs` and `git gc`: create `<ref>.lock` with O_EXCL,
 * re-read the ref under the lock, compare, write the new value into the lock file and
 * rename it over the ref. The lock is held for microseconds and never stolen.
 * `expected === null` means "must not exist" (the root commit).
 */
export async function compareAndSwapRef(
  commonDir: string,
  ref: string,
  expected: string | null,
  next: string,
  options: CasOptions = {},
): Promise<CasResult> {
  // Losing is decided without the lock when the ref has already moved on: object ids never
  // repeat, so a ref that differs from `expected` now cannot match it later.
  const seen = readRef(commonDir, ref);
  if (seen !== expected) return { ok: false, actual: seen };
  // Under the lock the ref is read again: it decides, as git's own update-ref does.
  return holdRef<CasResult>(commonDir, ref, async (actual) => (actual === expected ? { next, result: { ok: true } } : { next: null, result: { ok: false, actual } }), options);
}

/**
 * Holds git's lock on a ref while `work` decides where it moves: no other writer can move
 * it meanwhile (theirs wait on the lock, as for any CAS). For sync's last step only, where
 * a replay onto the pushed state must not keep losing to local writers; `work` must be short.
 */
export async function holdRef<T>(
  commonDir: string,
  ref: string,
  work: (current: string | null) => Promise<{ next: string | null; result: T }>,
  options: CasOptions = {},
): Promise<T> {
  const refPath = join(commonDir, ref);
  const lockPath = `${refPath}.lock`;
  let fd: number | null = await takeLock(refPath, lockPath, options);
  try {
    const r = await work(readRef(commonDir, ref));
    if (r.next === null) {
      closeSync(fd);
      fd = null;
      unlinkSync(lockPath);
      return r.result;
    }
    writeSync(fd, `${r.next}\n`);
    closeSync(fd);
    fd = null;
    renameSync(lockPath, refPath);
    return r.result;
  } catch (e) {
    if (fd !== null) closeSync(fd);
    try {
      unlinkSync(lockPath);
    } catch {
      /* already renamed or removed */
    }
    throw e;
  }
}

/** git's lock: create `<ref>.lock` exclusively, waiting (never stealing) while someone else holds it. */
async function takeLock(refPath: string, lockPath: string, options: CasOptions): Promise<number> {
  const timeout = options.lockTimeoutMs ?? 5_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(dirname(refPath), { recursive: true });
      return openSync(lockPath, "wx", 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      if (Date.now() - started > timeout) throw lockedError(lockPath);
      await sleep(Math.min(50, 1 + attempt) * (0.5 + Math.random()));
    }
  }
}

function lockedError(lockPath: string): RefConflictError {
  const age = lockAgeMs(lockPath);
  const stale = age !== null && age > STALE_LOCK_MS;
  return new RefConflictError("REF_LOCKED", `the state ref is locked by another process (${lockPath})`, {
    hint: stale
      ? `The lock is ${Math.round(age / 1000)} s old and probably left by a crashed process: check that no git or planref process is running, then run "planref doctor --break-lock".`
      : "Another git or planref process is updating the ref; try again in a moment.",
    data: { lockPath, ageMs: age },
  });
}

export function lockAgeMs(lockPath: string, now = Date.now()): number | null {
  try {
    return now - statSync(lockPath).mtimeMs;
  } catch {
    return null;
  }
}
