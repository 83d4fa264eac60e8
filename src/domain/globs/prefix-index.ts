import { compileGlob } from "./parse.js";

const WILD = /[*?[\]{}]/;

/**
 * The literal leading directories of each alternative of a glob (`src/api/*.ts` → [src, api]).
 * Two globs can only match a common path when one's literal prefix starts the other's.
 */
export function literalPrefixes(glob: string): string[][] {
  let expanded: readonly string[];
  try {
    expanded = compileGlob(glob).expanded;
  } catch {
    // An invalid glob could mean anything: index it at the root, where everything meets it.
    return [[]];
  }
  return expanded.map((alt) => {
    const out: string[] = [];
    for (const seg of alt.split("/")) {
      if (seg === "" || WILD.test(seg)) break;
      out.push(seg);
    }
    return out;
  });
}

interface Node<K> {
  children: Map<string, Node<K>>;
  keys: Set<K>;
}

const node = <K>(): Node<K> => ({ children: new Map(), keys: new Set() });

/**
 * An index of scopes by literal prefix, so that finding the scopes that might overlap a
 * new one looks only at related directories instead of every scope in the plan.
 * `candidates` never misses a real overlap; the exact test decides among them.
 */
export class ScopePrefixIndex<K> {
  private readonly root: Node<K> = node();

  add(key: K, globs: readonly string[]): void {
    for (const g of globs) {
      for (const prefix of literalPrefixes(g)) {
        let n = this.root;
        for (const seg of prefix) {
          let next = n.children.get(seg);
          if (!next) {
            next = node();
            n.children.set(seg, next);
          }
          n = next;
        }
        n.keys.add(key);
      }
    }
  }

  candidates(globs: readonly string[]): Set<K> {
    const out = new Set<K>();
    const collectAll = (n: Node<K>) => {
      for (const k of n.keys) out.add(k);
      for (const c of n.children.values()) collectAll(c);
    };
    for (const g of globs) {
      for (const prefix of literalPrefixes(g)) {
        let n: Node<K> | undefined = this.root;
        for (const seg of prefix) {
          for (const k of n.keys) out.add(k);
          n = n.children.get(seg);
          if (!n) break;
        }
        if (n) collectAll(n);
      }
    }
    return out;
  }
}
