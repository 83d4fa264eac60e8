/**
 * A map that shares its base and records only its own changes: a commit that changes one
 * document of 10,000 must not copy the other 9,999 entries. Stacked layers are folded into
 * one layer over the bottom base once they pile up, so lookups stay a few steps deep and the
 * base (possibly a lazily read cache) is never copied. The size is asked of the base only
 * when someone wants it.
 */
export class OverlayMap<K, V> implements ReadonlyMap<K, V> {
  private readonly own: Map<K, V>;
  private readonly removed: Set<K>;
  private readonly base: ReadonlyMap<K, V>;
  /** Entries added minus entries removed, relative to the base. */
  private delta: number;
  readonly depth: number;

  constructor(base: ReadonlyMap<K, V>) {
    if (base instanceof OverlayMap && base.depth >= MAX_DEPTH) {
      // Fold the stacked layers, oldest first, into this one.
      const layers: Array<OverlayMap<K, V>> = [];
      let b: ReadonlyMap<K, V> = base;
      while (b instanceof OverlayMap) {
        layers.unshift(b);
        b = b.base;
      }
      this.own = new Map();
      this.removed = new Set();
      this.delta = 0;
      for (const layer of layers) {
        for (const k of layer.removed) {
          this.own.delete(k);
          this.removed.add(k);
        }
        for (const [k, v] of layer.own) this.own.set(k, v);
        this.delta += layer.delta;
      }
      this.base = b;
      this.depth = 1;
    } else {
      this.own = new Map();
      this.removed = new Set();
      this.delta = 0;
      this.base = base;
      this.depth = base instanceof OverlayMap ? base.depth + 1 : 1;
    }
  }

  get size(): number {
    return this.base.size + this.delta;
  }

  get(key: K): V | undefined {
    if (this.own.has(key)) return this.own.get(key);
    return this.removed.has(key) ? undefined : this.base.get(key);
  }

  has(key: K): boolean {
    return this.own.has(key) || (!this.removed.has(key) && this.base.has(key));
  }

  set(key: K, value: V): this {
    if (!this.has(key)) this.delta++;
    this.own.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    if (!this.has(key)) return false;
    this.delta--;
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
