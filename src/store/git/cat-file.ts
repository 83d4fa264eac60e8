import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { GitError, InternalError } from "../../errors.js";
import type { ObjectType, RawObject } from "./objects.js";
import { gitEnv } from "./run.js";

interface Pending {
  oid: string;
  resolve: (o: RawObject | null) => void;
  reject: (e: Error) => void;
}

/**
 * A persistent `git cat-file --batch`: one spawn, then ~0.15 ms per object, packed or
 * loose. Requests are answered in order, so a FIFO of pending promises is the protocol.
 */
export class CatFileBatch {
  private child: ChildProcessWithoutNullStreams | null = null;
  private queue: Pending[] = [];
  /** Index of the oldest unanswered request; avoids O(n) shifts on batches of thousands. */
  private head = 0;
  private buf: Buffer = Buffer.alloc(0);
  private failed: Error | null = null;

  constructor(private readonly gitDir: string) {}

  read(oid: string): Promise<RawObject | null> {
    const child = this.ensure();
    return new Promise((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      this.enqueue({ oid, resolve, reject });
      child.stdin.write(`${oid}\n`);
    });
  }

  readMany(oids: readonly string[]): Promise<Array<RawObject | null>> {
    if (oids.length === 0) return Promise.resolve([]);
    const child = this.ensure();
    const promises = oids.map(
      (oid) =>
        new Promise<RawObject | null>((resolve, reject) => {
          if (this.failed) return reject(this.failed);
          this.enqueue({ oid, resolve, reject });
        }),
    );
    child.stdin.write(`${oids.join("\n")}\n`);
    return Promise.all(promises);
  }

  close(): void {
    if (!this.child) return;
    this.child.stdin.end();
    this.child.kill();
    this.child = null;
  }

  private ensure(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    this.failed = null;
    const child = spawn("git", ["--git-dir", this.gitDir, "cat-file", "--batch"], {
      env: gitEnv(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    child.stdout.on("data", (d: Buffer) => this.onData(d));
    child.on("error", (e) => this.fail(new GitError(["cat-file", "--batch"], null, e.message)));
    child.on("close", (code) => {
      if (this.pending() > 0) this.fail(new GitError(["cat-file", "--batch"], code, stderr));
      if (this.child === child) this.child = null;
    });
    child.stdin.on("error", () => {});
    this.child = child;
    this.setRef(false);
    return child;
  }

  /** Holds the event loop only while answers are outstanding, so an idle CLI can exit. */
  private setRef(active: boolean): void {
    const c = this.child;
    if (!c) return;
    for (const h of [c, c.stdout, c.stderr, c.stdin] as Array<{ ref?: () => void; unref?: () => void }>) {
      if (active) h.ref?.();
      else h.unref?.();
    }
  }

  private enqueue(p: Pending): void {
    if (this.pending() === 0) this.setRef(true);
    this.queue.push(p);
  }

  private dequeue(): void {
    this.head++;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
      this.setRef(false);
    }
  }

  private pending(): number {
    return this.queue.length - this.head;
  }

  private fail(err: Error): void {
    this.failed = err;
    const q = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    for (const p of q) p.reject(err);
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const head = this.queue[this.head];
      if (!head) {
        if (this.buf.length > 0) this.fail(new InternalError("git cat-file --batch sent unexpected output"));
        return;
      }
      const nl = this.buf.indexOf(0x0a);
      if (nl === -1) return;
      const line = this.buf.subarray(0, nl).toString("latin1");
      if (line.endsWith(" missing") || line.endsWith(" ambiguous")) {
        this.buf = this.buf.subarray(nl + 1);
        this.dequeue();
        head.resolve(null);
        continue;
      }
      const [, type, sizeText] = line.split(" ");
      const size = Number(sizeText);
      if (this.buf.length < nl + 1 + size + 1) return;
      const content = Buffer.from(this.buf.subarray(nl + 1, nl + 1 + size));
      this.buf = this.buf.subarray(nl + 1 + size + 1);
      this.dequeue();
      head.resolve({ type: type as ObjectType, content });
    }
  }
}
