import { createHash } from "node:crypto";
import type { Issue } from "../../src/errors.js";
import { DocumentRegistry } from "../../src/store/documents.js";
import type { DocumentKind, Mutation } from "../../src/store/types.js";

/**
 * The race suite's own document kinds: one shared counter that every transaction
 * increments, and one small record per transaction under a 2-hex shard directory.
 */
export const COUNTER_PATH = "counter.yaml";
const ITEM_RE = /^items\/([0-9a-f]{2})\/([A-Za-z0-9_-]+)\.yaml$/;

export interface Counter {
  value: number;
}

export interface Item {
  writer: string;
  seq: number;
  /** The counter value this item's commit wrote. */
  at: number;
}

export function shardOf(name: string): string {
  return createHash("sha1").update(name).digest("hex").slice(0, 2);
}

export function itemName(writer: string, seq: number): string {
  return `${writer}-${seq}`;
}

export function itemPath(writer: string, seq: number): string {
  const name = itemName(writer, seq);
  return `items/${shardOf(name)}/${name}.yaml`;
}

const isNat = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function onlyKeys(v: Record<string, unknown>, keys: string[]): Issue[] {
  return Object.keys(v)
    .filter((k) => !keys.includes(k))
    .map((k) => ({ pointer: `/${k}`, message: `unexpected property ${k}` }));
}

const counterKind: DocumentKind = {
  name: "counter",
  format: "yaml",
  matches: (path) => path === COUNTER_PATH,
  validate(value) {
    if (!isRecord(value)) return [{ pointer: "", message: "counter must be a mapping" }];
    const issues = onlyKeys(value, ["value"]);
    if (!isNat(value.value)) issues.push({ pointer: "/value", message: "value must be a non-negative integer" });
    return issues;
  },
};

const itemKind: DocumentKind = {
  name: "item",
  format: "yaml",
  matches: (path) => ITEM_RE.test(path),
  validate(value, path) {
    if (!isRecord(value)) return [{ pointer: "", message: "item must be a mapping" }];
    const issues = onlyKeys(value, ["writer", "seq", "at"]);
    if (typeof value.writer !== "string" || !/^[A-Za-z0-9_]+$/.test(value.writer)) issues.push({ pointer: "/writer", message: "writer must be a word" });
    if (!isNat(value.seq)) issues.push({ pointer: "/seq", message: "seq must be a non-negative integer" });
    if (!isNat(value.at) || value.at < 1) issues.push({ pointer: "/at", message: "at must be a positive integer" });
    const m = ITEM_RE.exec(path);
    if (m && issues.length === 0) {
      const name = itemName(value.writer as string, value.seq as number);
      if (m[2] !== name) issues.push({ pointer: "", message: `item at ${path} names ${name}` });
      if (m[1] !== shardOf(name)) issues.push({ pointer: "", message: `item ${name} is in the wrong shard ${m[1]}` });
    }
    return issues;
  },
};

export function raceRegistry(): DocumentRegistry {
  return new DocumentRegistry([counterKind, itemKind]);
}

/** Parses one line of the items listing `items/ab/<writer>-<seq>.yaml`. */
export function parseItemPath(path: string): { writer: string; seq: number } | null {
  const m = ITEM_RE.exec(path);
  if (!m?.[2]) return null;
  const dash = m[2].lastIndexOf("-");
  return { writer: m[2].slice(0, dash), seq: Number(m[2].slice(dash + 1)) };
}

/** The first commit: counter 0, written only if the ref does not exist yet. */
export function rootMutation(id: string): Mutation<null> {
  return (s) => {
    if (s.commit !== null) return { noop: true, result: null };
    return {
      changes: [{ path: COUNTER_PATH, value: { value: 0 } }],
      commit: { subject: `race: root by ${id}`, trailers: [["Race-Writer", id]], author: { name: id, email: `${id}@race.test` }, time: new Date() },
      result: null,
    };
  };
}

/** One race write: counter + 1 and the item <id>-<seq>, in one commit. */
export function writeMutation(id: string, seq: number): Mutation<number> {
  const path = itemPath(id, seq);
  return (s) => {
    const counter = s.get(COUNTER_PATH) as Counter | undefined;
    if (!counter) throw new Error(`no ${COUNTER_PATH} at ${s.commit}`);
    // A re-run after a lost CAS must never find its own item: that would be a double apply.
    if (s.has(path)) throw new Error(`DUPLICATE ${path} already at ${s.commit}`);
    const next = counter.value + 1;
    return {
      changes: [
        { path: COUNTER_PATH, value: { value: next } },
        { path, value: { writer: id, seq, at: next } satisfies Item },
      ],
      commit: {
        subject: `race: ${id} #${seq}`,
        trailers: [
          ["Race-Writer", id],
          ["Race-Seq", String(seq)],
        ],
        author: { name: id, email: `${id}@race.test` },
        time: new Date(),
      },
      result: next,
    };
  };
}
