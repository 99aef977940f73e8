import "./polyfill.js";
import { generateKeyPairSync } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Ajv as AjvType, ValidateFunction } from "ajv";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import { MemoryWriteLimiter } from "../../src/app/github/budget.js";
import { type AppOptions, createApp } from "../../src/app/index.js";
import { MemoryQueue } from "../../src/app/queue/index.js";
import { type AppServer, startServer } from "../../src/app/server.js";
import { tarballOf } from "./tar.js";

const require = createRequire(import.meta.url);

/** Example payloads and recorded bodies are untyped JSON; tests adjust and read fields freely. */
// biome-ignore lint/suspicious/noExplicitAny: JSON from fixtures and nock
export type Json = any;
const here = fileURLToPath(new URL(".", import.meta.url));

export const APP_ID = 123;
export const INSTALLATION_ID = 1;
export const NOW = new Date("2026-01-02T03:04:05.000Z");
export const API = "https://api.github.com";
export const CODELOAD = "https://codeload.github.com";

// A throwaway key, generated per test process: Probot signs its app JWT with it; nock never checks.
export const PRIVATE_KEY = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

/**
 * Retries stay on (Probot's plugin) but wait 1 ms. Throttling is off: Probot's default spaces write
 * requests (POST/PATCH) one second apart, which would only slow the tests down. A function, because
 * Probot passes its own throttle options per instance and an object default would be overwritten.
 */
export const TestOctokit = ProbotOctokit.defaults((options: Record<string, Json>) => ({
  ...options,
  retry: { ...options.retry, retryAfterBaseValue: 1 },
  throttle: { ...options.throttle, enabled: false },
}));

export function makeProbot(options: AppOptions = {}): Probot {
  const probot = new Probot({
    appId: APP_ID,
    privateKey: PRIVATE_KEY,
    secret: "test-secret",
    Octokit: TestOctokit,
    logLevel: (process.env.TEST_LOG as "fatal") ?? "fatal",
  });
  // A limiter of its own, with writes 5 ms apart: GitHub's one second would only slow the tests down.
  const writeLimiter = new MemoryWriteLimiter({ spacingMs: 5, perHour: 100_000 });
  void probot.load(
    createApp({ appId: APP_ID, now: () => NOW, engine: "in-process", writeLimiter, ...options }),
  );
  return probot;
}

// ---- real payloads from @octokit/webhooks-examples -------------------------------------------------

interface Definition {
  name: string;
  examples: Record<string, unknown>[];
}
const definitions: Definition[] = JSON.parse(
  readFileSync(require.resolve("@octokit/webhooks-examples/api.github.com/index.json"), "utf8"),
);

/** A deep copy of the first example of `name` matching `pick`. */
export function example<T = Json>(name: string, pick: (p: Json) => boolean = () => true): T {
  const def = definitions.find((d) => d.name === name);
  const found = def?.examples.find(pick);
  if (!found) throw new Error(`no ${name} example matches`);
  return structuredClone(found) as T;
}

// ---- fixture repositories ---------------------------------------------------------------------------

const SKILLS = join(here, "../fixtures/app-skills");

function readTree(dir: string, prefix: string, out: Record<string, string>) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) readTree(p, `${prefix}${name}/`, out);
    else out[`${prefix}${name}`] = readFileSync(p, "utf8");
  }
}

/** Files of a repository: folder in the repo → fixture skill folder under test/fixtures/app-skills. */
export function repoFiles(layout: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { "README.md": "# A skills repository\n" };
  for (const [folder, fixture] of Object.entries(layout)) readTree(join(SKILLS, fixture), `${folder}/`, out);
  return out;
}

export function repoTarballOf(
  layout: Record<string, string>,
  top = "Codertocat-Hello-World-0000000",
): Promise<Buffer> {
  return tarballOf(
    Object.entries(repoFiles(layout)).map(([name, content]) => ({ name, content })),
    top,
  );
}

export function lineOf(text: string, needle: string): number {
  const i = text.split("\n").findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not found`);
  return i + 1;
}

export function fixtureText(path: string): string {
  return readFileSync(join(SKILLS, path), "utf8");
}

// ---- the Checks API description, for validating every body the App sends ---------------------------

let validators: { create: ValidateFunction; update: ValidateFunction } | undefined;

/** Adds `additionalProperties: false` wherever a schema lists properties and says nothing, so a misspelt field fails. */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === "properties" ? mapValues(v, strict) : strict(v);
  if ("properties" in out && !("additionalProperties" in out)) out.additionalProperties = false;
  return out;
}
const mapValues = (o: unknown, f: (v: unknown) => unknown) =>
  Object.fromEntries(Object.entries(o as Record<string, unknown>).map(([k, v]) => [k, f(v)]));

/** Compiles the `checks/create` and `checks/update` request bodies from GitHub's published OpenAPI file (loaded once). */
export async function checksValidators(): Promise<{ create: ValidateFunction; update: ValidateFunction }> {
  if (validators) return validators;
  const { Ajv } = (await import("ajv")) as unknown as { Ajv: new (o: object) => AjvType };
  const addFormats = (await import("ajv-formats")).default as unknown as (ajv: AjvType) => void;
  const spec = JSON.parse(
    readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.json"), "utf8"),
  );
  const body = (path: string, method: string, id: string) => {
    const op = spec.paths[path][method];
    if (op.operationId !== id) throw new Error(`${method} ${path} is ${op.operationId}, not ${id}`);
    return strict(op.requestBody.content["application/json"].schema);
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  validators = {
    create: ajv.compile(body("/repos/{owner}/{repo}/check-runs", "post", "checks/create") as object),
    update: ajv.compile(
      body("/repos/{owner}/{repo}/check-runs/{check_run_id}", "patch", "checks/update") as object,
    ),
  };
  return validators;
}

export async function schemaErrors(kind: "create" | "update", body: unknown): Promise<string[]> {
  const v = (await checksValidators())[kind];
  return v(body)
    ? []
    : (v.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
}

// ---- nock scaffolding -------------------------------------------------------------------------------

export interface Recorded {
  method: string;
  path: string;
  body?: Json;
}

/** Every request the App makes to GitHub, in order; nock interceptors add to it. */
export class GitHub {
  readonly requests: Recorded[] = [];
  readonly api = nock(API);
  readonly owner: string;
  readonly repo: string;

  constructor(fullName = "Codertocat/Hello-World") {
    [this.owner, this.repo] = fullName.split("/") as [string, string];
  }

  private listedSha = "";

  private rec(method: string, path: string, body?: unknown) {
    this.requests.push({ method, path, body });
  }

  get base() {
    return `/repos/${this.owner}/${this.repo}`;
  }

  token(installationId = INSTALLATION_ID) {
    this.api.post(`/app/installations/${installationId}/access_tokens`).reply(201, {
      token: "ghs_test",
      expires_at: "2099-01-01T00:00:00Z",
      permissions: { checks: "write", contents: "read", metadata: "read" },
      repository_selection: "all",
    });
    return this;
  }

  listRuns(
    sha: string,
    runs: { id: number; external_id: string; status: string; started_at?: string }[] = [],
  ) {
    this.listedSha = sha;
    this.api
      .get(`${this.base}/commits/${sha}/check-runs`)
      .query({ check_name: "Skill quarantine", filter: "all", per_page: "100", app_id: String(APP_ID) })
      .reply(200, () => {
        this.rec("GET", `${this.base}/commits/${sha}/check-runs`);
        return {
          total_count: runs.length,
          check_runs: runs.map((r) => ({ name: "Skill quarantine", ...r })),
        };
      });
    return this;
  }

  // nock 15.0.2 hangs when a reply function takes the request body (seen on Node 20), so the body is
  // taken by the body matcher and recorded when the reply is made.
  private body: unknown;
  private keep = (body: unknown) => {
    this.body = body;
    return true;
  };

  /**
   * The run created, then the list the App reads right after to see whether another worker created
   * one for the same delivery: by default it holds only this run; `others` adds runs to it.
   */
  createRun(id: number, others: { id: number; external_id: string; status: string }[] = []) {
    let created: Json;
    this.api.post(`${this.base}/check-runs`, this.keep).reply(201, () => {
      created = this.body;
      this.rec("POST", `${this.base}/check-runs`, this.body);
      return { id, status: "in_progress" };
    });
    // The same list as listRuns (called just before for the same commit), read again after the create.
    const sha = this.listedSha;
    this.api
      .get(`${this.base}/commits/${sha}/check-runs`)
      .query({ check_name: "Skill quarantine", filter: "all", per_page: "100", app_id: String(APP_ID) })
      .reply(200, () => {
        this.rec("GET", `${this.base}/commits/${sha}/check-runs`);
        const runs = [
          { id, external_id: created?.external_id, status: "in_progress", head_sha: created?.head_sha },
          ...others,
        ];
        return {
          total_count: runs.length,
          check_runs: runs.map((r) => ({ name: "Skill quarantine", ...r })),
        };
      });
    return this;
  }

  updateRun(id: number, times = 1) {
    this.api
      .patch(`${this.base}/check-runs/${id}`, this.keep)
      .times(times)
      .reply(200, () => {
        this.rec("PATCH", `${this.base}/check-runs/${id}`, this.body);
        return { id };
      });
    return this;
  }

  /** The config file: absent from the repository and from the owner's .github repository, or given. */
  config(text?: string) {
    const path = (repo: string) => `/repos/${this.owner}/${repo}/contents/.github%2Fskill-quarantine.yml`;
    if (text === undefined) {
      this.api.get(path(this.repo)).reply(404, () => {
        this.rec("GET", path(this.repo));
        return { message: "Not Found" };
      });
      this.api.get(path(".github")).reply(404, () => {
        this.rec("GET", path(".github"));
        return { message: "Not Found" };
      });
    } else {
      this.api.get(path(this.repo)).reply(
        200,
        () => {
          this.rec("GET", path(this.repo));
          return text;
        },
        { "content-type": "text/plain; charset=utf-8" },
      );
    }
    return this;
  }

  /**
   * What every scan reads from the appeals repository (by default the repository itself), empty:
   * no blocklist file, no appeal issues, no report issues (see src/app/github/appeals-store.ts).
   */
  noAppeals(fullName = `${this.owner}/${this.repo}`) {
    const file = `/repos/${fullName}/contents/.github%2Fskill-quarantine-blocklist.yml`;
    this.api.get(file).reply(404, () => {
      this.rec("GET", file);
      return { message: "Not Found" };
    });
    for (const label of ["quarantine-appeal", "skill-report"])
      this.api
        .get(`/repos/${fullName}/issues`)
        .query({ labels: label, state: "all", per_page: "100" })
        .reply(200, () => {
          this.rec("GET", `/repos/${fullName}/issues?labels=${label}&state=all`);
          return [];
        });
    return this;
  }

  /** The archive of one commit, served like GitHub: 302 to codeload, then the gzip'd tar. */
  tarball(sha: string, archive: Buffer) {
    const codeloadPath = `/${this.owner}/${this.repo}/legacy.tar.gz/${sha}`;
    this.api.get(`${this.base}/tarball/${sha}`).reply(
      302,
      () => {
        this.rec("GET", `${this.base}/tarball/${sha}`);
        return "";
      },
      { location: `${CODELOAD}${codeloadPath}` },
    );
    nock(CODELOAD)
      .get(codeloadPath)
      .reply(200, () => archive, {
        "content-type": "application/x-gzip",
        "content-length": String(archive.length),
      });
    return this;
  }

  tarballStatus(sha: string, status: number, times = 1) {
    this.api
      .get(`${this.base}/tarball/${sha}`)
      .times(times)
      .reply(status, () => {
        this.rec("GET", `${this.base}/tarball/${sha}`);
        return { message: status === 404 ? "Not Found" : "Server Error" };
      });
    return this;
  }

  /**
   * Fault mode: `times` requests to `method path` (path below the API root, query ignored) fail as
   * GitHub fails: a 502; a 403 secondary rate limit with retry-after; a 403 primary rate limit whose
   * reset is an hour away; or a request that never answers (it only ends when the App aborts it).
   */
  fault(
    method: "GET" | "POST" | "PATCH",
    path: string,
    kind: "5xx" | "secondary" | "primary" | "hang",
    options: { times?: number; retryAfter?: number } = {},
  ) {
    const scope = this.api
      .intercept(path, method, method === "GET" ? undefined : this.keep)
      .query(() => true);
    const record = () => this.rec(method, path, method === "GET" ? undefined : this.body);
    const i = scope.times(options.times ?? 1);
    switch (kind) {
      case "5xx":
        i.reply(502, () => {
          record();
          return { message: "Server Error" };
        });
        break;
      case "secondary":
        i.reply(
          403,
          () => {
            record();
            return {
              message:
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            };
          },
          { "retry-after": String(options.retryAfter ?? 60) },
        );
        break;
      case "primary":
        i.reply(
          403,
          () => {
            record();
            return { message: "API rate limit exceeded for installation ID 1." };
          },
          {
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-used": "5000",
            "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
          },
        );
        break;
      case "hang":
        // Answers after a day: long past any deadline, so only an abort ends the request.
        i.delay(24 * 60 * 60 * 1000).reply(200, () => {
          record();
          return "";
        });
        break;
    }
    return this;
  }

  pull(number: number, data: object) {
    this.api.get(`${this.base}/pulls/${number}`).reply(200, () => {
      this.rec("GET", `${this.base}/pulls/${number}`);
      return { number, ...data };
    });
    return this;
  }

  getRun(id: number, data: object) {
    this.api.get(`${this.base}/check-runs/${id}`).reply(200, () => {
      this.rec("GET", `${this.base}/check-runs/${id}`);
      return { id, ...data };
    });
    return this;
  }

  /** Requests to the Checks API with the bodies the App sent. */
  checks(): Recorded[] {
    return this.requests.filter((r) => /\/check-runs(\/\d+)?$/.test(r.path) && r.method !== "GET");
  }

  /** Every Checks API body must match GitHub's published schema for its operation. */
  async schemaErrors(): Promise<string[]> {
    const out: string[] = [];
    for (const r of this.checks()) {
      const errs = await schemaErrors(r.method === "POST" ? "create" : "update", r.body);
      out.push(...errs.map((e) => `${r.method} ${r.path}: ${e}`));
    }
    return out;
  }
}

/** Requests nock had no interceptor for (they also fail, since net connect is disabled). Loopback passes. */
export const unmatched: string[] = [];
nock.emitter.on("no match", (req: { method?: string; url?: string }) => {
  if (/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(req.url ?? "")) return;
  unmatched.push(`${req.method ?? "?"} ${req.url ?? "?"}`);
});

/**
 * The App's real HTTP server on a free loopback port, for tests of the HTTP path (webhook endpoint,
 * health check, worker pool). Only loopback traffic is let through nock while it runs.
 */
export async function startLoopbackServer(
  secret: string,
  extra: { webhookPath?: string; app?: AppOptions; env?: NodeJS.ProcessEnv; baseUrl?: string } = {},
): Promise<{ server: AppServer; url: string; port: number }> {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  const server = await startServer(
    {
      appId: APP_ID,
      privateKey: PRIVATE_KEY,
      secret,
      port: 0,
      host: "127.0.0.1",
      webhookPath: extra.webhookPath ?? "/api/github/webhooks",
      tarballLimits: {},
    },
    {
      env: extra.env ?? { LOG_LEVEL: "fatal" },
      probot: { Octokit: TestOctokit, ...(extra.baseUrl ? { baseUrl: extra.baseUrl } : {}) },
      app: extra.app,
    },
  );
  const port = (server.address() as AddressInfo).port;
  return { server, url: `http://127.0.0.1:${port}`, port };
}

/** Resolves when the server's in-process queue has run every delivery it took (202 means queued). */
export function queueIdle(server: AppServer): Promise<void> {
  if (!(server.queue instanceof MemoryQueue))
    throw new Error("queueIdle: the server does not run an in-process queue");
  return server.queue.idle();
}

export async function stopLoopbackServer(server: Server): Promise<void> {
  await new Promise((r) => server.close(r));
  nock.enableNetConnect();
}
