import { createHash } from "node:crypto";
import { constants } from "node:os";

/** A shell's view of how a process ended: its code, or 128 + the signal that killed it. */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number | null {
  if (code !== null) return code;
  return signal ? 128 + (constants.signals[signal] ?? 0) : null;
}

const KEEP_BYTES = 256 * 1024;

/** Hashes everything a command prints and keeps only its end: the shape evidence needs. */
export class OutputCapture {
  private readonly hash = createHash("sha256");
  private kept: Buffer[] = [];
  private keptBytes = 0;
  total = 0;

  take(chunk: Buffer): void {
    this.hash.update(chunk);
    this.total += chunk.length;
    this.kept.push(chunk);
    this.keptBytes += chunk.length;
    if (this.keptBytes > KEEP_BYTES * 2) {
      const tail = Buffer.concat(this.kept).subarray(-KEEP_BYTES);
      this.kept = [tail];
      this.keptBytes = tail.length;
    }
  }

  finish(): { output: string; outputSha256: string; outputBytes: number } {
    return { output: Buffer.concat(this.kept).subarray(-KEEP_BYTES).toString("utf8"), outputSha256: this.hash.digest("hex"), outputBytes: this.total };
  }
}
