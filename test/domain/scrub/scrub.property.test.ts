import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scrubSecrets } from "../../../src/domain/scrub/index.js";
import { SECRETS, render } from "./samples/fake-secrets.js";
import type { SecretName } from "./samples/fake-secrets.js";
import { FALSE_POSITIVES, SAMPLES } from "./samples/realistic.js";

/** Secrets recognizable by shape alone, wherever they appear between words. */
const SHAPED: SecretName[] = [
  "awsKeyId",
  "awsSessionKeyId",
  "githubClassic",
  "githubOauth",
  "githubServer",
  "githubUser",
  "githubRefresh",
  "githubFineGrained",
  "gitlab",
  "slackBot",
  "slackUser",
  "stripeLive",
  "stripeTest",
  "stripeRestricted",
  "stripeWebhook",
  "openaiLegacy",
  "openaiProject",
  "anthropic",
  "google",
  "googleOauth",
  "npm",
  "jwt",
  "pemRsa",
  "pemOpenssh",
  "pemEc",
  "pemEncrypted",
  "pemLegacyEncrypted",
  "pemPkcs8Escaped",
];

const PROSE = [
  "the", "token", "expired", "password", "reset", "flow", "secret", "key", "api", "Authorization", "failed",
  "login", "user", "tests", "passed", "src/auth/token.ts", "test/export/csv.test.ts", "1234", "v4.1.12",
  "9fceb02d0ae598e95dc970b74767f19372d61af8", "123e4567-e89b-12d3-a456-426614174000",
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "(classic)", "done.", "ok,", "→", "✓",
];

/** Fragments that collide with rule syntax, to shake out idempotence bugs at odd junctions. */
const TRICKY = [
  "password=", "TOKEN: ", '"apiKey": "', "'secret': '", "--password ", "--api-key=", "Authorization: Bearer ",
  "Authorization: ", "Bearer ", "https://user:", "@host/", "://", "Cookie: a=", "Set-Cookie: s=", "; ",
  "-----BEGIN RSA PRIVATE KEY-----", "-----END PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----\\n",
  "machine h login u password ", "docker login -u a -p ", "curl -u a:", "?token=", "&", "[REDACTED:", "]",
  "[REDACTED:jwt]", "\n", "\r\n", " ", "\t", '"', "'", "\\\"", "=", ":", ";", ",", "eyJ", "ghp_", "sk-", "AKIA",
  "xoxb-", "glpat-", "npm_", "AIza", "/", "{", "}",
];

const base64Run = fc.stringMatching(/^[A-Za-z0-9+/]{8,48}={0,2}$/);
const secretValue = fc.stringMatching(/^[A-Za-z0-9_+/]{14,40}$/).filter((s) => /[0-9]/.test(s) && /[A-Za-z]/.test(s));

const trickyText = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...TRICKY) },
      { weight: 2, arbitrary: fc.constantFrom(...PROSE) },
      { weight: 2, arbitrary: fc.constantFrom(...(Object.keys(SECRETS) as SecretName[])).map((k) => SECRETS[k]) },
      { weight: 2, arbitrary: base64Run },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(""));

describe("scrubSecrets properties", () => {
  it("is idempotent: scrubbing scrubbed text changes nothing and reports nothing", () => {
    fc.assert(
      fc.property(trickyText, (text) => {
        const once = scrubSecrets(text);
        const twice = scrubSecrets(once.text);
        expect(twice.text).toBe(once.text);
        expect(twice.redactions).toEqual([]);
      }),
      { numRuns: 1500 },
    );
  });

  it("is idempotent on every realistic sample", () => {
    for (const [, template] of SAMPLES) {
      const once = scrubSecrets(render(template).input);
      expect(scrubSecrets(once.text)).toEqual({ text: once.text, redactions: [] });
    }
  });

  it("lets no shaped secret through, whatever prose surrounds it", () => {
    const separator = fc.constantFrom(" ", "\n", "\t", ", ", " (", ") ", "=", ": ", '"', "'");
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...PROSE), separator), { maxLength: 8 }),
        fc.constantFrom(...SHAPED),
        separator,
        fc.array(fc.tuple(separator, fc.constantFrom(...PROSE)), { maxLength: 8 }),
        (before, secret, glue, after) => {
          const text = `${before.map(([w, s]) => w + s).join("")}${SECRETS[secret]}${glue}${after.map(([s, w]) => s + w).join("")}`;
          expect(scrubSecrets(text).text).not.toContain(SECRETS[secret]);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("lets no assigned secret through, in any of the assignment forms", () => {
    const forms: Array<(v: string) => string> = [
      (v) => `PASSWORD=${v}`,
      (v) => `export API_TOKEN=${v}`,
      (v) => `db_password = ${v}`,
      (v) => `\npassword: ${v}`,
      (v) => `\n  client_secret: "${v}"`,
      (v) => `{"apiKey":"${v}"}`,
      (v) => `{'secret': '${v}'}`,
      (v) => `--password ${v}`,
      (v) => `--client-secret="${v}"`,
      (v) => `https://api.example.com/x?access_token=${v}&page=2`,
      // Percent-encoded, as in a real URL: a raw "/" would end the authority (RFC 3986).
      (v) => `postgres://app:${encodeURIComponent(v)}@db:5432/app`,
      (v) => `Authorization: Bearer ${v}`,
      (v) => `authorization: Basic ${v}`,
      (v) => `Cookie: sid=${v}; theme=dark`,
      (v) => `docker login -u me -p ${v} ghcr.io`,
      (v) => `curl -u me:${v} https://x`,
      (v) => `machine example.com login me password ${v}`,
      (v) => `Server=db;User Id=sa;Password=${v};`,
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...PROSE),
        fc.integer({ min: 0, max: forms.length - 1 }),
        secretValue,
        fc.constantFrom(...PROSE),
        (before, form, value, after) => {
          const text = `${before} ${(forms[form] as (v: string) => string)(value)} ${after}`;
          const result = scrubSecrets(text);
          expect(result.text).not.toContain(value);
          expect(result.text).not.toContain(encodeURIComponent(value));
          expect(result.redactions.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("leaves ordinary prose and identifiers untouched", () => {
    const word = fc.constantFrom(...PROSE);
    const glue = fc.constantFrom(" ", "\n", ". ", ", ", " - ", "/", "\t");
    fc.assert(
      fc.property(fc.array(fc.tuple(word, glue), { maxLength: 30 }), (parts) => {
        const text = parts.map(([w, g]) => w + g).join("");
        expect(scrubSecrets(text)).toEqual({ text, redactions: [] });
      }),
      { numRuns: 1000 },
    );
  });

  it("leaves the false-positive samples untouched even when concatenated", () => {
    const all = FALSE_POSITIVES.map(([, text]) => text).join("\n");
    expect(scrubSecrets(all)).toEqual({ text: all, redactions: [] });
  });
});

const MB = 1 << 20;
const fill = (unit: string, size = MB): string => unit.repeat(Math.ceil(size / unit.length));

/**
 * Inputs shaped to make a backtracking regex go quadratic or worse. The assertion is that
 * each completes within the (generous) test timeout; no latency is measured.
 */
const PATHOLOGICAL: Array<[string, () => string]> = [
  ["one long word", () => fill("a")],
  ["one long base64 line", () => fill("aB3+/x9Z")],
  ["blanks only", () => fill(" ")],
  ["tabs only", () => fill("\t")],
  ["newlines only", () => fill("\n")],
  ["hyphenated run", () => fill("a-")],
  ["dotted run", () => fill("a.")],
  ["unterminated BEGIN markers", () => fill("-----BEGIN RSA PRIVATE KEY-----\n")],
  ["BEGIN with an endless blank line", () => `-----BEGIN PRIVATE KEY-----${fill(" ")}`],
  ["BEGIN followed by blank lines", () => `-----BEGIN PRIVATE KEY-----\n${fill(" \n")}`],
  ["orphan END markers with bodies", () => fill(`${"A".repeat(64)}\n-----END PRIVATE KEY-----\n`)],
  ["orphan END markers glued together", () => fill("-----END PRIVATE KEY-----")],
  ["END after a huge body", () => `${fill(`${"Q".repeat(64)}\n`)}-----END PRIVATE KEY-----`],
  ["almost-JWT prefix", () => `eyJ${fill("a")}`],
  ["repeated JWT fragments", () => fill("eyJhbGciOi.eyJzdWIiOi.")],
  ["almost-GitHub token", () => `ghp_${fill("a")}`],
  ["repeated key prefixes", () => fill("sk-ghp_AKIAxoxb-glpat-npm_AIza")],
  ["URL schemes without hosts", () => fill("https://a:")],
  ["scheme then endless colons", () => `x://${fill(":")}`],
  ["scheme then endless at-signs", () => `a://b:${fill("@")}`],
  ["password= repeated", () => fill("password=")],
  ["password: lines", () => fill("password: x\n")],
  ["JSON key openers", () => fill('"password":"')],
  ["escaped JSON keys", () => fill('\\"a\\":')],
  ["--password repeated", () => fill("--password ")],
  ["login with endless blanks", () => `login ${fill(" ")}-p x`],
  ["login -p repeated", () => fill("login -p ")],
  ["-u user: repeated", () => fill("-u a:")],
  ["netrc fragments", () => fill("machine a login b ")],
  ["Authorization: repeated", () => fill("Authorization: ")],
  ["Bearer then endless token", () => `Bearer ${fill("a1")}`],
  ["Cookie with many pairs", () => `Cookie: ${fill("a=b;")}`],
  ["a= repeated", () => fill("a=")],
  ["marker openers", () => fill("[REDACTED:")],
  ["quotes only", () => fill("\"'")],
];

describe("linear time on large and pathological inputs", () => {
  it("scrubs 1 MB of realistic output completely", { timeout: 30_000 }, () => {
    // The cut-off-key sample is left out: its unterminated BEGIN would rightly pair with the
    // END of a key in the next copy, which is a different (correct) answer than per-copy.
    const rendered = SAMPLES.filter(([name]) => !name.includes("cut")).map(([, template]) => render(template));
    const unit = rendered.map((r) => r.input).join("\n");
    const expectedUnit = rendered.map((r) => r.expected).join("\n");
    const copies = Math.ceil(MB / unit.length);
    const result = scrubSecrets(Array.from({ length: copies }, () => unit).join("\n"));
    expect(result.text).toBe(Array.from({ length: copies }, () => expectedUnit).join("\n"));
  });

  it.each(PATHOLOGICAL)("%s", { timeout: 30_000 }, (_name, make) => {
    const input = make();
    const result = scrubSecrets(input);
    expect(typeof result.text).toBe("string");
  });
});
