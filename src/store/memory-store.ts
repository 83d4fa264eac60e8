import type { DocumentRegistry } from "./documents.js";
import { Engine } from "./engine.js";
import { hashObject, type ObjectType, type RawObject } from "./git/objects.js";
import type { CasResult } from "./git/refs.js";
import type { ObjectDb } from "./state-tree.js";
import type { Identity } from "./types.js";

/** Objects in a Map; same hashing and encodings as git, so views are comparable across stores. */
export class MemoryObjectDb implements ObjectDb {
  readonly objects = new Map<string, RawObject>();

  async read(oid: string): Promise<RawObject | null> {
    return this.objects.get(oid) ?? null;
  }

  async readMany(oids: readonly string[]): Promise<Array<RawObject | null>> {
    return oids.map((o) => this.objects.get(o) ?? null);
  }

  write(type: ObjectType, content: Buffer): string {
    const oid = hashObject(type, content);
    if (!this.objects.has(oid)) this.objects.set(oid, { type, content: Buffer.from(content) });
    return oid;
  }
}

export class MemoryRefDb {
  readonly refs = new Map<string, string>();

  read(ref: string): string | null {
    return this.refs.get(ref) ?? null;
  }

  async cas(ref: string, expected: string | null, next: string): Promise<CasResult> {
    const actual = this.refs.get(ref) ?? null;
    if (actual !== expected) return { ok: false, actual };
    this.refs.set(ref, next);
    return { ok: true };
  }
}

export interface MemoryStoreOptions {
  registry: DocumentRegistry;
  ref?: string;
  committer?: Identity;
  objects?: MemoryObjectDb;
  refs?: MemoryRefDb;
}

/** The in-memory twin of the git store, for fast tests of everything above the store. */
export class MemoryStore extends Engine {
  readonly objects: MemoryObjectDb;
  readonly refs: MemoryRefDb;

  constructor(options: MemoryStoreOptions) {
    const objects = options.objects ?? new MemoryObjectDb();
    const refs = options.refs ?? new MemoryRefDb();
    const committer = options.committer ?? { name: "planref", email: "planref@localhost" };
    super({
      ref: options.ref ?? "refs/plan/state",
      objects,
      refs,
      registry: options.registry,
      committer: async () => committer,
      sleep: async () => {},
    });
    this.objects = objects;
    this.refs = refs;
  }
}
