import { createServer, type Server } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planref } from "../helpers/cli.js";
import { cleanupAll, makeRepo, tempDir } from "../helpers/git-repo.js";
import { launchBrowser, serve, stopAll } from "./support.js";

/** How `planref serve` starts, refuses to start, and copes with a repository that has no state yet. */

afterAll(() => {
  stopAll();
  cleanupAll();
});

describe("planref serve refuses to start, with the CLI's error codes", () => {
  it("--json: it has no single result to print", async () => {
    const repo = makeRepo();
    const r = await planref(["serve", "--json"], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(2);
    expect(r.json?.error).toMatchObject({ code: "USAGE", message: expect.stringContaining("--json does not apply") });
  });

  it.each(["70000", "-1", "http", "8080.5"])("--port %s", async (port) => {
    const repo = makeRepo();
    const r = await planref(["serve", "--port", port], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("port");
  });

  it("a port already taken on 127.0.0.1", async () => {
    const repo = makeRepo();
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const r = await planref(["serve", "--port", String(port)], { cwd: repo.dir, env: repo.env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`port ${port} is already in use on 127.0.0.1`);
      expect(r.stderr).toContain("--port 0");
    } finally {
      taken.close();
    }
  });

  it("outside a git repository", async () => {
    const dir = tempDir();
    const r = await planref(["serve"], { cwd: dir, env: makeRepo().env });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("not");
  });
});

describe("a board started before planref init", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("says how to create the state, then shows it once planref init ran", async () => {
    const repo = makeRepo();
    const board = await serve(repo);
    const page = await browser.newPage();
    try {
      await page.goto(board.url);
      const banner = page.locator("#state-error");
      await banner.waitFor({ state: "visible" });
      await expect(banner.textContent()).resolves.toMatch(/STATE_NOT_INITIALIZED.*planref init/s);
      const r = await planref(["init", "--name", "later"], { cwd: repo.dir, env: repo.env });
      expect(r.code).toBe(0);
      await page.waitForFunction(() => document.querySelector("#project")?.textContent === "later", undefined, { timeout: 2000 });
      await expect(banner.isHidden()).resolves.toBe(true);
    } finally {
      await page.close();
      expect(await board.stop()).toBe(0);
    }
  });
});
