import { describe, expect, it } from "vitest";
import { SCRUB_RULE_NAMES, redactionMarker, scrubSecrets, secretNameRule } from "../../../src/domain/scrub/index.js";
import { ALL_SECRET_VALUES, SECRETS, render } from "./samples/fake-secrets.js";
import { FALSE_POSITIVES, SAMPLES } from "./samples/realistic.js";

function sortByRule(list: ReadonlyArray<{ rule: string; count: number }>): Array<{ rule: string; count: number }> {
  return [...list].sort((a, b) => a.rule.localeCompare(b.rule));
}

describe("scrubSecrets on realistic samples", () => {
  it.each(SAMPLES)("%s", (_name, template) => {
    const { input, expected, redactions } = render(template);
    const result = scrubSecrets(input);
    expect(result.text).toBe(expected);
    expect(sortByRule(result.redactions)).toEqual(sortByRule(redactions));
    // Counts come out in rule order, one entry per rule.
    const order = result.redactions.map((r) => SCRUB_RULE_NAMES.indexOf(r.rule));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    for (const secret of ALL_SECRET_VALUES) expect(result.text).not.toContain(secret);
  });

  it("every sample secret is exercised by some sample", () => {
    const used = new Set<string>();
    for (const [, template] of SAMPLES) template((secret, rule) => (used.add(secret), rule));
    expect([...used].sort()).toEqual(Object.keys(SECRETS).sort());
  });

  it("preserves CRLF line endings and surrounding bytes exactly", () => {
    const input = `TOKEN=${SECRETS.opaque}\r\npassword: ${SECRETS.password}\r\nplain line\r\n`;
    expect(scrubSecrets(input).text).toBe(
      "TOKEN=[REDACTED:secret-assignment]\r\npassword: [REDACTED:secret-assignment]\r\nplain line\r\n",
    );
  });

  it("redacts a secret of each shape on its own", () => {
    const cases: Array<[string, string]> = [
      [SECRETS.awsKeyId, "aws-access-key-id"],
      [SECRETS.githubClassic, "github-token"],
      [SECRETS.githubFineGrained, "github-token"],
      [SECRETS.gitlab, "gitlab-token"],
      [SECRETS.slackBot, "slack-token"],
      [SECRETS.stripeLive, "stripe-key"],
      [SECRETS.openaiLegacy, "openai-key"],
      [SECRETS.openaiProject, "openai-key"],
      [SECRETS.anthropic, "anthropic-key"],
      [SECRETS.google, "google-api-key"],
      [SECRETS.npm, "npm-token"],
      [SECRETS.jwt, "jwt"],
      [SECRETS.pemRsa, "private-key"],
    ];
    for (const [secret, rule] of cases) {
      expect(scrubSecrets(`before ${secret} after`)).toEqual({
        text: `before ${redactionMarker(rule)} after`,
        redactions: [{ rule, count: 1 }],
      });
    }
  });

  it("keeps user and host of a URL, redacting only the password (even one containing @ and :)", () => {
    expect(scrubSecrets("mysql://root:p@ss:w0rd@db:3306/app").text).toBe("mysql://root:[REDACTED:url-credentials]@db:3306/app");
    expect(scrubSecrets("amqp://guest:guest@localhost/").text).toBe("amqp://guest:[REDACTED:url-credentials]@localhost/");
  });

  // Found by the idempotence property: a redaction completes a match next to it, so one
  // pass of the rules is not a fixpoint.
  it.each([
    "Bearer 9fceb02d0ae598e95dc970b74767f19372d61af8--api-key=password=",
    "Cookie: a=;Bearer 00A/+00A0AaA0a+A=//A+//aa",
    `password="apiKey": "${SECRETS.awsKeyId}'secret': 'the`,
  ])("reaches a fixpoint at odd junctions: %j", (text) => {
    const once = scrubSecrets(text);
    expect(once.redactions.length).toBeGreaterThan(0);
    expect(scrubSecrets(once.text)).toEqual({ text: once.text, redactions: [] });
  });

  it("returns no redactions for clean text", () => {
    expect(scrubSecrets("all 17 tests passed")).toEqual({ text: "all 17 tests passed", redactions: [] });
    expect(scrubSecrets("")).toEqual({ text: "", redactions: [] });
  });
});

describe("secretNameRule", () => {
  it.each([
    ["password", "secret-assignment"],
    ["PASSWORD", "secret-assignment"],
    ["db_password", "secret-assignment"],
    ["PGPASSWORD", "secret-assignment"],
    ["passwd", "secret-assignment"],
    ["passphrase", "secret-assignment"],
    ["MYSQL_PWD", "secret-assignment"],
    ["api_key", "secret-assignment"],
    ["apiKey", "secret-assignment"],
    ["x-api-key", "secret-assignment"],
    ["OPENAI_API_KEY", "secret-assignment"],
    ["secret", "secret-assignment"],
    ["client_secret", "secret-assignment"],
    ["clientSecret", "secret-assignment"],
    ["SECRET_KEY", "secret-assignment"],
    ["secret_key_base", "secret-assignment"],
    ["token", "secret-assignment"],
    ["access_token", "secret-assignment"],
    ["refreshToken", "secret-assignment"],
    ["_authToken", "secret-assignment"],
    ["X-Auth-Token", "secret-assignment"],
    ["private_key", "secret-assignment"],
    ["client-key-data", "secret-assignment"],
    ["AccountKey", "secret-assignment"],
    ["auth", "secret-assignment"],
    ["aws_secret_access_key", "aws-secret-access-key"],
    ["SecretAccessKey", "aws-secret-access-key"],
  ])("%s is secret-ish (%s)", (name, rule) => {
    expect(secretNameRule(name)).toBe(rule);
  });

  it.each([
    "PWD",
    "OLDPWD",
    "token_type",
    "max_tokens",
    "input_tokens",
    "tokenizer",
    "password_min_length",
    "PASSWORD_STORE_DIR",
    "secret_name",
    "secrets",
    "auths",
    "author",
    "private_key_id",
    "aws_access_key_id",
    "client-certificate-data",
    "certificate-authority-data",
    "tokenUrl",
    "GIT_ASKPASS",
    "SSH_AUTH_SOCK",
    "user",
    "username",
  ])("%s is not", (name) => {
    expect(secretNameRule(name)).toBeNull();
  });
});

describe("false positives: ordinary output stays byte for byte", () => {
  it.each(FALSE_POSITIVES)("%s", (_name, text) => {
    expect(scrubSecrets(text)).toEqual({ text, redactions: [] });
  });
});
