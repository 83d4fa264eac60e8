import { UsageError } from "../errors.js";
import type { PlanDoc } from "../schema/types.js";
import { commitInfo } from "./commit.js";
import type { AppContext } from "./context.js";
import { PLAN_PATH } from "./state/documents.js";
import { loadSnapshot, readPlan } from "./state/plan.js";

/** Settings in plan.yaml, addressed by dotted keys under `settings` (claims.lease, sync.mode, ...). */
export async function getConfig(ctx: AppContext, input: { key?: string } = {}): Promise<{ key: string; value: unknown }> {
  const plan = readPlan(await loadSnapshot(ctx));
  if (!input.key) return { key: "", value: plan.settings };
  return { key: input.key, value: lookup(plan.settings, input.key) };
}

/**
 * Sets one setting. The value is parsed as JSON when it looks like JSON (numbers, booleans)
 * and taken as a string otherwise; plan.yaml's schema decides whether it is acceptable.
 */
export async function setConfig(ctx: AppContext, input: { key: string; value: string }): Promise<{ key: string; from: unknown; to: unknown; commit: string | null }> {
  const res = await ctx.store.transact((snap) => {
    const plan = readPlan(snap);
    const from = lookup(plan.settings, input.key);
    const to = parseValue(input.value);
    if (JSON.stringify(from) === JSON.stringify(to)) return { noop: true as const, result: { from, to } };
    const settings = structuredClone(plan.settings) as unknown as Record<string, unknown>;
    const parts = input.key.split(".");
    let node = settings;
    for (const p of parts.slice(0, -1)) node = node[p] as Record<string, unknown>;
    node[parts[parts.length - 1] as string] = to;
    const next: PlanDoc = { ...plan, settings: settings as unknown as PlanDoc["settings"] };
    return { changes: [{ path: PLAN_PATH, value: next }], commit: commitInfo(ctx, "config", `set ${input.key} = ${JSON.stringify(to)}`), result: { from, to } };
  });
  return { key: input.key, ...res.result, commit: res.commit };
}

function lookup(settings: PlanDoc["settings"], key: string): unknown {
  let node: unknown = settings;
  for (const p of key.split(".")) {
    if (!node || typeof node !== "object" || !(p in (node as object)) || Array.isArray(node)) {
      throw new UsageError(`unknown setting "${key}"`, { hint: 'List every setting with "planref config get".', data: { key } });
    }
    node = (node as Record<string, unknown>)[p];
  }
  if (node && typeof node === "object") throw new UsageError(`"${key}" is a group of settings; name one of: ${Object.keys(node).join(", ")}`);
  return node;
}

function parseValue(raw: string): unknown {
  if (/^(true|false|-?\d+(\.\d+)?)$/.test(raw)) return JSON.parse(raw);
  return raw;
}
