import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, planref } from "../helpers/cli.js";
import { cleanupAll, tempDir } from "../helpers/git-repo.js";
import { inv, launchBrowser, raw, ROOT, type Seeded, seed, serve, type Served, stopAll, tipOf } from "./support.js";

/**
 * `planref serve` end to end: the built binary serves a repository seeded through the CLI,
 * and headless Chromium reads the page as a person would. Tests in a describe share one
 * server and run in order.
 */

const ARTIFACTS = join(ROOT, "test-artifacts");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  stopAll();
  cleanupAll();
});

function must(r: CliResult): CliResult {
  if (r.code !== 0) throw new Error(`planref exited ${r.code}: ${r.stdout}${r.stderr}`);
  return r;
}

async function open(url: string): Promise<{ page: Page; navigations: () => number; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  let navigations = 0;
  page.on("framenavigated", (f) => {
    if (f === page.mainFrame()) navigations++;
  });
  await page.goto(url);
  await page.waitForSelector("#graph-body svg");
  return { page, navigations: () => navigations, errors };
}

describe("the read-only board", () => {
  let s: Seeded;
  let board: Served;
  let page: Page;
  let navigations: () => number;
  let errors: string[];

  beforeAll(async () => {
    s = await seed();
    board = await serve(s.repo);
    ({ page, navigations, errors } = await open(board.url));
  });

  afterAll(async () => {
    await page?.close();
    expect(await board.stop()).toBe(0);
    expect(board.out()).toContain("board stopped");
  });

  it("prints its loopback address and says it is read-only", () => {
    expect(board.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(board.token).toBeNull();
    expect(board.out()).toContain("read-only");
  });

  it("shows the seeded tasks in wave columns, with their status", async () => {
    for (const t of ["T001", "T002", "T003", "T004", "T005"]) await expect(page.locator(`g.node[data-task="${inv(t)}"]`).count()).resolves.toBe(1);
    await expect(page.locator(`g.node[data-task="${s.docsTask}"]`).getAttribute("data-status")).resolves.toBe("ready");
    await expect(page.locator(`g.node[data-task="${inv("T001")}"]`).getAttribute("data-status")).resolves.toBe("claimed");
    await expect(page.locator(`g.node[data-task="${inv("T005")}"]`).getAttribute("data-status")).resolves.toBe("draft");
    // T003 and T004 wait for T001 and T002, T005 for T004: three columns at least, and edges between them.
    const heads = await page.locator("svg .col-head").allTextContents();
    expect(heads.filter((h) => h.startsWith("wave")).length).toBeGreaterThanOrEqual(3);
    expect(await page.locator("svg path.edge").count()).toBe(5);
    await expect(page.locator("#project").textContent()).resolves.toBe("shop");
    await expect(page.locator("#tip").getAttribute("data-tip")).resolves.toBe(tipOf(s.repo));
    await expect(page.locator("#mode").textContent()).resolves.toBe("read-only");
  });

  it("shows live claims with holder and a ticking countdown, and the old claim as stale", async () => {
    const alice = page.locator(`tr[data-claim="${inv("T001")}"]`);
    await expect(alice.getAttribute("data-state")).resolves.toBe("live");
    await expect(alice.textContent()).resolves.toContain("alice");
    const before = await alice.locator(".lease-text").textContent();
    expect(before).toMatch(/^1[45]m \d\ds left$/);
    await page.waitForTimeout(1100);
    expect(await alice.locator(".lease-text").textContent()).not.toBe(before);

    const bob = page.locator(`tr[data-claim="${inv("T002")}"]`);
    await expect(bob.getAttribute("data-state")).resolves.toBe("stale");
    await expect(bob.locator(".lease-badge").textContent()).resolves.toBe("STALE");
    await expect(bob.textContent()).resolves.toMatch(/bob.*stale for 4\dm \d\ds: anyone may take it over/s);
    await expect(page.locator(`g.node[data-task="${inv("T002")}"]`).getAttribute("class")).resolves.toContain("held-stale");
    await expect(page.locator(`g.node[data-task="${inv("T001")}"]`).getAttribute("class")).resolves.toContain("held-live");
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "board.png"), fullPage: true });
  });

  it("updates within 2 s of a claim made with the CLI, without reloading", async () => {
    expect(await page.locator(`tr[data-claim="${s.docsTask}"]`).count()).toBe(0);
    const shown = navigations();
    await s.cli("carol", ["claim", s.docsTask]);
    const t0 = Date.now();
    await page.locator(`tr[data-claim="${s.docsTask}"]`).waitFor({ timeout: 2000 });
    const ms = Date.now() - t0;
    expect(ms).toBeLessThan(2000);
    await expect(page.locator(`tr[data-claim="${s.docsTask}"]`).textContent()).resolves.toContain("carol");
    await expect(page.locator(`g.node[data-task="${s.docsTask}"]`).getAttribute("data-status")).resolves.toBe("claimed");
    await expect(page.locator("#tip").getAttribute("data-tip")).resolves.toBe(tipOf(s.repo));
    expect(navigations()).toBe(shown);
  });

  it("shows a task's packet, evidence and gate report, and the audit timeline with filters", async () => {
    await page.click(`g.node[data-task="${inv("T001")}"]`);
    const panel = page.locator("#task");
    await panel.locator(".gate").waitFor();
    await expect(panel.locator(".gate").getAttribute("data-gate")).resolves.toBe("refused");
    await expect(panel.locator(".gate").textContent()).resolves.toContain("the task has no submission");
    await expect(panel.locator(".packet pre").textContent()).resolves.toContain("Invoice to CSV serializer");
    await expect(panel.textContent()).resolves.toContain("No evidence recorded.");

    const ops = await page.locator("#timeline tbody tr").evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.op));
    expect(ops.slice(0, 3)).toEqual(["claim", "claim", "claim"]);
    expect(ops.at(-1)).toBe("init");
    await page.fill('#log-filters input[name="actor"]', "bob");
    await page.click('#log-filters button[type="submit"]');
    await page.waitForFunction(() => document.querySelectorAll("#timeline tbody tr").length === 1);
    await expect(page.locator("#timeline tbody tr").textContent()).resolves.toContain(inv("T002"));
    await page.click('#log-filters button[type="reset"]');
    await page.selectOption('#log-filters select[name="op"]', "task-review");
    await page.click('#log-filters button[type="submit"]');
    await page.waitForFunction(() => Array.from(document.querySelectorAll("#timeline tbody tr")).every((r) => (r as HTMLElement).dataset.op === "task-review"));
    expect(await page.locator("#timeline tbody tr").count()).toBe(3);
    expect(errors).toEqual([]);
  });

  it("refuses requests addressed to another host or from another origin (DNS rebinding)", async () => {
    const evil = await raw(board.port, { path: "/api/board", headers: { Host: "attacker.example:80" } });
    expect(evil.status).toBe(403);
    expect(evil.body.error).toMatchObject({ code: "FORBIDDEN", details: { reason: "host" }, message: expect.stringContaining('Host "attacker.example:80" is not this board') });
    const page403 = await raw(board.port, { path: "/", headers: { Host: `rebound.example:${board.port}` } });
    expect(page403.status).toBe(403);
    const origin = await raw(board.port, { path: "/api/tip", headers: { Origin: "http://attacker.example" } });
    expect(origin.status).toBe(403);
    expect(origin.body.error.details.reason).toBe("origin");
    expect((await raw(board.port, { path: "/api/tip", headers: { Host: `localhost:${board.port}`, Origin: `http://localhost:${board.port}` } })).status).toBe(200);
    expect((await raw(board.port, { path: "/api/tip" })).body).toEqual({ ok: true, data: { tip: tipOf(s.repo) } });
  });

  it("refuses writes when started without --allow-writes, token or not", async () => {
    const tip = tipOf(s.repo);
    const r = await raw(board.port, { method: "POST", path: "/api/release", headers: { "Content-Type": "application/json", "X-Planref-Token": "anything" }, body: JSON.stringify({ task: inv("T002"), reason: "stale" }) });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: "FORBIDDEN", details: { reason: "read-only" } });
    expect(tipOf(s.repo)).toBe(tip);
    expect(await page.locator(".open-release").count()).toBe(0);
  });

  it("updates within 2 s when the ref moves from a linked worktree or a sync, without reloading", async () => {
    const shown = navigations();
    const row = page.locator(`tr[data-claim="${s.docsTask}"]`);
    await expect(row.textContent()).resolves.toContain("carol");

    // A linked worktree shares the ref: carol releases from there.
    const worktree = join(tempDir(), "docs");
    s.repo.git("worktree", "add", "-q", "-b", "docs", worktree);
    must(await planref(["release", s.docsTask], { cwd: worktree, env: { ...s.repo.env, PLANREF_ACTOR: "carol" } }));
    let t0 = Date.now();
    await row.waitFor({ state: "detached", timeout: 2000 });
    expect(Date.now() - t0).toBeLessThan(2000);

    // Another clone claims and pushes; the board's repository syncs and fast-forwards to it.
    const remote = join(tempDir(), "remote.git");
    s.repo.git("init", "-q", "--bare", remote);
    s.repo.git("remote", "add", "origin", remote);
    must(await s.cli("lead", ["sync"]));
    const clone = join(tempDir(), "clone");
    s.repo.git("clone", "-q", remote, clone);
    const dave = (args: string[]) => planref(args, { cwd: clone, env: { ...s.repo.env, PLANREF_ACTOR: "dave" } });
    must(await dave(["init"]));
    must(await dave(["claim", s.docsTask]));
    must(await dave(["sync"]));
    const synced = must(await s.cli("lead", ["sync", "--json"]));
    expect(synced.json?.data.action).toBe("fast-forward");
    t0 = Date.now();
    await row.waitFor({ timeout: 2000 });
    expect(Date.now() - t0).toBeLessThan(2000);
    await expect(row.textContent()).resolves.toContain("dave");
    await expect(page.locator("#tip").getAttribute("data-tip")).resolves.toBe(tipOf(s.repo));
    expect(navigations()).toBe(shown);
    expect(errors).toEqual([]);
  });
});

describe("the board with --allow-writes", () => {
  let s: Seeded;
  let board: Served;

  beforeAll(async () => {
    s = await seed();
    await s.cli("alice", ["submit", "T001", "--summary", "CSV serializer done"]);
    board = await serve(s.repo, ["--allow-writes"], { PLANREF_ACTOR: "reviewer" });
  });

  afterAll(async () => {
    expect(await board.stop()).toBe(0);
  });

  it("prints a per-run token, carried in the link's fragment", async () => {
    expect(board.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(board.out()).toContain(`X-Planref-Token: ${board.token}`);
    const again = await serve(s.repo, ["--allow-writes"]);
    expect(again.token).not.toBe(board.token);
    await again.stop();
  });

  it("refuses a write without the token or with a wrong one, and changes nothing", async () => {
    const tip = tipOf(s.repo);
    const body = JSON.stringify({ task: inv("T002"), reason: "stale" });
    const none = await raw(board.port, { method: "POST", path: "/api/release", headers: { "Content-Type": "application/json" }, body });
    expect(none.status).toBe(403);
    expect(none.body.error).toMatchObject({ code: "FORBIDDEN", details: { reason: "token" } });
    const wrong = await raw(board.port, { method: "POST", path: "/api/release", headers: { "Content-Type": "application/json", "X-Planref-Token": "x".repeat(32) }, body });
    expect(wrong.status).toBe(403);
    const foreign = await raw(board.port, { method: "POST", path: "/api/release", headers: { "Content-Type": "application/json", "X-Planref-Token": board.token as string, Origin: "http://attacker.example" }, body });
    expect(foreign.status).toBe(403);
    expect(tipOf(s.repo)).toBe(tip);
  });

  it("a write with the token goes through the use case: bad input gets the CLI's error code", async () => {
    const headers = { "Content-Type": "application/json", "X-Planref-Token": board.token as string };
    const noReason = await raw(board.port, { method: "POST", path: "/api/release", headers, body: JSON.stringify({ task: inv("T002") }) });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.code).toBe("USAGE");
    const unknown = await raw(board.port, { method: "POST", path: "/api/release", headers, body: JSON.stringify({ task: "nope", reason: "x" }) });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("NOT_FOUND");
    const notJson = await raw(board.port, { method: "POST", path: "/api/review", headers: { ...headers, "Content-Type": "text/plain" }, body: "approve" });
    expect(notJson.status).toBe(400);
  });

  it("reviews a submission and force-releases a stale claim from the page, as the board's actor", async () => {
    const { page, errors } = await open(board.url);
    await expect(page.locator("#mode").textContent()).resolves.toBe("writes on, acting as reviewer");
    // The token came in the link's fragment, which the page drops from the address bar.
    expect(page.url()).toBe(board.base);

    await page.click(`tr[data-claim="${inv("T002")}"] .open-release`);
    await page.fill(".release-form input", "bob's lease ran out an hour ago");
    await page.click('.release-form button[type="submit"]');
    await page.locator(`tr[data-claim="${inv("T002")}"]`).waitFor({ state: "detached", timeout: 5000 });

    await page.click(`g.node[data-task="${inv("T001")}"]`);
    await page.locator(".review-form").waitFor();
    await page.fill(".review-form textarea", "looks right");
    await page.click('.review-form button[data-verdict="approve"]');
    await page.waitForFunction((id) => document.querySelector(`g.node[data-task="${id}"]`)?.getAttribute("data-status") === "accepted", inv("T001"), { timeout: 5000 });

    const log = await s.cli("lead", ["log", "--limit", "2", "--json"]);
    const [review, release] = log.json?.data.entries ?? [];
    expect(review).toMatchObject({ op: "review", actor: "reviewer", task: inv("T001") });
    expect(release).toMatchObject({ op: "force-release", actor: "reviewer", task: inv("T002") });
    expect(release.trailers["Planref-Holder"]).toEqual(["bob"]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
