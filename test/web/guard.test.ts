import { describe, expect, it } from "vitest";
import { ownHosts, refuseForeign, refuseWrite } from "../../src/web/guard.js";

const PORT = 41234;

describe("refuseForeign: only requests addressed to the board itself", () => {
  it.each([
    [`127.0.0.1:${PORT}`, undefined],
    [`localhost:${PORT}`, undefined],
    [`LOCALHOST:${PORT}`, undefined],
    [`127.0.0.1:${PORT}`, `http://127.0.0.1:${PORT}`],
    [`localhost:${PORT}`, `http://127.0.0.1:${PORT}`],
  ])("accepts Host %s with Origin %s", (host, origin) => {
    expect(refuseForeign({ host, origin }, PORT)).toBeNull();
  });

  it.each([
    [undefined, "host"],
    ["", "host"],
    ["127.0.0.1", "host"],
    [`127.0.0.1:${PORT + 1}`, "host"],
    [`attacker.example:${PORT}`, "host"],
    [`127.0.0.1.attacker.example:${PORT}`, "host"],
    [`[::1]:${PORT}`, "host"],
    [`0.0.0.0:${PORT}`, "host"],
  ])("refuses Host %s", (host, reason) => {
    const err = refuseForeign({ host, origin: undefined }, PORT);
    expect(err?.code).toBe("FORBIDDEN");
    expect(err?.data).toEqual({ reason });
    expect(err?.exitCode).toBe(2);
    expect(err?.hint).toContain("DNS rebinding");
  });

  it.each(["null", "http://attacker.example", `https://127.0.0.1:${PORT}`, `http://127.0.0.1:${PORT + 1}`, `http://127.0.0.1:${PORT}.attacker.example`, ""])("refuses Origin %j", (origin) => {
    const err = refuseForeign({ host: `127.0.0.1:${PORT}`, origin }, PORT);
    expect(err?.data).toEqual({ reason: "origin" });
    expect(err?.message).toContain(`Origin "${origin}"`);
  });

  it("names both of its own addresses", () => {
    expect(ownHosts(PORT)).toEqual([`127.0.0.1:${PORT}`, `localhost:${PORT}`]);
  });
});

describe("refuseWrite: writes need --allow-writes and this run's token", () => {
  const token = "a".repeat(32);

  it("lets the right token through", () => {
    expect(refuseWrite(token, true, token)).toBeNull();
  });

  it.each([
    [undefined, "token"],
    ["", "token"],
    ["a".repeat(31), "token"],
    ["b".repeat(32), "token"],
    [`${token}x`, "token"],
  ])("refuses token %j", (given, reason) => {
    expect(refuseWrite(given, true, token)?.data).toEqual({ reason });
  });

  it("refuses everything on a read-only board, even a plausible token", () => {
    expect(refuseWrite(token, false, null)?.data).toEqual({ reason: "read-only" });
    expect(refuseWrite(token, false, token)?.data).toEqual({ reason: "read-only" });
  });
});
