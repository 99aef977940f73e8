import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

// A small stateful GitHub on loopback for tests whose App runs in other processes (queue workers),
// where nock cannot reach. It answers only what a push scan asks (installation token, check runs,
// config and appeals reads, the tarball) and records every request; anything else is a 404 that
// the test sees in `unexpected`.

export interface StandInRun {
  id: number;
  head_sha: string;
  external_id: string;
  status: string;
  conclusion?: string;
  started_at?: string;
  output?: { title?: string; summary?: string };
  actions?: { identifier: string }[];
}

export class GitHubStandIn {
  readonly runs: StandInRun[] = [];
  readonly requests: string[] = [];
  readonly unexpected: string[] = [];
  tarballRequests = 0;
  private server?: Server;
  private nextId = 1000;
  /** While set, tarball requests wait for it (a scan "in the middle" that a test can kill). */
  private gate?: Promise<void>;
  private openGate?: () => void;

  constructor(private readonly tarball: Buffer) {}

  holdTarballs(): void {
    this.gate = new Promise((r) => {
      this.openGate = r;
    });
  }

  releaseTarballs(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  async start(): Promise<{ host: string }> {
    this.server = createServer((req, res) => {
      this.handle(req).then(
        ({ status, body, headers }) => {
          res.writeHead(status, { "content-type": "application/json", ...headers });
          res.end(Buffer.isBuffer(body) ? body : JSON.stringify(body ?? {}));
        },
        () => res.destroy(),
      );
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    return { host: `127.0.0.1:${(this.server.address() as AddressInfo).port}` };
  }

  async stop(): Promise<void> {
    this.releaseTarballs();
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  private async handle(
    req: IncomingMessage,
  ): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname.replace(/^\/api\/v3/, "");
    const line = `${req.method} ${path}`;
    this.requests.push(line);
    const listMatch = /^\/repos\/[^/]+\/[^/]+\/commits\/([0-9a-f]{40})\/check-runs$/.exec(path);
    const patchMatch = /^\/repos\/[^/]+\/[^/]+\/check-runs\/(\d+)$/.exec(path);
    if (req.method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(path))
      return {
        status: 201,
        body: { token: "ghs_standin", expires_at: "2099-01-01T00:00:00Z", permissions: { checks: "write" } },
      };
    if (req.method === "GET" && listMatch) {
      const list = this.runs.filter((r) => r.head_sha === listMatch[1]);
      return {
        status: 200,
        body: { total_count: list.length, check_runs: list.map((r) => ({ name: "Skill quarantine", ...r })) },
      };
    }
    if (req.method === "POST" && /^\/repos\/[^/]+\/[^/]+\/check-runs$/.test(path)) {
      const run: StandInRun = { id: this.nextId++, ...body };
      this.runs.push(run);
      return { status: 201, body: run };
    }
    if (req.method === "PATCH" && patchMatch) {
      const run = this.runs.find((r) => r.id === Number(patchMatch[1]));
      if (!run) return { status: 404, body: { message: "Not Found" } };
      Object.assign(run, body);
      return { status: 200, body: run };
    }
    if (req.method === "GET" && /^\/repos\/[^/]+\/[^/]+\/contents\//.test(path))
      return { status: 404, body: { message: "Not Found" } };
    if (req.method === "GET" && /^\/repos\/[^/]+\/[^/]+\/issues$/.test(path))
      return { status: 200, body: [] };
    if (req.method === "GET" && /^\/repos\/[^/]+\/[^/]+\/tarball\//.test(path)) {
      this.tarballRequests++;
      if (this.gate) await this.gate;
      return {
        status: 200,
        body: this.tarball,
        headers: { "content-type": "application/x-gzip", "content-length": String(this.tarball.length) },
      };
    }
    this.unexpected.push(line);
    return { status: 404, body: { message: "Not Found" } };
  }
}
