/**
 * Three-way merge of one document, for replaying a local operation on top of a remote's
 * state. `undefined` means "no document". Objects merge key by key, so a claim that moved
 * a task's status and a remote edit of its intent both survive; two different changes to
 * one key are a conflict, never a blend.
 */
export type MergeResult = { ok: true; value: unknown } | { ok: false; keys: string[] };

export interface MergeOptions {
  /** Merge as a whole: either side unchanged, or conflict (leases, whose fields only make sense together). */
  atomic?: boolean;
}

/** Timestamps of the last edit: when both sides edited, the later one stands. */
const LATEST_WINS = new Set(["updatedAt"]);

export function mergeDocument(base: unknown, local: unknown, remote: unknown, options: MergeOptions = {}): MergeResult {
  if (deepEqual(remote, base)) return { ok: true, value: local };
  if (deepEqual(remote, local) || deepEqual(local, base)) return { ok: true, value: remote };
  if (options.atomic || !isPlainObject(base) || !isPlainObject(local) || !isPlainObject(remote)) return { ok: false, keys: [] };
  const out: Record<string, unknown> = {};
  const conflicts: string[] = [];
  for (const key of new Set([...Object.keys(base), ...Object.keys(local), ...Object.keys(remote)])) {
    const b = base[key];
    const l = local[key];
    const r = remote[key];
    let v: unknown;
    if (deepEqual(l, b)) v = r;
    else if (deepEqual(r, b) || deepEqual(r, l)) v = l;
    else if (LATEST_WINS.has(key) && typeof l === "string" && typeof r === "string") v = l > r ? l : r;
    else {
      conflicts.push(key);
      continue;
    }
    if (v !== undefined) out[key] = v;
  }
  return conflicts.length > 0 ? { ok: false, keys: conflicts } : { ok: true, value: out };
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
