import "./polyfill.js";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createWebhookHandler, MAX_WEBHOOK_BYTES } from "../../src/app/webhook-http.js";
import { example, GitHub, startLoopbackServer, stopLoopbackServer, unmatched } from "./helpers.js";

// The webhook endpoint under hostile bodies: too large (declared or streamed), badly signed, signed
// but malformed. Each answers at once with a one-line reason and makes no request to GitHub.

const SECRET = "webhook-http-secret";
const PATH = "/api/github/webhooks";
let server: Server;
let port: number;
let gh: GitHub;

beforeAll(async () => {
  ({ server, port } = await startLoopbackServer(SECRET, { webhookPath: PATH }));
});

afterAll(() => stopLoopbackServer(server));

afterEach(() => {
  try {
    expect(unmatched).toEqual([]);
    expect(gh.requests).toEqual([]);
  } finally {
    nock.cleanAll();
    unmatched.length = 0;
  }
});

const sign = (body: string | Buffer) => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;

function headers(event: string, signature: string, extra: Record<string, string> = {}) {
  return {
    "content-type": "application/json",
    "x-github-event": event,
    "x-github-delivery": `d-${Math.random().toString(36).slice(2)}`,
    "x-hub-signature-256": signature,
    ...extra,
  };
}

async function post(event: string, body: string, signature = sign(body)) {
  const res = await fetch(`http://127.0.0.1:${port}${PATH}`, {
    method: "POST",
    body,
    headers: headers(event, signature),
  });
  return { status: res.status, text: await res.text() };
}

// The uploader runs in a child process: nock intercepts this process's sockets and would buffer
// the whole upload itself. It streams `total` bytes of one reused 64 KiB chunk over a raw socket
// (chunked unless a Content-Length is given) and prints the answer and how many bytes it had written
// when the answer came.
const UPLOADER = `
const { connect } = require("node:net");
const [port, path, total, head, chunked] = JSON.parse(process.argv[1]);
const chunk = Buffer.alloc(64 * 1024, 0x20);
const frame = chunked ? Buffer.concat([Buffer.from(chunk.length.toString(16) + "\\r\\n"), chunk, Buffer.from("\\r\\n")]) : chunk;
let sent = 0, answer = "", done = false;
const finish = () => {
  if (done) return;
  done = true;
  process.stdout.write(JSON.stringify({ answer, sent }));
  socket.destroy();
};
const socket = connect(port, "127.0.0.1", () => { socket.write(head); pump(); });
socket.setEncoding("utf8");
socket.on("data", (d) => { answer += d; if (/\\r\\n\\r\\n[^]*\\n/.test(answer)) finish(); });
socket.on("close", finish);
socket.on("error", () => {});
function pump() {
  while (!done && sent < total) {
    sent += chunk.length;
    if (!socket.write(frame)) { socket.once("drain", pump); return; }
  }
  if (!done && chunked) socket.write("0\\r\\n\\r\\n");
}
`;

async function streamPost(total: number, extraHeaders: Record<string, string> = {}) {
  const all = headers("push", `sha256=${"0".repeat(64)}`, extraHeaders) as Record<string, string>;
  const chunked = !("content-length" in all);
  if (chunked) all["transfer-encoding"] = "chunked";
  const head = `POST ${PATH} HTTP/1.1\r\nhost: 127.0.0.1\r\n${Object.entries(all)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("")}\r\n`;
  const child = spawn(
    process.execPath,
    ["-e", UPLOADER, JSON.stringify([port, PATH, total, head, chunked])],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  await new Promise((r) => child.on("close", r));
  const { answer, sent } = JSON.parse(out) as { answer: string; sent: number };
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
  return { status, body: answer.slice(answer.indexOf("\r\n\r\n") + 4), sent };
}

/** Heap plus Buffer memory (Buffers live outside the V8 heap). */
const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;

describe("the body cap (GitHub's 25 MB)", () => {
  it("a declared Content-Length over the cap gets 413 before any byte of the body is read", async () => {
    gh = new GitHub();
    const before = used();
    const res = await streamPost(200 * 1024 * 1024, { "content-length": String(200 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body).toContain("GitHub caps webhook payloads at 25 MB");
    // Only what sat in socket buffers before the answer came: far less than the cap.
    expect(res.sent).toBeLessThan(MAX_WEBHOOK_BYTES);
    expect(used() - before).toBeLessThan(50 * 1024 * 1024);
  });

  it("a 200 MB chunked body without Content-Length is cut at the cap with 413; the heap stays small", async () => {
    gh = new GitHub();
    const before = used();
    const res = await streamPost(200 * 1024 * 1024);
    expect(res.status).toBe(413);
    expect(res.sent).toBeGreaterThan(MAX_WEBHOOK_BYTES);
    expect(res.sent).toBeLessThan(200 * 1024 * 1024);
    expect(used() - before).toBeLessThan(50 * 1024 * 1024);
  });

  it("a body just under the cap is read (and refused for its signature, not its size)", async () => {
    gh = new GitHub();
    const res = await streamPost(MAX_WEBHOOK_BYTES - 64 * 1024);
    expect(res.status).toBe(400);
    expect(res.body).toContain("signature does not match");
  });
});

describe("signature first, then JSON, then the payload's shape", () => {
  it("a wrong signature is refused before the body is parsed (not JSON: still a signature error)", async () => {
    gh = new GitHub();
    expect(await post("push", "{not json", `sha256=${"ab".repeat(32)}`)).toMatchObject({
      status: 400,
      text: expect.stringContaining("signature does not match"),
    });
    expect((await post("push", "{}", "sha1=abc")).status).toBe(400);
  });

  it("a signed body that is not JSON: 400", async () => {
    gh = new GitHub();
    expect(await post("push", "{not json")).toEqual({
      status: 400,
      text: '{"error":"push payload: the body is not JSON"}\n',
    });
  });

  it.each([
    ["push", {}, "push payload: repository: missing (object expected)"],
    ["push", [], "push payload: expected a JSON object"],
    [
      "push",
      (() => {
        const p = example("push", (x) => x.ref === "refs/heads/master" && x.installation);
        delete p.repository;
        return p;
      })(),
      "push payload: repository: missing (object expected)",
    ],
    [
      "push",
      { ...example("push", (x) => x.installation), after: "HEAD" },
      "push payload: after: a 40-character commit sha",
    ],
    [
      "pull_request",
      (() => {
        const p = example("pull_request", (x) => x.action === "opened" && x.installation);
        delete p.pull_request.head;
        return p;
      })(),
      "pull_request payload: pull_request.head: missing (object expected)",
    ],
    [
      "issue_comment",
      { ...example("issue_comment", (x) => x.action === "created" && x.installation), comment: { body: 1 } },
      "issue_comment payload: comment.id: missing (number expected)",
    ],
    [
      "check_suite",
      { ...example("check_suite", (x) => x.action === "rerequested"), installation: undefined },
      "check_suite payload: installation: missing (object expected)",
    ],
  ])("signed %s of the wrong shape: 400 with one line naming the field", async (event, payload, reason) => {
    gh = new GitHub();
    const res = await post(event, JSON.stringify(payload));
    expect(res.status).toBe(400);
    const { error } = JSON.parse(res.text);
    expect(error).toContain(reason);
    expect(error).not.toMatch(/\n|TypeError/);
  });

  it("an action the App does not handle is acknowledged whatever its shape", async () => {
    gh = new GitHub();
    expect((await post("pull_request", JSON.stringify({ action: "closed" }))).status).toBe(200);
    expect((await post("ping", JSON.stringify({ zen: "Keep it logically awesome." }))).status).toBe(200);
  });

  it("missing headers and other methods are answered, not crashed on", async () => {
    gh = new GitHub();
    const res = await fetch(`http://127.0.0.1:${port}${PATH}`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("x-github-event, x-github-delivery, x-hub-signature-256");
    expect((await fetch(`http://127.0.0.1:${port}${PATH}`)).status).toBe(404);
    const text = await fetch(`http://127.0.0.1:${port}${PATH}`, {
      method: "POST",
      body: "{}",
      headers: headers("push", sign("{}"), { "content-type": "text/plain" }),
    });
    expect(text.status).toBe(415);
  });
});

describe("a forged delivery is logged as one warning, without its payload", () => {
  it("WARN once with the delivery id and event; no error, no stack, no body; the handlers never run", async () => {
    const warn = vi.fn();
    const error = vi.fn();
    const receive = vi.fn();
    const handler = createWebhookHandler({
      probot: { log: { warn, error, info: vi.fn(), debug: vi.fn() }, receive } as never,
      secret: "the-real-secret",
      path: "/hook",
    });
    const srv = createServer((req, res) => void handler(req, res));
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    try {
      const body = JSON.stringify({ secret_payload_marker: "x".repeat(1000) });
      const res = await fetch(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "push",
          "x-github-delivery": "forged-1",
          "x-hub-signature-256": `sha256=${"ab".repeat(32)}`,
        },
        body,
      });
      expect(res.status).toBe(400);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(error).not.toHaveBeenCalled();
      expect(receive).not.toHaveBeenCalled();
      const logged = JSON.stringify(warn.mock.calls[0]);
      expect(logged).toContain("forged-1");
      expect(logged).not.toContain("secret_payload_marker");
    } finally {
      await new Promise((r) => srv.close(r));
    }
  });
});
