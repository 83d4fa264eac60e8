/**
 * Fake secrets for the scrubber tests, generated at run time so the repository never holds a
 * string in a real credential format (push protection and secret scanners would flag it, and
 * a reader could not tell a fake from a leak).
 */

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64 = `${ALNUM}+/`;
const BASE64URL = `${ALNUM}-_`;

/** Deterministic pseudo-random text (a small LCG), so failures reproduce. */
export function fakeChars(alphabet: string, length: number, seed: number): string {
  let state = (seed * 2654435761) >>> 0 || 1;
  let out = "";
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out += alphabet[(state >>> 8) % alphabet.length];
  }
  return out;
}

const b64url = (s: string): string =>
  btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** A PEM body: base64 lines of 64 characters (70 for OpenSSH). */
function pemBody(lines: number, width: number, seed: number): string {
  return Array.from({ length: lines }, (_, i) => fakeChars(BASE64, width, seed + i)).join("\n");
}

export const SECRETS = {
  awsKeyId: `AKIA${fakeChars(UPPER_ALNUM, 16, 1)}`,
  awsSessionKeyId: `ASIA${fakeChars(UPPER_ALNUM, 16, 2)}`,
  awsSecret: fakeChars(BASE64, 40, 3),
  awsSessionToken: `IQoJb3JpZ2luX2Vj${fakeChars(BASE64, 200, 4)}`,
  githubClassic: `ghp_${fakeChars(ALNUM, 36, 5)}`,
  githubOauth: `gho_${fakeChars(ALNUM, 36, 6)}`,
  githubServer: `ghs_${fakeChars(ALNUM, 36, 7)}`,
  githubUser: `ghu_${fakeChars(ALNUM, 36, 8)}`,
  githubRefresh: `ghr_${fakeChars(ALNUM, 76, 9)}`,
  githubFineGrained: `github_pat_${fakeChars(ALNUM, 22, 10)}_${fakeChars(ALNUM, 59, 11)}`,
  gitlab: `glpat-${fakeChars(BASE64URL, 20, 12)}`,
  slackBot: `xoxb-${fakeChars("0123456789", 12, 13)}-${fakeChars("0123456789", 13, 14)}-${fakeChars(ALNUM, 24, 15)}`,
  slackUser: `xoxp-${fakeChars("0123456789", 12, 16)}-${fakeChars("0123456789", 12, 17)}-${fakeChars("0123456789", 13, 18)}-${fakeChars("abcdef0123456789", 32, 19)}`,
  slackWebhookPath: `T${fakeChars(UPPER_ALNUM, 8, 20)}/B${fakeChars(UPPER_ALNUM, 10, 21)}/${fakeChars(ALNUM, 24, 22)}`,
  stripeLive: `sk_live_${fakeChars(ALNUM, 99, 23)}`,
  stripeTest: `sk_test_${fakeChars(ALNUM, 24, 24)}`,
  stripeRestricted: `rk_live_${fakeChars(ALNUM, 24, 25)}`,
  stripeWebhook: `whsec_${fakeChars(ALNUM, 32, 26)}`,
  openaiLegacy: `sk-${fakeChars(ALNUM, 20, 27)}T3BlbkFJ${fakeChars(ALNUM, 20, 28)}`,
  openaiProject: `sk-proj-${fakeChars(BASE64URL, 156, 29)}`,
  anthropic: `sk-ant-api03-${fakeChars(BASE64URL, 93, 30)}AA`,
  google: `AIza${fakeChars(BASE64URL, 35, 31)}`,
  googleOauth: `ya29.${fakeChars(BASE64URL, 120, 32)}`,
  npm: `npm_${fakeChars(ALNUM, 36, 33)}`,
  jwt: `${b64url('{"alg":"RS256","typ":"JWT","kid":"k1"}')}.${b64url(
    '{"sub":"system:serviceaccount:ci:deployer","iss":"kubernetes/serviceaccount","exp":1893456000}',
  )}.${fakeChars(BASE64URL, 342, 34)}`,
  password: `Tr0ub4dor&3-${fakeChars(ALNUM, 8, 35)}`,
  urlPassword: `p4ss${fakeChars(ALNUM, 12, 36)}`,
  opaque: fakeChars(ALNUM, 40, 37),
  opaque2: fakeChars(BASE64URL, 48, 38),
  hexSecret: fakeChars("0123456789abcdef", 64, 39),
  basic: btoa(`ci-bot:${fakeChars(ALNUM, 16, 40)}`),
  dockerAuth: btoa(`ci-bot:${fakeChars(ALNUM, 20, 41)}`),
  kubeClientKey: btoa(`-----BEGIN RSA PRIVATE ${"KEY"}-----\n${pemBody(4, 64, 42)}\n-----END RSA PRIVATE ${"KEY"}-----\n`),
  sessionCookie: fakeChars(`${ALNUM}%`, 120, 43),
  pemRsa: `-----BEGIN RSA PRIVATE ${"KEY"}-----\n${pemBody(12, 64, 44)}\n${fakeChars(BASE64, 24, 45)}==\n-----END RSA PRIVATE ${"KEY"}-----`,
  pemOpenssh: `-----BEGIN OPENSSH PRIVATE ${"KEY"}-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n${pemBody(5, 70, 46)}\n-----END OPENSSH PRIVATE ${"KEY"}-----`,
  pemEc: `-----BEGIN EC PRIVATE ${"KEY"}-----\n${pemBody(3, 64, 47)}\n-----END EC PRIVATE ${"KEY"}-----`,
  pemEncrypted: `-----BEGIN ENCRYPTED PRIVATE ${"KEY"}-----\n${pemBody(6, 64, 48)}\n-----END ENCRYPTED PRIVATE ${"KEY"}-----`,
  pemLegacyEncrypted: `-----BEGIN RSA PRIVATE ${"KEY"}-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,${fakeChars("0123456789ABCDEF", 32, 49)}\n\n${pemBody(8, 64, 50)}\n-----END RSA PRIVATE ${"KEY"}-----`,
  /** A PKCS#8 key inside a JSON string: newlines are the two characters \\ and n. */
  pemPkcs8Escaped: `-----BEGIN PRIVATE ${"KEY"}-----\\n${Array.from({ length: 6 }, (_, i) => fakeChars(BASE64, 64, 51 + i)).join("\\n")}\\n-----END PRIVATE ${"KEY"}-----`,
  /** The end of a key whose BEGIN line was cut off the top of a capped output tail. */
  pemTailOnly: `${pemBody(5, 64, 60)}\n${fakeChars(BASE64, 40, 66)}=\n-----END RSA PRIVATE ${"KEY"}-----`,
  /** The start of a key whose END line was cut off the bottom of the output. */
  pemHeadOnly: `-----BEGIN OPENSSH PRIVATE ${"KEY"}-----\n${pemBody(4, 70, 70)}`,
  /** The escaped tail of a key inside a JSON string, BEGIN cut off. */
  pemEscapedTail: `${Array.from({ length: 3 }, (_, i) => fakeChars(BASE64, 64, 80 + i)).join("\\n")}\\n-----END PRIVATE ${"KEY"}-----`,
} as const;

export type SecretName = keyof typeof SECRETS;

/** Every secret value, for "nothing survives" assertions. */
export const ALL_SECRET_VALUES: readonly string[] = Object.values(SECRETS);

/**
 * A sample is written once as a template over `v(secret, rule)`. Rendering with the real value
 * gives the input; rendering with the marker gives the exact expected output, so the test
 * checks every byte outside the secrets as well.
 */
export type Slot = (secret: SecretName, rule: string) => string;
export type SampleTemplate = (v: Slot) => string;

export function render(template: SampleTemplate): { input: string; expected: string; redactions: Array<{ rule: string; count: number }> } {
  const input = template((secret) => SECRETS[secret]);
  const counts = new Map<string, number>();
  const expected = template((_secret, rule) => {
    counts.set(rule, (counts.get(rule) ?? 0) + 1);
    return `[REDACTED:${rule}]`;
  });
  return { input, expected, redactions: [...counts].map(([rule, count]) => ({ rule, count })) };
}
