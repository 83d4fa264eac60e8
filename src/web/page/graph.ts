import type { BoardOverview, BoardTask } from "../../app/board.js";
import { esc } from "./dom.js";
import type { LeaseState } from "./claims.js";

/**
 * The task graph as layered SVG: the waves of the parallel schedule are its columns (done
 * work first, tasks that can never run last), so the layout is a single pass over tasks and
 * edges; a general layered-layout library spends tens of seconds on 2,000 tasks
 * (docs/decisions.md).
 */
const W = 210;
const H = 26;
const COL_GAP = 70;
const ROW_GAP = 6;
const TOP = 30;
const CHARS = 30;

interface Column {
  label: string;
  ids: string[];
}

export function columns(o: BoardOverview): Column[] {
  const byId = new Map(o.tasks.map((t) => [t.id, t]));
  const placed = new Set<string>();
  const take = (ids: Iterable<string>) => {
    const out: string[] = [];
    for (const id of ids) {
      if (!byId.has(id) || placed.has(id)) continue;
      placed.add(id);
      out.push(id);
    }
    return out;
  };
  const cols: Column[] = [];
  const done = take(o.tasks.filter((t) => t.status === "done").map((t) => t.id));
  if (done.length) cols.push({ label: `done (${done.length})`, ids: done });
  o.waves.waves.forEach((ids, i) => {
    const wave = take(ids);
    if (wave.length) cols.push({ label: `wave ${i + 1} (${wave.length})`, ids: wave });
  });
  const never = take(o.waves.unschedulable.map((u) => u.taskId));
  if (never.length) cols.push({ label: `cannot run (${never.length})`, ids: never });
  const rest = take(o.tasks.map((t) => t.id));
  if (rest.length) cols.push({ label: `other (${rest.length})`, ids: rest });
  return cols;
}

function label(t: BoardTask): string {
  const text = `${t.localId} ${t.title}`;
  return text.length > CHARS ? `${text.slice(0, CHARS - 1)}…` : text;
}

export function renderGraph(o: BoardOverview, leases: Map<string, LeaseState>, selected: string | null): string {
  const byId = new Map(o.tasks.map((t) => [t.id, t]));
  const cols = columns(o);
  const at = new Map<string, { x: number; y: number }>();
  let rows = 0;
  cols.forEach((c, ci) => {
    c.ids.forEach((id, ri) => at.set(id, { x: ci * (W + COL_GAP) + 10, y: TOP + ri * (H + ROW_GAP) }));
    rows = Math.max(rows, c.ids.length);
  });
  const width = Math.max(1, cols.length * (W + COL_GAP));
  const height = TOP + rows * (H + ROW_GAP) + 10;
  const ready = new Set(o.ready);
  const near = new Set<string>();
  const edges: string[] = [];
  for (const t of o.tasks) {
    const to = at.get(t.id);
    if (!to) continue;
    for (const d of t.dependencies) {
      const from = at.get(d);
      if (!from) continue;
      const hl = selected !== null && (selected === t.id || selected === d);
      if (hl) near.add(selected === t.id ? d : t.id);
      const x1 = from.x + W;
      const y1 = from.y + H / 2;
      const x2 = to.x;
      const y2 = to.y + H / 2;
      const bend = Math.max(30, (x2 - x1) / 2);
      edges.push(`<path class="edge${hl ? " hl" : ""}${(byId.get(d)?.status ?? "") === "done" ? " met" : ""}" d="M${x1} ${y1}C${x1 + bend} ${y1} ${x2 - bend} ${y2} ${x2} ${y2}"/>`);
    }
  }
  const heads = cols.map((c, ci) => `<text class="col-head" x="${ci * (W + COL_GAP) + 10}" y="18">${esc(c.label)}</text>`);
  const nodes: string[] = [];
  for (const [id, p] of at) {
    const t = byId.get(id) as BoardTask;
    const lease = leases.get(id);
    const cls = ["node", `s-${t.status}`, lease ? `held-${lease}` : "", ready.has(id) ? "claimable" : "", id === selected ? "selected" : "", near.has(id) ? "near" : ""].filter(Boolean).join(" ");
    nodes.push(
      `<g class="${cls}" data-task="${esc(id)}" data-status="${esc(t.status)}" transform="translate(${p.x} ${p.y})"><title>${esc(`${t.id}: ${t.title}\n${t.status}${lease ? `, claim ${lease}` : ""}${t.blockedBy.length ? `\nwaiting for ${t.blockedBy.join(", ")}` : ""}`)}</title><rect width="${W}" height="${H}" rx="4"/><text x="8" y="17">${esc(label(t))}</text></g>`,
    );
  }
  // Selected edges last, so they are drawn above the rest.
  edges.sort((a, b) => Number(a.includes(" hl")) - Number(b.includes(" hl")));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="task graph by wave">${heads.join("")}<g class="edges">${edges.join("")}</g><g class="nodes">${nodes.join("")}</g></svg>`;
}
