import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";
import type { ObjectType } from "./objects.js";
import { runGit } from "./run.js";

const TYPE_CODE: Record<ObjectType, number> = { commit: 1, tree: 2, blob: 3, tag: 4 };

export interface PackObject {
  type: ObjectType;
  content: Buffer;
}

/**
 * The objects as a version 2 pack stream, each stored whole (no deltas): a header, then per
 * object its type and size and its zlib-compressed content, then the SHA-1 of it all.
 */
export function packStream(objects: readonly PackObject[]): Buffer {
  const header = Buffer.alloc(12);
  header.write("PACK", 0, "latin1");
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(objects.length, 8);
  const parts: Buffer[] = [header];
  for (const o of objects) parts.push(entryHeader(TYPE_CODE[o.type], o.content.length), deflateSync(o.content, { level: 1 }));
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash("sha1").update(body).digest()]);
}

/** Type and size: 3 bits of type and 4 of size in the first byte, then 7 bits of size a byte. */
function entryHeader(type: number, size: number): Buffer {
  const bytes: number[] = [];
  let byte = (type << 4) | (size & 0x0f);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    bytes.push(byte | 0x80);
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  bytes.push(byte);
  return Buffer.from(bytes);
}

/**
 * Stores many objects as one pack through git's own `index-pack`, which checks every object
 * and writes the pack and its index under their final names only when complete: one process
 * instead of thousands of loose files (a 2,000-task import writes over 4,000 objects).
 */
export async function writePack(commonDir: string, objects: readonly PackObject[]): Promise<void> {
  await runGit(["index-pack", "--stdin"], { cwd: commonDir, env: { ...process.env, GIT_DIR: commonDir }, input: packStream(objects) });
}
