/// <reference lib="dom" />
/**
 * The board's page. It polls the tip once a second (one ref read on the server) and reloads
 * the page data only when the tip moved, so a write from any process shows within about a
 * second without reloading the page; lease countdowns tick locally in between.
 */
import type { BoardOverview, BoardTaskDetail } from "../../app/board.js";
import type { LogEntry } from "../../app/log.js";
import { adoptTokenFromLink, ApiError, get, post, setToken, token } from "./api.js";
import { type LeaseState, leaseNow, type ReleaseForm, renderClaims, renderConflicts, tickClaims } from "./claims.js";
import { $, esc, setHtml, statusBadge } from "./dom.js";
import { renderGraph } from "./graph.js";
import { renderSpecs } from "./specs.js";
import { type ReviewForm, renderTask } from "./task-panel.js";
import { type LogFilters, renderFilters, renderTimeline, Seen } from "./timeline.js";

const POLL_MS = 1000;

const state = {
  writes: false,
  actor: null as string | null,
  overview: null as BoardOverview | null,
  /** performance.now() when the overview arrived: countdowns run from there. */
  receivedAt: 0,
  // undefined: nothing shown yet; null: shown that there is no state ref.
  shownTip: undefined as string | null | undefined,
  selected: null as string | null,
  detail: null as BoardTaskDetail | null,
  filters: { actor: "", task: "", op: "" } as LogFilters,
  seen: new Seen(),
  release: null as ReleaseForm | null,
  review: null as ReviewForm | null,
  busy: false,
};

const elapsed = () => (performance.now() - state.receivedAt) / 1000;

function leases(o: BoardOverview): Map<string, LeaseState> {
  return new Map(o.claims.map((c) => [c.task, leaseNow(c, elapsed()).state]));
}

function problem(e: unknown): string {
  if (e instanceof ApiError) return `<b>${esc(e.code)}</b>: ${esc(e.message)}${e.hint ? `<br><span class="small">${esc(e.hint)}</span>` : ""}`;
  return esc(e instanceof Error ? e.message : String(e));
}

function toast(html: string, kind: "ok" | "error"): void {
  const el = $("#toast");
  el.innerHTML = html;
  el.className = `toast ${kind}`;
  el.hidden = false;
  clearTimeout(Number(el.dataset.timer));
  el.dataset.timer = String(setTimeout(() => (el.hidden = true), kind === "ok" ? 4000 : 10000));
}

function renderHeader(o: BoardOverview): void {
  $("#project").textContent = o.project;
  const tip = $("#tip");
  tip.textContent = o.tip.slice(0, 12);
  tip.dataset.tip = o.tip;
  tip.title = `${o.ref} at ${o.tip}`;
  const order = ["draft", "ready", "claimed", "in_progress", "blocked", "submitted", "accepted", "done"];
  const counts = Object.entries(o.byStatus).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
  setHtml($("#counts"), `${counts.map(([s, n]) => `${statusBadge(s)} <b>${n}</b>`).join(" ")} · <b>${o.ready.length}</b> claimable · <b>${o.claims.length}</b> claims`);
}

function renderAll(): void {
  const o = state.overview;
  if (!o) return;
  renderHeader(o);
  $("#claims-body").innerHTML = renderClaims(o.claims, elapsed(), state.writes, state.release);
  setHtml($("#conflicts-body"), renderConflicts(o.conflicts));
  setHtml($("#graph-body"), renderGraph(o, leases(o), state.selected));
  const w = o.waves;
  setHtml(
    $("#waves-notes"),
    `${o.wavesCurrent ? "" : "re-planning waves… · "}${w.waves.length} waves · ${w.inFlight.length} in flight · ${w.needsReview.length} need a readiness review · ${w.unschedulable.length} cannot run${w.notes.length ? `<ul>${w.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : ""}`,
  );
  setHtml($("#specs-body"), renderSpecs(o.specs));
}

function renderDetail(): void {
  const panel = $("#task");
  if (!state.selected) {
    panel.hidden = true;
    return;
  }
  panel.hidden = false;
  if (state.detail && state.detail.task.id === state.selected) setHtml($("#task-body"), renderTask(state.detail, state.writes, state.review));
}

async function loadTask(id: string): Promise<void> {
  try {
    state.detail = await get<BoardTaskDetail>("/api/task", { id });
    state.selected = state.detail.task.id;
  } catch (e) {
    setHtml($("#task-body"), `<p class="error">${problem(e)}</p>`);
    return;
  }
  renderDetail();
}

async function loadTimeline(): Promise<void> {
  try {
    const entries = await get<LogEntry[]>("/api/log", { ...state.filters, limit: "200" });
    state.seen.add(entries);
    setHtml($("#timeline-body"), renderTimeline(entries));
  } catch (e) {
    setHtml($("#timeline-body"), `<p class="error">${problem(e)}</p>`);
  }
  const form = $("#log-filters");
  if (!form.contains(document.activeElement)) setHtml(form, renderFilters(state.filters, state.seen));
}

/** `tip` is the tip the caller just saw: a view that fails to load there is not retried until the tip moves. */
async function refresh(tip?: string | null): Promise<void> {
  try {
    const o = await get<BoardOverview>("/api/board");
    state.overview = o;
    state.receivedAt = performance.now();
    // Waves still being re-planned: fetch again on the next poll even if the tip stays put.
    state.shownTip = o.wavesCurrent ? o.tip : undefined;
    $("#state-error").hidden = true;
    document.body.dataset.tip = o.tip;
    renderAll();
  } catch (e) {
    const err = $("#state-error");
    err.innerHTML = problem(e);
    err.hidden = false;
    state.shownTip = tip;
  }
  await Promise.all([state.selected ? loadTask(state.selected) : Promise.resolve(), loadTimeline()]);
}

async function poll(): Promise<void> {
  if (state.busy) return;
  state.busy = true;
  try {
    const { tip } = await get<{ tip: string | null }>("/api/tip");
    setLive(true);
    if (tip !== state.shownTip) await refresh(tip);
  } catch {
    setLive(false);
  } finally {
    state.busy = false;
  }
}

function setLive(ok: boolean): void {
  const el = $("#live");
  el.className = ok ? "live" : "live down";
  el.textContent = ok ? `live · checked ${new Date().toLocaleTimeString()}` : "disconnected: is planref serve still running?";
}

function tick(): void {
  const o = state.overview;
  if (!o) return;
  tickClaims($("#claims-body"), o.claims, elapsed());
  // A lease that just went stale changes the graph's outline too.
  const svg = $("#graph-body");
  for (const [task, lease] of leases(o)) {
    const node = svg.querySelector(`g[data-task="${CSS.escape(task)}"]`);
    if (node && !node.classList.contains(`held-${lease}`)) {
      node.classList.remove("held-live", "held-expiring", "held-stale");
      node.classList.add(`held-${lease}`);
    }
  }
}

async function act(what: string, path: string, body: unknown): Promise<void> {
  try {
    await post(path, body);
    toast(`${esc(what)}: done`, "ok");
    await refresh();
  } catch (e) {
    toast(problem(e), "error");
  }
}

function select(id: string | null): void {
  state.selected = id;
  state.detail = null;
  if (state.overview) setHtml($("#graph-body"), renderGraph(state.overview, leases(state.overview), id));
  setHtml($("#task-body"), id ? `<p class="muted">loading ${esc(id)}…</p>` : "");
  renderDetail();
  if (id) void loadTask(id);
}

function wire(): void {
  document.addEventListener("click", (ev) => {
    const target = ev.target as Element;
    const link = target.closest<HTMLElement>("[data-task].task-link, g.node[data-task]");
    if (link) {
      ev.preventDefault();
      select(link.dataset.task ?? null);
      return;
    }
    if (target.closest(".close-task")) select(null);
    const open = target.closest<HTMLElement>(".open-release");
    if (open) {
      state.release = { task: open.dataset.task as string, reason: "" };
      renderAll();
      document.querySelector<HTMLInputElement>(".release-form input")?.focus();
    }
    if (target.closest(".cancel-release")) {
      state.release = null;
      renderAll();
    }
  });
  document.addEventListener("input", (ev) => {
    const t = ev.target as HTMLInputElement;
    if (t.closest(".release-form") && state.release) state.release.reason = t.value;
    if (t.closest(".review-form") && state.selected) state.review = { task: state.selected, note: t.value };
  });
  document.addEventListener("submit", (ev) => {
    const form = ev.target as HTMLFormElement;
    ev.preventDefault();
    if (form.id === "log-filters") {
      const data = new FormData(form);
      state.filters = { actor: String(data.get("actor") ?? "").trim(), task: String(data.get("task") ?? "").trim(), op: String(data.get("op") ?? "") };
      void loadTimeline();
    } else if (form.classList.contains("release-form")) {
      const task = form.dataset.task as string;
      const reason = String(new FormData(form).get("reason") ?? "");
      state.release = null;
      void act(`force-release ${task}`, "/api/release", { task, reason });
    } else if (form.classList.contains("review-form")) {
      const verdict = ((ev as SubmitEvent).submitter as HTMLButtonElement | null)?.dataset.verdict ?? "approve";
      const task = form.dataset.task as string;
      const note = String(new FormData(form).get("note") ?? "");
      state.review = null;
      void act(`${verdict} ${task}`, "/api/review", { task, verdict, note });
    } else if (form.id === "token-form") {
      setToken(String(new FormData(form).get("token") ?? "").trim());
      toast(token() ? "token saved for this tab" : "token cleared", "ok");
    }
  });
  $("#log-filters").addEventListener("reset", () => {
    state.filters = { actor: "", task: "", op: "" };
    setTimeout(() => void loadTimeline());
  });
}

async function boot(): Promise<void> {
  adoptTokenFromLink();
  wire();
  try {
    const info = await get<{ writes: boolean; actor: string | null }>("/api/info");
    state.writes = info.writes;
    state.actor = info.actor;
  } catch (e) {
    toast(problem(e), "error");
  }
  const mode = $("#mode");
  mode.textContent = state.writes ? `writes on, acting as ${state.actor ?? "?"}` : "read-only";
  mode.className = state.writes ? "mode writes" : "mode";
  $("#token-form").hidden = !state.writes || token() !== null;
  await poll();
  setInterval(() => void poll(), POLL_MS);
  setInterval(tick, 1000);
}

void boot();
