/**
 * The secret formats the evidence scrubber recognizes.
 *
 * What counts as a secret: credentials with a recognizable shape (provider key prefixes,
 * JWTs, PEM private keys), the password part of `scheme://user:password@host`, the credential
 * of Authorization/Cookie headers, and the value assigned to a secret-ish name (password,
 * secret, token, api key, private key, ...) in env, YAML, JSON, INI, query-string and
 * command-line-flag forms. What does not: bare high-entropy strings. Commit ids, sha256
 * digests, UUIDs and base64 blobs fill ordinary test and build output, and redacting them
 * would make evidence useless while guessing wrong either way.
 *
 * Every regex here is built to run in linear time on a backtracking engine: each match starts
 * after a lookbehind boundary or a fixed literal, adjacent quantified parts use disjoint
 * character classes so no input can make them trade characters, and where they cannot be
 * disjoint the quantifiers are bounded. Values of assignments, PEM bodies and line ends are
 * found by hand-written scans that never revisit text, for the same reason.
 */

export const REDACTION_PREFIX = "[REDACTED:";

export function redactionMarker(rule: string): string {
  return `${REDACTION_PREFIX}${rule}]`;
}

/** Replaces one secret: returns the marker and counts it under `rule`. */
export type Redact = (rule: string) => string;

export interface ScrubRule {
  /** Rule names this rule may report (most report only their own). */
  readonly names: readonly string[];
  readonly apply: (text: string, redact: Redact) => string;
}

function isRedacted(value: string): boolean {
  return value.startsWith(REDACTION_PREFIX);
}

/** A rule whose whole match is the secret. */
function tokenRule(name: string, pattern: RegExp, accept?: (match: string) => boolean): ScrubRule {
  return {
    names: [name],
    apply: (text, redact) => text.replace(pattern, (match: string) => (accept === undefined || accept(match) ? redact(name) : match)),
  };
}

/** A rule with named groups `pre` (kept), `secret` (redacted) and optional `post` (kept). */
function groupRule(name: string, pattern: RegExp, accept?: (secret: string) => boolean): ScrubRule {
  return {
    names: [name],
    apply: (text, redact) =>
      text.replace(pattern, (match: string, ...args: unknown[]) => {
        const groups = args[args.length - 1] as Record<string, string | undefined>;
        const secret = groups["secret"] ?? "";
        if (secret === "" || isRedacted(secret) || (accept !== undefined && !accept(secret))) return match;
        return `${groups["pre"] ?? ""}${redact(name)}${groups["post"] ?? ""}`;
      }),
  };
}

// ---------------------------------------------------------------------------------------
// PEM private keys. Handled by scanning rather than one regex: a BEGIN without its END
// (an output tail cut short) and an END without its BEGIN (a tail that starts mid-key) must
// still be redacted, and pairing them by search keeps the work linear.

const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]{1,20} ){0,4}PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_END = /-----END (?:[A-Z0-9]{1,20} ){0,4}PRIVATE KEY(?: BLOCK)?-----/g;
// One optional item between optional blanks, arranged so no two quantifiers can trade characters.
const PEM_BODY_LINE = /^[ \t]*(?:(?:[A-Za-z0-9+/=]{1,4096}|(?:Proc-Type|DEK-Info|Comment):[^\r\n]{0,200})[ \t]*)?\r?$/;
const PEM_ESCAPED_BODY = /^(?:[A-Za-z0-9+/=]|\\[nr])*$/;

function lineEndAt(text: string, pos: number): number {
  const nl = text.indexOf("\n", pos);
  return nl === -1 ? text.length : nl;
}

/** Start of the line holding `pos`, never before `floor` (lastIndexOf would scan past it). */
function lineStartAt(text: string, pos: number, floor: number): number {
  let i = pos;
  while (i > floor && text[i - 1] !== "\n") i -= 1;
  return i;
}

/** End of the key material that follows an unterminated BEGIN marker ending at `pos`. */
function unterminatedBodyEnd(text: string, pos: number): number {
  // Material on the BEGIN line itself: a key pasted with escaped newlines inside a string
  // ends at the closing quote. A plain loop, because slicing to the line end for every
  // marker would be quadratic on a long line of markers.
  let end = pos;
  while (end < text.length && text[end] !== "\n") {
    if (text[end] === '"' || text[end] === "'") return end;
    end += 1;
  }
  while (end < text.length) {
    const next = lineEndAt(text, end + 1);
    const line = text.slice(end + 1, next);
    if (!PEM_BODY_LINE.test(line)) break;
    if (line.trim() === "") {
      // A blank line ends the body unless more key material follows (encrypted PEM headers).
      const after = text.slice(next + 1, lineEndAt(text, next + 1));
      if (after.trim() === "" || !PEM_BODY_LINE.test(after)) break;
    }
    end = next;
  }
  return end;
}

/**
 * Start of the key material that precedes an END marker starting at `pos`, or -1 if there is
 * none. Never looks back past `floor`, so successive END markers cost linear time in total.
 */
function orphanBodyStart(text: string, pos: number, floor: number): number {
  const lineStart = lineStartAt(text, pos, floor);
  const before = text.slice(lineStart, pos);
  const quote = Math.max(before.lastIndexOf('"'), before.lastIndexOf("'"));
  const inline = before.slice(quote + 1);
  if (inline.trim() !== "") {
    return PEM_ESCAPED_BODY.test(inline) && /[A-Za-z0-9+/]{16}/.test(inline) ? lineStart + quote + 1 : -1;
  }
  let start = -1;
  let material = 0;
  let cursor = lineStart;
  while (cursor > floor) {
    const prevStart = lineStartAt(text, cursor - 1, floor);
    const line = text.slice(prevStart, cursor - 1);
    if (line.trim() === "" || !PEM_BODY_LINE.test(line)) break;
    material += line.trim().length;
    start = prevStart;
    cursor = prevStart;
  }
  // A lone END line, or one short word above it, is not a key worth a redaction.
  return material >= 16 ? start : -1;
}

const privateKeyRule: ScrubRule = {
  names: ["private-key"],
  apply: (text, redact) => {
    // Fresh copies: a global regex carries lastIndex, which must not leak between calls.
    const beginRe = new RegExp(PEM_BEGIN);
    const endRe = new RegExp(PEM_END);
    let out = "";
    let copied = 0;
    let endSearchFailed = false;
    beginRe.lastIndex = 0;
    for (let begin = beginRe.exec(text); begin !== null; begin = beginRe.exec(text)) {
      const bodyStart = begin.index + begin[0].length;
      let stop = -1;
      if (!endSearchFailed) {
        endRe.lastIndex = bodyStart;
        const end = endRe.exec(text);
        if (end === null) endSearchFailed = true;
        else stop = end.index + end[0].length;
      }
      if (stop === -1) stop = unterminatedBodyEnd(text, bodyStart);
      out += text.slice(copied, begin.index) + redact("private-key");
      copied = stop;
      beginRe.lastIndex = stop;
    }
    out += text.slice(copied);

    // END markers left over belong to keys whose BEGIN was cut off the top of the output.
    // A body never spans an earlier END marker (its dashes are not base64), so the look-back
    // floor advances past every marker seen, redacted or not: linear in total.
    let result = "";
    let done = 0;
    let floor = 0;
    endRe.lastIndex = 0;
    for (let end = endRe.exec(out); end !== null; end = endRe.exec(out)) {
      const start = orphanBodyStart(out, end.index, floor);
      floor = end.index + end[0].length;
      if (start === -1) continue;
      result += out.slice(done, start) + redact("private-key");
      done = floor;
    }
    return result + out.slice(done);
  },
};

// ---------------------------------------------------------------------------------------
// Credentials with a recognizable shape.

const B = "(?<![A-Za-z0-9])"; // start boundary: not glued to a preceding word

const shapedRules: ScrubRule[] = [
  tokenRule("aws-access-key-id", new RegExp(`${B}(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])`, "g")),
  tokenRule("github-token", new RegExp(`${B}(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})(?![A-Za-z0-9_])`, "g")),
  tokenRule("gitlab-token", new RegExp(`${B}(?:glpat|gldt|glrt|glptt|glsoat|glft|glimt)-[A-Za-z0-9_-]{20,250}(?![A-Za-z0-9_-])`, "g")),
  tokenRule("slack-token", new RegExp(`${B}(?:xox[abeoprs]|xapp)-[A-Za-z0-9-]{10,250}(?![A-Za-z0-9-])`, "g")),
  groupRule(
    "slack-webhook",
    /(?<pre>https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)(?<secret>[A-Za-z0-9_/-]{8,250})(?![A-Za-z0-9_/-])/g,
  ),
  tokenRule("stripe-key", new RegExp(`${B}(?:(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,247}|whsec_[A-Za-z0-9]{24,250})(?![A-Za-z0-9])`, "g"), (m) => !m.startsWith("pk_")),
  tokenRule("anthropic-key", new RegExp(`${B}sk-ant-[A-Za-z0-9_-]{20,250}(?![A-Za-z0-9_-])`, "g")),
  tokenRule(
    "openai-key",
    new RegExp(`${B}sk-(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,250}(?![A-Za-z0-9_-])|[A-Za-z0-9]{32,250}(?![A-Za-z0-9_-]))`, "g"),
  ),
  tokenRule("google-api-key", new RegExp(`${B}AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])`, "g")),
  tokenRule("google-oauth", new RegExp(`${B}(?:ya29\\.[A-Za-z0-9_-]{20,2048}|GOCSPX-[A-Za-z0-9_-]{20,64})(?![A-Za-z0-9_-])`, "g")),
  tokenRule("npm-token", new RegExp(`${B}npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])`, "g")),
  tokenRule(
    "jwt",
    /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,4096}\.ey[A-Za-z0-9_-]{3,16384}\.[A-Za-z0-9_-]{0,4096}(?:\.[A-Za-z0-9_-]{1,16384}){0,2}(?![A-Za-z0-9_-])/g,
  ),
];

// ---------------------------------------------------------------------------------------
// Credentials in context.

/** `scheme://user:password@host`: the user and host stay readable, only the password goes. */
const urlCredentialsRule = groupRule(
  "url-credentials",
  // The password may contain `@` and `:`; the greedy class backs off to the last `@` of the
  // authority, bounded by 1024 characters.
  /(?<pre>(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^\s:/?#@"'<>`]{0,256}:)(?<secret>[^\s/?#"'<>`]{1,1024})(?<post>@)(?=[^\s/?#@"'<>`])/g,
);

const AUTH_SCHEME = /^(?:bearer|basic|token|digest|negotiate|ntlm|bot|apikey|api-key|aws4-hmac-sha256|hmac|sso-key|otp|key)[ \t]+/i;

/** `Authorization: Bearer …` and friends, in headers, curl flags and JSON. The scheme stays. */
const authorizationRule: ScrubRule = {
  names: ["authorization-header"],
  apply: (text, redact) =>
    text.replace(
      /(?<![A-Za-z0-9_-])(?<pre>(?:proxy-)?authorization["']?[ \t]{0,8}[:=][ \t]{0,8}["']?[ \t]{0,8})(?<rest>[^\r\n"']{1,4096})/gi,
      (match: string, pre: string, rest: string) => {
        const scheme = AUTH_SCHEME.exec(rest)?.[0] ?? "";
        const credential = rest.slice(scheme.length).trimEnd();
        if (credential === "" || isRedacted(credential)) return match;
        const trailing = rest.slice(scheme.length + credential.length);
        return `${pre}${scheme}${redact("authorization-header")}${trailing}`;
      },
    ),
};

/** A bearer token outside a header line, e.g. in a pasted curl flag; must contain a digit so prose is safe. */
const bearerRule = groupRule(
  "bearer-token",
  /(?<pre>(?<![A-Za-z0-9])[Bb]earer[ \t]{1,8})(?<secret>[A-Za-z0-9._~+/-]{16,4096}=*)(?![A-Za-z0-9._~+/=-])/g,
  (secret) => /[0-9]/.test(secret),
);

/** Cookie values in Cookie / Set-Cookie headers; names and attributes stay. */
const cookieRule: ScrubRule = {
  names: ["cookie"],
  apply: (text, redact) =>
    text.replace(
      /(?<![A-Za-z0-9_-])(?<name>(?:set-)?cookie)(?<sep>[ \t]{0,8}:[ \t]{0,8})(?<rest>[^\r\n"']{1,8192})/gi,
      (match: string, name: string, sep: string, rest: string) => {
        const isSet = name.toLowerCase() === "set-cookie";
        const pairs = rest.split(";");
        let changed = false;
        const scrubbed = pairs.map((pair, index) => {
          if (isSet && index > 0) return pair;
          const eq = pair.indexOf("=");
          if (eq === -1) return pair;
          const value = pair.slice(eq + 1).trim();
          if (value === "" || isRedacted(value)) return pair;
          changed = true;
          const lead = pair.slice(eq + 1).length - pair.slice(eq + 1).trimStart().length;
          const valueEnd = eq + 1 + lead + value.length;
          return `${pair.slice(0, eq + 1 + lead)}${redact("cookie")}${pair.slice(valueEnd)}`;
        });
        return changed ? `${name}${sep}${scrubbed.join(";")}` : match;
      },
    ),
};

// ---------------------------------------------------------------------------------------
// Assignments to secret-ish names.

const SECRET_NAME_SUFFIXES = [
  "password",
  "passwd",
  "passphrase",
  "pwd",
  "secret",
  "secretkey",
  "secretkeybase",
  "token",
  "apikey",
  "privatekey",
  "accesskey",
  "accountkey",
  "masterkey",
  "encryptionkey",
  "signingkey",
  "authkey",
  "keydata",
];

/**
 * Which rule an assignment to `name` falls under, or null if the name is not secret-ish.
 * Names are compared without case or separators, so API_KEY, apiKey and api-key are one name.
 * Suffix matching catches CLIENT_SECRET or NPM_TOKEN while leaving token_type, max_tokens,
 * password_min_length and secret_name alone.
 */
export function secretNameRule(name: string): string | null {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (n.endsWith("secretaccesskey")) return "aws-secret-access-key";
  if (n === "auth") return "secret-assignment";
  // The shell's working directory, not a password.
  if (n === "pwd" || n === "oldpwd") return null;
  return SECRET_NAME_SUFFIXES.some((suffix) => n.endsWith(suffix)) ? "secret-assignment" : null;
}

/** Values that are not secrets even under a secret-ish name: references, placeholders, masks. */
const NOT_A_SECRET: readonly RegExp[] = [
  /^(?:true|false|null|nil|none|undefined|yes|no|on|off)$/i,
  /^\$\{?[A-Za-z_{]/, // $VAR, ${VAR}, ${{ secrets.X }}
  /^\$\(/, // $(command)
  /^%[A-Za-z_][A-Za-z0-9_]{0,64}%$/,
  /^\{\{[^\r\n]{0,256}\}\}$/,
  /^<[^<>\r\n]{0,64}>$/, // <token>
  /^\[[^\]\r\n]{0,64}\]$/, // [password] in help text
  /^([*x•#.-])\1{2,}$/i, // ****, xxxx: already masked
  /^[|>][+-]?[0-9]?$/, // YAML block scalar header: the value is on the next lines
  /^[{[]/, // a nested structure, not a scalar
  /^[=>]/, // ==, => (code, not an assignment)
  /^[A-Za-z_$][\w$]{0,64}(?:\.[\w$]{1,64}){0,8}\(/, // a call expression
  /^(?:process\.env|os\.environ|ENV\[)/,
  // A type annotation in code shown by a compiler or a diff: `password: string;`, `token: str`.
  /^(?:string|number|boolean|bigint|any|unknown|object|never|str|int|bytes|bool|String|SecretStr)(?![A-Za-z0-9_])/,
  /^(?:Optional\[|Option<)/,
];

/** Words that follow `--password` in prose and help text rather than a password. */
const FLAG_STOPWORDS = new Set([
  "a", "an", "and", "are", "arg", "argument", "be", "can", "cannot", "file", "flag", "for", "from", "has", "have",
  "if", "in", "instead", "int", "is", "must", "not", "of", "on", "only", "option", "optional", "or", "required",
  "should", "stdin", "string", "the", "to", "value", "via", "was", "when", "will", "with",
]);

function isNonSecretValue(value: string, name: string): boolean {
  if (value.trim() === "" || isRedacted(value)) return true;
  if (NOT_A_SECRET.some((re) => re.test(value))) return true;
  // --token=TOKEN, password: PASSWORD: help-text placeholders that repeat the name.
  const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, "");
  return norm(value) !== "" && norm(value) === norm(name);
}

type ValueMode = "word" | "query" | "json" | "line" | "flag";

/**
 * Where a bare value ends. `word` (env dumps, INI, DSNs, `--flag=`) stops only at blanks,
 * quotes and `;`, because `env` prints a password containing `&` or `,` unquoted; `query`
 * also stops at `&` and `#`; `flag` also stops at shell operators, since an unquoted shell
 * word cannot contain them.
 */
const WORD_TERMINATORS: Record<ValueMode, string> = {
  word: " \t\r\n\"'`;",
  query: " \t\r\n\"'`;&#",
  json: " \t\r\n\"'`,}]",
  line: "\r\n",
  flag: " \t\r\n\"'`;&|",
};

interface Span {
  /** The secret itself (inside any quotes). */
  readonly start: number;
  readonly end: number;
  /** Where scanning resumes. */
  readonly next: number;
}

/** Reads the value that starts at `pos`: quoted (JSON escapes honoured) or bare per mode. */
function readValue(text: string, pos: number, mode: ValueMode): Span | null {
  const c = text[pos];
  if (c === '"' || c === "'") {
    let j = pos + 1;
    while (j < text.length) {
      const ch = text[j];
      if (ch === "\\" && c === '"') j += 2;
      else if (ch === c || ch === "\n" || ch === "\r") break;
      else j += 1;
    }
    const end = Math.min(j, text.length);
    return { start: pos + 1, end, next: end };
  }
  if (c === "\\" && text[pos + 1] === '"') {
    // A JSON document embedded in a JSON string: the value is delimited by \" on both sides.
    // One loop for both stops; separate indexOf calls would rescan to the end of the text.
    let j = pos + 2;
    while (j < text.length && text[j] !== "\n" && text[j] !== "\r" && !(text[j] === "\\" && text[j + 1] === '"')) j += 1;
    return { start: pos + 2, end: j, next: j };
  }
  const terminators = WORD_TERMINATORS[mode];
  let j = pos;
  while (j < text.length && !terminators.includes(text[j] as string)) j += 1;
  let end = j;
  if (mode === "line") while (end > pos && (text[end - 1] === " " || text[end - 1] === "\t")) end -= 1;
  return end > pos ? { start: pos, end, next: j } : null;
}

interface AssignmentForm {
  /** Must be global (and sticky-free); group `key` is the name, the match ends where the value starts. */
  readonly pattern: RegExp;
  readonly mode: ValueMode;
  /** Names are fixed by the form (e.g. `docker login -p`) instead of read from `key`. */
  readonly fixedRule?: string;
  readonly stopwords?: boolean;
  /** `docker run -u 1000:1000` is a uid:gid, not user:password. */
  readonly skipDigitsOnly?: boolean;
}

const ASSIGNMENT_FORMS: readonly AssignmentForm[] = [
  // "password": "…", 'token': '…', \"apiKey\": \"…\" (JSON, Python dicts, JSON inside a string)
  { pattern: /(?<q>\\?["'])(?<key>[A-Za-z0-9_.-]{1,64})\k<q>[ \t]{0,16}[:=][ \t]{0,16}/g, mode: "json" },
  // ?token=value&, &access_token=value (query strings)
  { pattern: /(?<=[?&])(?<key>[A-Za-z_][A-Za-z0-9_.-]{0,63})=/g, mode: "query" },
  // KEY=value, export KEY=value, --password=value, Password=value; (env, INI, flags, DSNs)
  { pattern: /(?<=^|[\s\-;,({[<"'`:/])(?<key>[A-Za-z_][A-Za-z0-9_.-]{0,63})[ \t]{0,8}=[ \t]{0,8}/gm, mode: "word" },
  // password: value at the start of a line (YAML, headers in curl -v, properties, set -x traces)
  { pattern: /^[ \t]{0,64}(?:(?:[-*>|<+]|export)[ \t]{1,4})?(?<key>[A-Za-z_][A-Za-z0-9_.-]{0,63})[ \t]{0,16}:[ \t]{1,16}/gm, mode: "line" },
  // --password value, --api-key "value"
  { pattern: /(?<=^|[\s"'])--(?<key>[A-Za-z][A-Za-z0-9_.-]{0,63})[ \t]{1,8}(?=[^\s-])/gm, mode: "flag", stopwords: true },
  // docker|podman|helm registry login -u user -p value
  { pattern: /(?<![A-Za-z0-9_-])login[ \t][^\r\n]{0,512}?[ \t]-p[ \t]{1,8}(?=[^\s-])/g, mode: "flag", fixedRule: "secret-assignment" },
  // curl -u user:password, curl --user user:password
  { pattern: /(?<=^|[\s"'])(?:-u|--user)[ \t]{1,8}["']?[^\s:"']{1,256}:/gm, mode: "flag", fixedRule: "secret-assignment", skipDigitsOnly: true },
  // .netrc: machine host login user password value
  { pattern: /(?<![A-Za-z0-9_-])machine[ \t]{1,8}[^\s]{1,256}[ \t]{1,8}login[ \t]{1,8}[^\s]{1,256}[ \t]{1,8}password[ \t]{1,8}/g, mode: "word", fixedRule: "secret-assignment" },
];

function applyAssignmentForm(text: string, form: AssignmentForm, redact: Redact): string {
  // A fresh copy: the global regex's lastIndex is driven by hand below.
  const pattern = new RegExp(form.pattern);
  let out = "";
  let copied = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    if (m[0] === "") {
      pattern.lastIndex += 1;
      continue;
    }
    const valueStart = m.index + m[0].length;
    const key = m.groups?.["key"] ?? "";
    const rule = form.fixedRule ?? secretNameRule(key);
    // Not a secret name: keep scanning right after the separator, so a secret assignment
    // nested in this value (JSON inside a string, say) is still found.
    if (rule === null) continue;
    const span = readValue(text, valueStart, form.mode);
    if (span === null) continue;
    const value = text.slice(span.start, span.end);
    if (
      isNonSecretValue(value, key) ||
      (form.stopwords === true && FLAG_STOPWORDS.has(value.toLowerCase())) ||
      (form.skipDigitsOnly === true && /^[0-9]+$/.test(value))
    ) {
      pattern.lastIndex = Math.max(pattern.lastIndex, span.next);
      continue;
    }
    out += text.slice(copied, span.start) + redact(rule);
    copied = span.end;
    pattern.lastIndex = Math.max(pattern.lastIndex, span.next);
  }
  return out + text.slice(copied);
}

const assignmentRule: ScrubRule = {
  names: ["aws-secret-access-key", "secret-assignment"],
  apply: (text, redact) => ASSIGNMENT_FORMS.reduce((current, form) => applyAssignmentForm(current, form, redact), text),
};

/**
 * In order: shapes first so a token gets its specific name even when it is also the value of
 * an assignment (`GITHUB_TOKEN=ghp_…` reports github-token); the generic assignment rule last,
 * and it leaves values that are already redaction markers alone.
 */
export const SCRUB_RULES: readonly ScrubRule[] = [
  privateKeyRule,
  ...shapedRules,
  urlCredentialsRule,
  authorizationRule,
  bearerRule,
  cookieRule,
  assignmentRule,
];

/** Every rule name that can appear in a redaction marker, in reporting order. */
export const SCRUB_RULE_NAMES: readonly string[] = SCRUB_RULES.flatMap((rule) => rule.names);
