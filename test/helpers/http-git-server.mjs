// A smart-HTTP git server on loopback: node's http server in front of `git http-backend`
// (git's own CGI program). Runs as its own process so that tests may call git
// synchronously without starving it. Usage: node http-git-server.mjs <root>; prints the port.
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import process from "node:process";
import { URL } from "node:url";
import { createServer } from "node:http";

const root = process.argv[2];
let requests = 0;
const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  if (url.pathname === "/_requests") return void res.end(String(requests));
  requests++;
  const env = {
    ...process.env,
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: "1",
    // http-backend enables receive-pack (push) for authenticated users only.
    REMOTE_USER: "tester",
    REMOTE_ADDR: "127.0.0.1",
    REQUEST_METHOD: req.method ?? "GET",
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ""),
    CONTENT_TYPE: req.headers["content-type"] ?? "",
    GATEWAY_INTERFACE: "CGI/1.1",
    SERVER_PROTOCOL: "HTTP/1.1",
  };
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") env[`HTTP_${k.toUpperCase().replace(/-/g, "_")}`] = v;
  if (req.headers["content-length"]) env.CONTENT_LENGTH = req.headers["content-length"];
  const cgi = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
  req.pipe(cgi.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on("data", (chunk) => {
    if (headersDone) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end === -1) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString("latin1").split("\r\n")) {
      const i = line.indexOf(":");
      const name = line.slice(0, i).trim();
      const value = line.slice(i + 1).trim();
      if (name.toLowerCase() === "status") status = Number(value.split(" ")[0]);
      else res.setHeader(name, value);
    }
    res.writeHead(status);
    res.write(head.subarray(end + 4));
  });
  cgi.stderr.resume();
  cgi.on("close", () => {
    if (!headersDone) res.writeHead(502).end("http-backend produced no response");
    else res.end();
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`${server.address().port}\n`));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
