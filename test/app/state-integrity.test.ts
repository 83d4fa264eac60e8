import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openProject } from "../../src/runtime/open-project.js";
import { cleanupAll, fsckOk, makeRepo } from "../helpers/git-repo.js";
import { handCommit } from "../helpers/hand-commit.js";

afterAll(cleanupAll);

async function initialized() {
  const repo = makeRepo();
  const p = openProject({ cwd: repo.dir, env: repo.env });
  await p.init({ name: "demo" });
  await p.close();
  return repo;
}

async function attempt<T>(repo: { dir: string; env: NodeJS.ProcessEnv }, fn: (p: ReturnType<typeof openProject>) => Promise<T>) {
  const p = openProject({ cwd: repo.dir, env: repo.env });
  try {
    return await fn(p);
  } finally {
    await p.close();
  }
}

describe("state integrity against bad input", () => {
  it("a missing ref is STATE_NOT_INITIALIZED with a hint", async () => {
    const repo = makeRepo();
    await expect(attempt(repo, (p) => p.status())).rejects.toMatchObject({ code: "STATE_NOT_INITIALIZED", exitCode: 4, hint: expect.stringContaining("planref init") });
    await expect(attempt(repo, (p) => p.log())).rejects.toMatchObject({ code: "STATE_NOT_INITIALIZED" });
  });

  it("a hand-made commit with an invalid document is reported with path and commit, and writes on top are refused", async () => {
    const repo = await initialized();
    const bad = handCommit(repo, { "plan.yaml": "formatVersion: 1\nproject: {name: demo}\nsettings: {}\nsurprise: true\n" });
    const err = await attempt(repo, (p) => p.status()).catch((e) => e);
    expect(err).toMatchObject({ code: "INVALID_STATE", exitCode: 5 });
    expect(err.message).toContain("plan.yaml");
    expect(err.message).toContain(bad.slice(0, 12));
    expect(err.data.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: "plan.yaml", commit: bad, message: expect.stringContaining('unknown key "surprise"') })]));
    const before = repo.git("rev-parse", "refs/plan/state").trim();
    await expect(attempt(repo, (p) => p.init())).rejects.toMatchObject({ code: "INVALID_STATE" });
    expect(repo.git("rev-parse", "refs/plan/state").trim()).toBe(before);
    const doctor = await attempt(repo, (p) => p.doctor()).catch((e) => e);
    expect(doctor.code).toBe("UNHEALTHY");
    expect(doctor.data.checks.find((c: { name: string }) => c.name === "documents").issues[0]).toMatchObject({ path: "plan.yaml", commit: bad });
  });

  it("an alias bomb pushed by hand is refused, not expanded", async () => {
    const repo = await initialized();
    const bomb = `a: &a [x,x,x,x,x,x,x,x,x,x]\n${Array.from({ length: 9 }, (_, i) => `l${i}: &l${i} [${Array(10).fill(i === 0 ? "*a" : `*l${i - 1}`).join(",")}]`).join("\n")}\n`;
    handCommit(repo, { "plan.yaml": bomb });
    const err = await attempt(repo, (p) => p.status()).catch((e) => e);
    expect(err.code).toBe("INVALID_STATE");
    expect(err.data.issues[0]).toMatchObject({ path: "plan.yaml", message: expect.stringMatching(/alias/) });
  });

  it("an oversized document and a file at an unknown path are named", async () => {
    const repo = await initialized();
    handCommit(repo, { "tasks/ab/huge.yaml": `id: huge\nintent: "${"x".repeat(1_100_000)}"\n`, "notes.txt": "hello" });
    const err = await attempt(repo, (p) => p.status()).catch((e) => e);
    const messages = err.data.issues.map((i: { path: string; message: string }) => `${i.path}: ${i.message}`);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/^tasks\/ab\/huge\.yaml: document is \d+ bytes; the limit is 1048576/), "notes.txt: unexpected file in the state tree"]));
  });

  it("a path with .. or a document in the wrong shard is named", async () => {
    const repo = await initialized();
    handCommit(repo, { "tasks/00/x..y.yaml": "id: x\n" });
    const err = await attempt(repo, (p) => p.status()).catch((e) => e);
    expect(err.data.issues[0]).toMatchObject({ path: "tasks/00/x..y.yaml", message: expect.stringContaining("not allowed") });
  });

  it("an unknown format version asks for an upgrade", async () => {
    const repo = await initialized();
    handCommit(repo, { "plan.yaml": "formatVersion: 7\nproject: {name: demo}\nnewThing: 1\n" });
    const err = await attempt(repo, (p) => p.status()).catch((e) => e);
    expect(err).toMatchObject({ code: "FORMAT_VERSION", exitCode: 5, hint: expect.stringContaining("upgrade planref") });
    expect(err.message).toContain("version 7");
  });

  it("after restoring a good commit with git update-ref, everything works again", async () => {
    const repo = await initialized();
    const good = repo.git("rev-parse", "refs/plan/state").trim();
    handCommit(repo, { "plan.yaml": "garbage: [" });
    await expect(attempt(repo, (p) => p.status())).rejects.toMatchObject({ code: "INVALID_STATE" });
    repo.git("update-ref", "refs/plan/state", good);
    expect((await attempt(repo, (p) => p.status())).project).toBe("demo");
    expect(fsckOk(repo.dir, repo.env).ok).toBe(true);
  });
});

describe("the snapshot cache", () => {
  const cacheFile = (dir: string) => join(dir, ".git", "planref", "cache", "snapshot");
  /** The cache's parts: magic line, header (JSON) and body of pieces addressed by offset. */
  const parse = (dir: string) => {
    const buf = readFileSync(cacheFile(dir));
    const first = buf.indexOf(0x0a);
    const second = buf.indexOf(0x0a, first + 1);
    return { magic: buf.subarray(0, first + 1), header: JSON.parse(buf.subarray(first + 1, second).toString("utf8")), body: buf.subarray(second + 1) };
  };
  const piece = (body: Buffer, [off, len]: [number, number]) => body.subarray(off, off + len).toString("utf8");
  const rootRows = (dir: string) => {
    const { header, body } = parse(dir);
    return JSON.parse(piece(body, header.root))[1] as Array<[string, string, string, number, number]>;
  };

  it("is written after a read, and a corrupt cache is ignored and rebuilt", async () => {
    const repo = await initialized();
    await attempt(repo, (p) => p.status());
    expect(existsSync(cacheFile(repo.dir))).toBe(true);
    writeFileSync(cacheFile(repo.dir), "{not json");
    expect((await attempt(repo, (p) => p.status())).project).toBe("demo");
    writeFileSync(cacheFile(repo.dir), `planref-snapshot 3\n${JSON.stringify({ key: "x", commit: "y", tree: "z", root: [0, 0] })}\n`);
    expect((await attempt(repo, (p) => p.status())).project).toBe("demo");
  });

  it("is never trusted over the ref: a cache claiming the tip with other content is detected by its tree id", async () => {
    const repo = await initialized();
    await attempt(repo, (p) => p.status());
    const { magic, header } = parse(repo.dir);
    // Claim the tip but describe another tree, with a consistent listing: the commit's real tree id gives it away.
    const text = Buffer.from(JSON.stringify({ formatVersion: 1, project: { name: "tampered" } }));
    const rows = [["plan.yaml", "100644", "1".repeat(40), 0, text.length]];
    const tree = createHash("sha1").update(Buffer.concat([Buffer.from(`tree ${27 + 20}\0`), Buffer.from("100644 plan.yaml\0"), Buffer.from("1".repeat(40), "hex")])).digest("hex");
    const root = Buffer.from(JSON.stringify([tree, rows]));
    writeFileSync(cacheFile(repo.dir), Buffer.concat([magic, Buffer.from(`${JSON.stringify({ ...header, tree, root: [text.length, root.length] })}\n`), text, root]));
    rmSync(join(repo.dir, ".git", "planref", "cache", "views"), { recursive: true, force: true });
    expect((await attempt(repo, (p) => p.status())).project).toBe("demo");
  });

  it("a damaged piece is read from the object database instead", async () => {
    const repo = await initialized();
    await attempt(repo, (p) => p.status());
    rmSync(join(repo.dir, ".git", "planref", "cache", "views"), { recursive: true, force: true });
    const { magic, header, body } = parse(repo.dir);
    const plan = rootRows(repo.dir).find((r) => r[0] === "plan.yaml") as [string, string, string, number, number];
    // Garble the plan's JSON text in place: the listing still matches its tree, the document does not parse.
    const damaged = Buffer.from(body);
    damaged.fill(0x7b, plan[3], plan[3] + plan[4]);
    writeFileSync(cacheFile(repo.dir), Buffer.concat([magic, Buffer.from(`${JSON.stringify(header)}\n`), damaged]));
    expect((await attempt(repo, (p) => p.status())).project).toBe("demo");
    // A write on top reads the plan the same way, and the next reader sees the write.
    expect((await attempt(repo, (p) => p.setConfig({ key: "packet.maxBytes", value: "9000" }))).to).toBe(9000);
    expect((await attempt(repo, (p) => p.getConfig({ key: "packet.maxBytes" }))).value).toBe(9000);
  });

  it("follows the ref when it moves behind the cache's back", async () => {
    const repo = await initialized();
    await attempt(repo, (p) => p.status());
    handCommit(repo, { "plan.yaml": (await attempt(repo, async () => repo.git("show", "refs/plan/state:plan.yaml"))).replace("name: demo", "name: renamed") });
    expect((await attempt(repo, (p) => p.status())).project).toBe("renamed");
    rmSync(join(repo.dir, ".git", "planref"), { recursive: true });
    expect((await attempt(repo, (p) => p.status())).project).toBe("renamed");
  });
});
