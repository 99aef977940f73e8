import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { pack as tarPack } from "tar-stream";

// A local GitHub for the load bench (loopback, http): the routes the App uses under Probot's GHE
// settings (/api/v3), answered after a realistic latency, with GitHub's limit on content-creating
// requests enforced per installation (a secondary-limit 403 with retry-after, as GitHub answers).
// It keeps every check run, so the driver can count completed and duplicate runs.

export interface StandinOptions {
  /** Latency of each answer, uniform in [min, max] ms. */
  latencyMs: [number, number];
  /** Content-creating requests allowed per installation in any 60 s (GitHub: 80). */
  writesPerMinute: number;
}

export interface Run {
  id: number;
  repo: string;
  headSha: string;
  externalId: string;
  status: string;
  conclusion?: string;
  createdAt: number;
  completedAt?: number;
}

export interface Standin {
  server: Server;
  port: number;
  runs: Map<number, Run>;
  stats: { requests: number; writes: number; secondaryLimited: number; unknown: string[] };
  close(): Promise<void>;
}

/** A small skill repository: two skills with a few reference files, as a GitHub tarball. */
export async function skillRepoTarball(top: string, variant: number): Promise<Buffer> {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  pack.on("data", (c: unknown) => chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    pack.on("end", resolve);
    pack.on("error", reject);
  });
  pack.entry({ name: `${top}/`, type: "directory" });
  const file = (name: string, text: string) => pack.entry({ name: `${top}/${name}`, type: "file" }, text);
  file("README.md", `# Team skills\n\nSkills used by the team's agents (revision ${variant}).\n`);
  file(
    "skills/meeting-notes/SKILL.md",
    `---\nname: meeting-notes\ndescription: Turns a meeting transcript into short notes with decisions and action items. Use after a meeting.\n---\n# Meeting notes\n\n1. Read the transcript the user gives.\n2. List the decisions, then the action items with their owners.\n3. Keep it under one page.\n`,
  );
  file(
    "skills/meeting-notes/references/style.md",
    `# Style\n\n${"Write plain sentences. Name owners. Give dates as YYYY-MM-DD. ".repeat(20)}\n`,
  );
  file(
    "skills/weekly-report/SKILL.md",
    `---\nname: weekly-report\ndescription: Drafts the weekly status report from the issues closed this week. Use on Fridays.\n---\n# Weekly report\n\nGroup the closed issues by label and write one line per issue. Revision ${variant}.\n`,
  );
  file(
    "skills/weekly-report/scripts/group.py",
    `import json, sys\n\nissues = json.load(sys.stdin)\nby = {}\nfor i in issues:\n    by.setdefault(i.get("label", "other"), []).append(i["title"])\nprint(json.dumps(by, indent=2))\n`,
  );
  pack.finalize();
  await ended;
  return gzipSync(Buffer.concat(chunks));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startStandin(
  archives: { head: Buffer; base: Buffer },
  options: StandinOptions,
): Promise<Standin> {
  const runs = new Map<number, Run>();
  const stats = { requests: 0, writes: 0, secondaryLimited: 0, unknown: [] as string[] };
  const writesAt = new Map<string, number[]>();
  let nextId = 1;

  const reply = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers }).end(text);
  };
  const readBody = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
  };
  const listed = (r: Run) => ({
    id: r.id,
    name: "Skill quarantine",
    head_sha: r.headSha,
    external_id: r.externalId,
    status: r.status,
    conclusion: r.conclusion ?? null,
    started_at: new Date(r.createdAt).toISOString(),
  });

  /** GitHub's "80 content-generating requests per minute", per installation (the token says which). */
  const overWriteLimit = (installation: string): number => {
    const now = Date.now();
    const log = (writesAt.get(installation) ?? []).filter((t) => t > now - 60_000);
    writesAt.set(installation, log);
    if (log.length >= options.writesPerMinute) return Math.ceil((log[0]! + 60_000 - now) / 1000);
    log.push(now);
    return 0;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    stats.requests++;
    const [lo, hi] = options.latencyMs;
    await sleep(lo + Math.random() * (hi - lo));
    const url = new URL(req.url ?? "/", "http://standin");
    const path = url.pathname.replace(/^\/api\/v3/, "");
    const method = req.method ?? "GET";
    const installation = /token inst-(\d+)/.exec(req.headers.authorization ?? "")?.[1] ?? "app";
    const at = (verb: string, re: RegExp) => (method === verb ? re.exec(path) : null);

    const token = at("POST", /^\/app\/installations\/(\d+)\/access_tokens$/);
    if (token)
      return reply(res, 201, {
        token: `inst-${token[1]}`,
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions: { checks: "write", contents: "read", metadata: "read", issues: "write" },
        repository_selection: "all",
      });
    if (method === "GET" && path === "/app") return reply(res, 200, { id: 1, slug: "skill-quarantine" });

    if (method !== "GET" && method !== "HEAD") {
      stats.writes++;
      const retryAfter = overWriteLimit(installation);
      if (retryAfter > 0) {
        stats.secondaryLimited++;
        return reply(
          res,
          403,
          {
            message:
              "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
          },
          { "retry-after": String(retryAfter) },
        );
      }
    }

    const list = at("GET", /^\/repos\/([^/]+\/[^/]+)\/commits\/([0-9a-f]{40})\/check-runs$/);
    if (list) {
      const repo = list[1]!;
      const sha = list[2]!;
      const found = [...runs.values()].filter((r) => r.repo === repo && r.headSha === sha).map(listed);
      return reply(
        res,
        200,
        { total_count: found.length, check_runs: found },
        { "x-ratelimit-remaining": "4999" },
      );
    }
    const create = at("POST", /^\/repos\/([^/]+\/[^/]+)\/check-runs$/);
    if (create) {
      const body = await readBody(req);
      const run: Run = {
        id: nextId++,
        repo: create[1]!,
        headSha: String(body.head_sha),
        externalId: String(body.external_id ?? ""),
        status: String(body.status ?? "queued"),
        conclusion: body.conclusion as string | undefined,
        createdAt: Date.now(),
      };
      if (run.status === "completed") run.completedAt = Date.now();
      runs.set(run.id, run);
      return reply(res, 201, listed(run));
    }
    const update = at("PATCH", /^\/repos\/[^/]+\/[^/]+\/check-runs\/(\d+)$/);
    if (update) {
      const body = await readBody(req);
      const run = runs.get(Number(update[1]));
      if (!run) return reply(res, 404, { message: "Not Found" });
      if (body.status) run.status = String(body.status);
      if (body.conclusion) run.conclusion = String(body.conclusion);
      if (run.status === "completed" && !run.completedAt) run.completedAt = Date.now();
      return reply(res, 200, listed(run));
    }
    if (method === "GET" && /^\/repos\/[^/]+\/[^/]+\/contents\//.test(path))
      return reply(res, 404, { message: "Not Found" });
    if (method === "GET" && /^\/repos\/[^/]+\/[^/]+\/issues$/.test(path)) return reply(res, 200, []);
    const tarball = at("GET", /^\/repos\/[^/]+\/[^/]+\/tarball\/([0-9a-f]{40})$/);
    if (tarball) {
      const archive = tarball[1]!.startsWith("b") ? archives.base : archives.head;
      res.writeHead(200, { "content-type": "application/x-gzip", "content-length": String(archive.length) });
      res.end(archive);
      return;
    }
    if (stats.unknown.length < 20) stats.unknown.push(`${method} ${path}`);
    return reply(res, 404, { message: "Not Found" });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) reply(res, 500, { message: String(err) });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    runs,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
