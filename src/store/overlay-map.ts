/**
 * A map that shares its base and records only its own changes: a commit that changes one
 * document of 10,000 must not copy the other 9,999 entries. Layers are folded into a plain
 * map once they stack up, so lookups stay a few steps deep.
 */
export class OverlayMap<K, V> implements ReadonlyMap<K, V> {
  private readonly own = new Map<K, V>();
  private readonly removed = new Set<K>();
  private base: ReadonlyMap<K, V>;
  private count: number;
  readonly depth: number;

  constructor(base: ReadonlyMap<K, V>) {
    const depth = base instanceof OverlayMap ? base.depth + 1 : 1;
    this.base = depth > MAX_DEPTH ? new Map(base) : base;
    this.depth = depth > MAX_DEPTH ? 1 : depth;
    this.count = base.size;
  }

  get size(): number {
    return this.count;
  }

  get(key: K): V | undefined {
    if (this.own.has(key)) return this.own.get(key);
    return this.removed.has(key) ? undefined : this.base.get(key);
  }

  has(key: K): boolean {
    return this.own.has(key) || (!this.removed.has(key) && this.base.has(key));
  }

  set(key: K, value: V): this {
    if (!this.has(key)) this.count++;
    this.removed.delete(key);
    this.own.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    if (!this.has(key)) return false;
    this.count--;
    this.own.delete(key);
    if (this.base.has(key)) this.removed.add(key);
    return true;
  }

  *entries(): MapIterator<[K, V]> {
    for (const [k, v] of this.base) if (!this.own.has(k) && !this.removed.has(k)) yield [k, v];
    yield* this.own.entries();
  }

  *keys(): MapIterator<K> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}

const MAX_DEPTH = 8;
