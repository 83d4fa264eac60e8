import { ValidationError } from "../../errors.js";
import { createHash, randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync, inflateSync } from "node:zlib";
import { InternalError } from "../../errors.js";

export type ObjectType = "blob" | "tree" | "commit" | "tag";

export interface RawObject {
  type: ObjectType;
  content: Buffer;
}

export function objectHeader(type: ObjectType, length: number): Buffer {
  return Buffer.from(`${type} ${length}\0`, "latin1");
}

export function hashObject(type: ObjectType, content: Buffer): string {
  return createHash("sha1").update(objectHeader(type, content.length)).update(content).digest("hex");
}

export function loosePath(objectsDir: string, oid: string): string {
  return join(objectsDir, oid.slice(0, 2), oid.slice(2));
}

/**
 * Writes a loose object the way git does: deflate into a temp file in the object's own
 * directory, then hard-link it into place. A crash leaves at most a temp file, never a
 * truncated object; an existing object (EEXIST) is already correct by definition.
 */
export function writeLooseObject(objectsDir: string, type: ObjectType, content: Buffer): string {
  const oid = hashObject(type, content);
  const dir = join(objectsDir, oid.slice(0, 2));
  const final = join(dir, oid.slice(2));
  const data = deflateSync(Buffer.concat([objectHeader(type, content.length), content]), { level: 1 });
  const tmp = join(dir, `tmp_obj_${process.pid}_${randomBytes(6).toString("hex")}`);
  // A concurrent `git gc` (prune-packed) removes empty object directories at any moment;
  // like git's own writer, re-create the directory and try again.
  for (let attempt = 0; ; attempt++) {
    try {
      // Even creating the directory can race with its removal (ENOENT from a recursive mkdir).
      mkdirSync(dir, { recursive: true });
      writeFileSync(tmp, data, { mode: 0o444, flag: "wx" });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT" || attempt >= 20) throw e;
    }
  }
  try {
    linkSync(tmp, final);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") {
      unlinkSync(tmp);
      throw e;
    }
  }
  unlinkSync(tmp);
  return oid;
}

/** Reads a loose object, or null when it is not loose (packed objects go through cat-file). */
export function readLooseObject(objectsDir: string, oid: string): RawObject | null {
  let data: Buffer;
  try {
    data = readFileSync(loosePath(objectsDir, oid));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  const raw = inflateSync(data);
  const nul = raw.indexOf(0);
  const [type, len] = raw.subarray(0, nul).toString("latin1").split(" ");
  // A copy: a view would pin zlib's whole output chunk, which at 10,000 documents is ~150 MiB.
  const content = Buffer.from(raw.subarray(nul + 1));
  if (Number(len) !== content.length) throw new InternalError(`loose object ${oid} is corrupt (length mismatch)`);
  return { type: type as ObjectType, content };
}

// ---- trees ----

export interface TreeEntry {
  mode: string; // "100644" for blobs, "40000" for trees
  name: string;
  oid: string;
}

export const TREE_MODE = "40000";
export const BLOB_MODE = "100644";

/** Git sorts tree entries bytewise, comparing a directory as if its name ended in "/". */
export function compareTreeEntries(a: TreeEntry, b: TreeEntry): number {
  const as = a.mode === TREE_MODE ? `${a.name}/` : a.name;
  const bs = b.mode === TREE_MODE ? `${b.name}/` : b.name;
  // For ASCII names (all planref writes) string order is byte order; only others need bytes.
  if (ASCII.test(as) && ASCII.test(bs)) return as < bs ? -1 : as > bs ? 1 : 0;
  return Buffer.compare(Buffer.from(as, "utf8"), Buffer.from(bs, "utf8"));
}

const ASCII = /^[\x00-\x7f]*$/;

export function encodeTree(entries: TreeEntry[]): Buffer {
  const sorted = [...entries].sort(compareTreeEntries);
  const parts: Buffer[] = [];
  for (const e of sorted) {
    parts.push(Buffer.from(`${e.mode} ${e.name}\0`, "utf8"), Buffer.from(e.oid, "hex"));
  }
  return Buffer.concat(parts);
}

/** A tree made by hand or damaged on disk must be an error, never a loop or a misread. */
export function decodeTree(content: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let i = 0;
  while (i < content.length) {
    const sp = content.indexOf(0x20, i);
    const nul = sp === -1 ? -1 : content.indexOf(0, sp);
    if (sp <= i || nul === -1 || nul + 21 > content.length) throw malformedTree(i);
    const mode = content.subarray(i, sp).toString("latin1");
    const name = content.subarray(sp + 1, nul).toString("utf8");
    if (!/^[0-7]{5,6}$/.test(mode) || name === "" || name.includes("/")) throw malformedTree(i);
    const oid = content.subarray(nul + 1, nul + 21).toString("hex");
    entries.push({ mode, name, oid });
    i = nul + 21;
  }
  return entries;
}

function malformedTree(offset: number): ValidationError {
  const message = `malformed tree object (entry at byte ${offset})`;
  return new ValidationError(message, [{ message }], { code: "INVALID_STATE", hint: "The state ref points at a damaged or hand-made tree: run git fsck, and point refs/plan/state back at a good commit with git update-ref." });
}

// ---- commits ----

export interface Signature {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  time: number;
  /** "+0000" style offset. */
  tz: string;
}

export interface CommitObject {
  tree: string;
  parents: string[];
  author: Signature;
  committer: Signature;
  message: string;
}

function formatSignature(s: Signature): string {
  const clean = (v: string) => v.replace(/[<>\n]/g, "");
  return `${clean(s.name)} <${clean(s.email)}> ${s.time} ${s.tz}`;
}

export function encodeCommit(c: CommitObject): Buffer {
  const lines = [`tree ${c.tree}`, ...c.parents.map((p) => `parent ${p}`)];
  lines.push(`author ${formatSignature(c.author)}`, `committer ${formatSignature(c.committer)}`);
  return Buffer.from(`${lines.join("\n")}\n\n${c.message}`, "utf8");
}

export function parseSignature(text: string): Signature {
  const m = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(text);
  if (!m) return { name: text, email: "", time: 0, tz: "+0000" };
  return { name: m[1] ?? "", email: m[2] ?? "", time: Number(m[3]), tz: m[4] ?? "+0000" };
}

export function decodeCommit(content: Buffer): CommitObject {
  const text = content.toString("utf8");
  const split = text.indexOf("\n\n");
  const header = split === -1 ? text : text.slice(0, split);
  const message = split === -1 ? "" : text.slice(split + 2);
  const commit: CommitObject = {
    tree: "",
    parents: [],
    author: parseSignature(""),
    committer: parseSignature(""),
    message,
  };
  for (const line of header.split("\n")) {
    const sp = line.indexOf(" ");
    const key = line.slice(0, sp);
    const value = line.slice(sp + 1);
    if (key === "tree") commit.tree = value;
    else if (key === "parent") commit.parents.push(value);
    else if (key === "author") commit.author = parseSignature(value);
    else if (key === "committer") commit.committer = parseSignature(value);
  }
  return commit;
}

export function tzOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes >= 0 ? "+" : "-";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
}
