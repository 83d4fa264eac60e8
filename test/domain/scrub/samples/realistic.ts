/** Realistic tool output with secrets in it, and ordinary output that must survive untouched. */
import { fakeChars } from "./fake-secrets.js";
import type { SampleTemplate } from "./fake-secrets.js";

const HEX = "0123456789abcdef";
const PUBLISHABLE = `pk_live_${fakeChars("ABCDEFGHabcdefgh0123456789", 24, 900)}`;
const CA_DATA = btoa(`-----BEGIN CERTIFICATE-----\n${fakeChars("ABCDEFabcdef0123456789+/", 64, 901)}\n-----END CERTIFICATE-----\n`);
const CERT_DATA = btoa(`-----BEGIN CERTIFICATE-----\n${fakeChars("ABCDEFabcdef0123456789+/", 64, 902)}\n-----END CERTIFICATE-----\n`);

export const SAMPLES: Array<[string, SampleTemplate]> = [
  [
    "npm test log with an npm token",
    (v) => `
> planref@0.1.0 test
> npm run build && vitest run

npm verb cli /usr/local/bin/node /usr/local/lib/node_modules/npm/bin/npm-cli.js
npm verb config //registry.npmjs.org/:_authToken=${v("npm", "npm-token")}
npm http fetch GET 401 https://registry.npmjs.org/@acme%2fwidgets 212ms (cache skip)
npm ERR! code E401
npm ERR! Unable to authenticate, your authentication token seems to be invalid.
npm ERR! To correct this please try logging in again with:
npm ERR!     npm login

 RUN  v4.1.12 /work/main

 ✓ test/auth/token.test.ts (12 tests) 41ms
 ✓ test/auth/password-reset.test.ts (4 tests) 9ms
 × test/export/csv.test.ts > writes a header row 5ms
   → expected 'id,name' to be 'id,name,token_count'

 Test Files  1 failed | 2 passed (3)
      Tests  1 failed | 16 passed (17)
`,
  ],
  [
    "an env dump",
    (v) => `SHELL=/bin/bash
PWD=/home/dev/planref
OLDPWD=/home/dev
HOME=/home/dev
LANG=en_US.UTF-8
PATH=/usr/local/bin:/usr/bin:/bin
GIT_ASKPASS=/usr/lib/ssh/x11-ssh-askpass
SSH_AUTH_SOCK=/tmp/ssh-XXXXq1w2e3/agent.4242
PASSWORD_STORE_DIR=/home/dev/.password-store
TOKENIZERS_PARALLELISM=false
NPM_CONFIG_USERCONFIG=/home/dev/.npmrc
GITHUB_TOKEN=${v("githubClassic", "github-token")}
GH_ENTERPRISE_TOKEN=${v("githubFineGrained", "github-token")}
AWS_ACCESS_KEY_ID=${v("awsKeyId", "aws-access-key-id")}
AWS_SECRET_ACCESS_KEY=${v("awsSecret", "aws-secret-access-key")}
AWS_SESSION_TOKEN=${v("awsSessionToken", "secret-assignment")}
OPENAI_API_KEY=${v("openaiProject", "openai-key")}
ANTHROPIC_API_KEY=${v("anthropic", "anthropic-key")}
SLACK_BOT_TOKEN=${v("slackBot", "slack-token")}
ADMIN_PASSWORD=${v("password", "secret-assignment")}
DATABASE_URL=postgres://app:${v("urlPassword", "url-credentials")}@db.internal:5432/app
HISTSIZE=1000
`,
  ],
  [
    "git remote -v with credentials in URLs",
    (v) => `origin\thttps://alice:${v("githubClassic", "github-token")}@github.com/acme/planref.git (fetch)
origin\thttps://alice:${v("githubClassic", "github-token")}@github.com/acme/planref.git (push)
gitlab\thttps://oauth2:${v("gitlab", "gitlab-token")}@gitlab.com/acme/planref.git (fetch)
gitlab\thttps://oauth2:${v("gitlab", "gitlab-token")}@gitlab.com/acme/planref.git (push)
mirror\thttps://bob:${v("urlPassword", "url-credentials")}@git.example.com/acme/planref.git (fetch)
mirror\thttps://bob:${v("urlPassword", "url-credentials")}@git.example.com/acme/planref.git (push)
ci\thttps://x-access-token:${v("githubServer", "github-token")}@github.com/acme/planref.git (fetch)
backup\tssh://git@backup.example.com:2222/acme/planref.git (fetch)
backup\tgit@github.com:acme/planref.git (push)
`,
  ],
  [
    "curl -v with Authorization and cookies",
    (v) => `$ curl -v -H "Authorization: Bearer ${v("opaque", "authorization-header")}" https://api.example.com/v1/me
*   Trying 203.0.113.10:443...
* Connected to api.example.com (203.0.113.10) port 443
* ALPN: curl offers h2,http/1.1
* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384
* Server certificate:
*  subject: CN=api.example.com
> GET /v1/me HTTP/2
> Host: api.example.com
> User-Agent: curl/8.5.0
> Accept: */*
> Authorization: Bearer ${v("opaque", "authorization-header")}
>
< HTTP/2 200
< content-type: application/json; charset=utf-8
< x-request-id: 3f2b8a4e-6c1d-4e8f-9a7b-2c5d1e0f4a6b
< etag: W/"5e1c0b9f7a2d4c3e8b6a9f0d1c2e3b4a"
< set-cookie: session=${v("sessionCookie", "cookie")}; Path=/; Secure; HttpOnly; SameSite=Lax
< x-api-key: ${v("opaque2", "secret-assignment")}
<
{"id":42,"login":"alice"}
$ curl -sS -u ci-bot:${v("opaque2", "secret-assignment")} https://ci.example.com/api/json
$ curl -H 'Authorization: token ${v("githubOauth", "github-token")}' https://api.github.com/user
> Authorization: Basic ${v("basic", "authorization-header")}
> Cookie: _gh_sess=${v("sessionCookie", "cookie")}; logged_in=${v("opaque", "cookie")}
`,
  ],
  [
    "docker login output and config.json",
    (v) => `$ docker login -u ci-bot -p '${v("password", "secret-assignment")}' registry.example.com
WARNING! Using --password via the CLI is insecure. Use --password-stdin.
WARNING! Your password will be stored unencrypted in /home/ci/.docker/config.json.
Configure a credential helper to remove this warning. See
https://docs.docker.com/engine/reference/commandline/login/#credential-stores

Login Succeeded
$ cat ~/.docker/config.json
{
\t"auths": {
\t\t"registry.example.com": {
\t\t\t"auth": "${v("dockerAuth", "secret-assignment")}"
\t\t}
\t}
}
$ docker run --rm -u 1000:1000 node:20 id
uid=1000 gid=1000 groups=1000
`,
  ],
  [
    "a .env file",
    (v) => `# Local development settings. Never commit real values; see docs/secrets.md.
NODE_ENV=development
PORT=3000
LOG_LEVEL=debug
DATABASE_URL="postgresql://planref:${v("urlPassword", "url-credentials")}@localhost:5432/planref?schema=public"
REDIS_URL=redis://:${v("urlPassword", "url-credentials")}@cache:6379/0
STRIPE_SECRET_KEY=${v("stripeLive", "stripe-key")}
STRIPE_WEBHOOK_SECRET=${v("stripeWebhook", "stripe-key")}
STRIPE_PUBLISHABLE_KEY=${PUBLISHABLE}
SESSION_SECRET="${v("opaque", "secret-assignment")}"
JWT_SECRET='${v("hexSecret", "secret-assignment")}'
GOOGLE_MAPS_API_KEY=${v("google", "google-api-key")}
SENTRY_DSN=https://${fakeChars(HEX, 32, 903)}@o450000.ingest.sentry.io/5500000
ADMIN_PASSWORD=${v("password", "secret-assignment")}
SMTP_PASSWORD=
CI_TOKEN=\${CI_TOKEN}
FEATURE_FLAGS=search,export
export API_TOKEN=${v("opaque2", "secret-assignment")}
`,
  ],
  [
    "a kubeconfig",
    (v) => `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: ${CA_DATA}
    server: https://203.0.113.5:6443
  name: prod
contexts:
- context:
    cluster: prod
    user: admin
  name: prod-admin
current-context: prod-admin
users:
- name: admin
  user:
    client-certificate-data: ${CERT_DATA}
    client-key-data: ${v("kubeClientKey", "secret-assignment")}
- name: ci
  user:
    token: ${v("jwt", "jwt")}
`,
  ],
  [
    "pasted PEM private keys",
    (v) => `$ cat ~/.ssh/id_ed25519
${v("pemOpenssh", "private-key")}
$ ssh-keygen -lf ~/.ssh/id_ed25519.pub
256 SHA256:${fakeChars("ABCDEFabcdef0123456789+/", 43, 904)} dev@laptop (ED25519)
deploy key follows:
${v("pemRsa", "private-key")}
ec: ${v("pemEc", "private-key")}
  ${v("pemEncrypted", "private-key")}
${v("pemLegacyEncrypted", "private-key")}
-----BEGIN CERTIFICATE-----
${fakeChars("ABCDEFGHabcdefgh0123456789+/", 64, 905)}
-----END CERTIFICATE-----
`,
  ],
  [
    "a JSON config with an apiKey and a service-account key",
    (v) => `{
  "service": "search",
  "endpoint": "https://search.example.com/v2",
  "apiKey": "${v("opaque", "secret-assignment")}",
  "retries": 3,
  "timeoutMs": 5000,
  "auth": {
    "clientId": "planref-cli",
    "clientSecret": "${v("opaque2", "secret-assignment")}",
    "tokenUrl": "https://auth.example.com/oauth/token"
  },
  "type": "service_account",
  "private_key_id": "${fakeChars(HEX, 40, 906)}",
  "private_key": "${v("pemPkcs8Escaped", "private-key")}\\n",
  "client_email": "ci@acme.iam.gserviceaccount.com"
}
`,
  ],
  [
    "AWS CLI output and credentials file",
    (v) => `$ aws sts assume-role --role-arn arn:aws:iam::123456789012:role/deploy --role-session-name ci
{
    "Credentials": {
        "AccessKeyId": "${v("awsSessionKeyId", "aws-access-key-id")}",
        "SecretAccessKey": "${v("awsSecret", "aws-secret-access-key")}",
        "SessionToken": "${v("awsSessionToken", "secret-assignment")}",
        "Expiration": "2025-06-01T12:00:00+00:00"
    },
    "AssumedRoleUser": {
        "AssumedRoleId": "AROA${fakeChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 17, 907)}:ci",
        "Arn": "arn:aws:sts::123456789012:assumed-role/deploy/ci"
    }
}
$ cat ~/.aws/credentials
[default]
aws_access_key_id = ${v("awsKeyId", "aws-access-key-id")}
aws_secret_access_key = ${v("awsSecret", "aws-secret-access-key")}
region = eu-west-1
`,
  ],
  [
    "a CI log mixing flags, query strings, DSNs, netrc and bare tokens",
    (v) => `Run actions/checkout@v4
  with:
    token: ***
    persist-credentials: true
env:
  NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}
git config --global http.https://github.com/.extraheader "AUTHORIZATION: basic ${v("basic", "authorization-header")}"
$ ./deploy.sh --api-key=${v("opaque", "secret-assignment")} --region eu-west-1 --password '${v("password", "secret-assignment")}'
+ curl -fsS 'https://hooks.slack.com/services/${v("slackWebhookPath", "slack-webhook")}' -d '{"text":"deployed"}'
+ curl -fsS "https://api.example.com/v1/export?format=csv&access_token=${v("opaque2", "secret-assignment")}&page=2"
POST https://api.example.com/login {"username":"ci","password":"${v("password", "secret-assignment")}"}
Connecting with Server=db.internal;Database=planref;User Id=sa;Password=${v("urlPassword", "secret-assignment")};Encrypt=true
machine api.example.com login ci password ${v("opaque", "secret-assignment")}
stripe test key ${v("stripeTest", "stripe-key")} and restricted key ${v("stripeRestricted", "stripe-key")}
slack user token ${v("slackUser", "slack-token")}
legacy openai key ${v("openaiLegacy", "openai-key")}
gcloud auth print-access-token: ${v("googleOauth", "google-oauth")}
refresh ${v("githubRefresh", "github-token")} user ${v("githubUser", "github-token")}
payload {"event":"push","body":"{\\"password\\": \\"${v("opaque", "secret-assignment")}\\"}"}
`,
  ],
  [
    "an output tail cut in the middle of keys",
    (v) => `${v("pemTailOnly", "private-key")}
$ echo "the key above was printed by mistake"
the key above was printed by mistake
  "private_key": "${v("pemEscapedTail", "private-key")}\\n",
$ cat id_ed25519
${v("pemHeadOnly", "private-key")}`,
  ],
];

export const FALSE_POSITIVES: Array<[string, string]> = [
  ["prose about tokens", "the token expired; request a new token and retry."],
  ["prose about passwords", "Password reset flow sends an email with a one-time link.\npassword reset flow: done"],
  ["prose about secrets", "Never print a secret to the log. Rotate secrets quarterly."],
  ["prose about authorization", "Authorization failed with 401. Bearer tokens are supported, as is basic auth."],
  ["prose with a colon mid-line", "error: invalid token: expected a string\nwarning: password: too short (min 8)"],
  ["personal access token prose", "Use a personal access token (classic) with the repo scope."],
  [
    "vitest output",
    ` ✓ test/auth/token.test.ts (12 tests) 41ms
 ✓ test/auth/password-reset.test.ts > sends the password reset email 3ms
 × test/auth/refresh-token.test.ts > rotates the refresh token 7ms
   → expected 'expired' to be 'valid'
 Test Files  1 failed | 2 passed (3)`,
  ],
  [
    "git log with shas",
    `commit 9fceb02d0ae598e95dc970b74767f19372d61af8
Author: Alice <alice@example.com>
Date:   Mon Jun 2 10:00:00 2025 +0200

    fix(auth): refresh token before expiry (a1b2c3d)

 src/auth/token.ts          | 12 ++++++------
 src/auth/password-reset.ts |  4 ++--`,
  ],
  [
    "sha256 digests",
    `e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  dist/planref.tgz
Digest: sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1
Status: Downloaded newer image for node:20`,
  ],
  [
    "npm lockfile integrity",
    `"node_modules/yaml": {
  "version": "2.9.1",
  "resolved": "https://registry.npmjs.org/yaml/-/yaml-2.9.1.tgz",
  "integrity": "sha512-${fakeChars("ABCDEFGHabcdefgh0123456789+/", 86, 910)}=="
}`,
  ],
  ["UUIDs", "request_id=123e4567-e89b-12d3-a456-426614174000 trace 9b2f0c1e-77aa-4d3c-8e21-0f6a5b4c3d2e"],
  ["paths", "src/auth/password-reset.ts test/token/refresh.test.ts ~/.password-store/ /etc/ssl/private/"],
  ["working directory env", "PWD=/home/dev/project\nOLDPWD=/home/dev"],
  ["docker login warning", "WARNING! Using --password via the CLI is insecure. Use --password-stdin."],
  [
    "CLI help text",
    `Options:
  --token <token>          GitHub token (default: $GITHUB_TOKEN)
  -p, --password string    Password
      --password-stdin     Take the password from stdin
  --api-key=API_KEY        The API key
  --secret [secret]        Shared secret`,
  ],
  ["masked values", "token: ***\npassword: ********\nNODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}"],
  ["variable references", "export PGPASSWORD=$DB_PASSWORD\nAPI_KEY=${API_KEY}\ntoken=$(cat /run/secrets/token)"],
  [
    "code",
    `const tokenizer = new Tokenizer();
if (token == expected) return;
const token = getToken(request);
max_tokens: 1024
token_type: "bearer"
"password": null,
password: |
  (set elsewhere)
interface Credentials {
  password: string;
  token?: string | undefined;
}
class Settings(BaseSettings):
    api_key: SecretStr
    password: Optional[str] = None`,
  ],
  ["ssh remotes", "git@github.com:acme/planref.git\nssh://git@github.com/acme/planref.git\nTo github.com:acme/planref.git"],
  ["URLs with ports and at-signs in paths", "http://localhost:8080/users/@alice https://example.com:443/a?b=c&d=e"],
  ["uid:gid", "docker run -u 1000:1000 node:20"],
  ["a certificate", `-----BEGIN CERTIFICATE-----\n${fakeChars("ABCDEFabcdef0123456789+/", 64, 911)}\n-----END CERTIFICATE-----`],
  ["near-miss prefixes", "risk-0123456789abcdef0123456789abcdef0123 desk-ABCDEFGHIJKLMNOPQRSTUVWXYZ012345 task_ghp_short"],
  ["a short ghp_ word", "ghp_notatoken and sk-short and AKIA-not-a-key"],
  ["a base64 blob line", fakeChars("ABCDEFGHabcdefgh0123456789+/", 76, 912)],
  ["long hex hash", fakeChars(HEX, 128, 913)],
  ["JSON without secrets", '{"id":42,"name":"planref","tokens":1234,"passwordPolicy":{"minLength":12}}'],
  ["empty values", "PASSWORD=\nsecret:\n\"token\": \"\""],
];

