import "./polyfill.js";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Redis } from "ioredis";
import nock from "nock";
import { pino } from "pino";
import { Probot } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  attachBudget,
  endingRun,
  MemoryWriteLimiter,
  RedisWriteLimiter,
  rateLimitOf,
  WriteBudgetError,
  type WriteLimiter,
} from "../../src/app/github/budget.js";
import { createApp } from "../../src/app/index.js";
import { githubRetries, runsByConclusion } from "../../src/app/metrics.js";
import { withRateLimitWaits } from "../../src/app/server.js";
import {
  APP_ID,
  example,
  GitHub,
  type Json,
  makeProbot,
  NOW,
  PRIVATE_KEY,
  repoTarballOf,
  startLoopbackServer,
  stopLoopbackServer,
  TestOctokit,
  unmatched,
} from "./helpers.js";

// GitHub's write rules as a budget (issue 14): rate-limit answers are waited for and retried within
// the run's deadline, writes of one installation are spaced by a limiter that every worker shares
// through Redis; /metrics and the logs say what happened.

const SHA = "6113728f27ae82c7b1a177c8d03f9e96e0adf246"; // the push example's `after`
const MALICIOUS = { "skills/meeting-notes": "clean-notes", "skills/invoice-helper": "malicious-invoice" };
const CLEAN = { "skills/meeting-notes": "clean-notes" };
const pushExample = () => example("push", (p) => p.ref === "refs/heads/master" && p.installation);

let gh: GitHub;

beforeAll(() => {
  nock.disableNetConnect();
});
afterAll(() => {
  nock.enableNetConnect();
});
afterEach(async () => {
  try {
    expect(unmatched, "requests without an interceptor").toEqual([]);
    expect(await gh.schemaErrors(), "Checks API bodies against GitHub's OpenAPI description").toEqual([]);
  } finally {
    nock.abortPendingRequests();
    nock.cleanAll();
    unmatched.length = 0;
  }
});

const final = (): Json => gh.checks().at(-1)!.body;
const retries = async (kind: string) =>
  (await githubRetries.get()).values.find((v) => v.labels.kind === kind)?.value ?? 0;

/** The production Octokit (the App's limiter, no blind retry of 429), retries of 5xx 1 ms apart. */
function productionProbot(writeLimiter: WriteLimiter, options: { log?: pino.Logger } = {}) {
  const Octokit = withRateLimitWaits(
    TestOctokit.defaults((o: Json) => ({ ...o, throttle: { ...o.throttle, enabled: true } })),
  );
  const probot = new Probot({
    appId: APP_ID,
    privateKey: PRIVATE_KEY,
    secret: "s",
    Octokit,
    ...(options.log ? { log: options.log } : { logLevel: "fatal" as const }),
  });
  void probot.load(createApp({ appId: APP_ID, now: () => NOW, engine: "in-process", writeLimiter }));
  return probot;
}

describe("rate-limit answers are waited for, then the request is retried", () => {
  it("a 403 secondary limit with retry-after on the write: waited for, retried, the run completes with its verdict", async () => {
    const probot = makeProbot();
    gh = new GitHub();
    gh.token()
      .listRuns(SHA)
      .config()
      .noAppeals()
      .tarball(SHA, await repoTarballOf(MALICIOUS));
    gh.fault("POST", `${gh.base}/check-runs`, "secondary", { retryAfter: 1 });
    gh.createRun(30);
    const before = await retries("secondary");
    const started = Date.now();
    await probot.receive({ id: "d-secondary-retry", name: "push", payload: pushExample() });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const posts = gh.checks().filter((r) => r.method === "POST");
    expect(posts).toHaveLength(2);
    expect(final()).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(final().output.title).toMatch(/MALICIOUS/);
    expect(await retries("secondary")).toBe(before + 1);
  });

  it("a 429 with retry-after on the archive (production Octokit): one wait of that length, then the scan", async () => {
    const probot = productionProbot(new MemoryWriteLimiter({ spacingMs: 5, perHour: 1000 }));
    gh = new GitHub();
    gh.token().listRuns(SHA).config().noAppeals();
    let refused = 0;
    gh.api.get(`${gh.base}/tarball/${SHA}`).reply(() => {
      refused++;
      return [429, { message: "Too many requests" }, { "retry-after": "1" }];
    });
    gh.tarball(SHA, await repoTarballOf(CLEAN)).createRun(31);
    const started = Date.now();
    await probot.receive({ id: "d-429", name: "push", payload: pushExample() });
    expect(refused).toBe(1); // not retried blindly by the retry plugin
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(final()).toMatchObject({ status: "completed", conclusion: "success" });
  });

  it("a primary limit with x-ratelimit-reset soon: waits until the reset, retries, completes", async () => {
    const probot = productionProbot(new MemoryWriteLimiter({ spacingMs: 5, perHour: 1000 }));
    gh = new GitHub();
    gh.token().listRuns(SHA).config().noAppeals();
    const reset = Math.floor(Date.now() / 1000) + 1;
    gh.api
      .get(`${gh.base}/tarball/${SHA}`)
      .reply(
        403,
        { message: "API rate limit exceeded for installation ID 1." },
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset), "x-ratelimit-limit": "5000" },
      );
    gh.tarball(SHA, await repoTarballOf(CLEAN)).createRun(32);
    const before = await retries("primary");
    await probot.receive({ id: "d-primary-soon", name: "push", payload: pushExample() });
    expect(Date.now()).toBeGreaterThanOrEqual(reset * 1000);
    expect(final()).toMatchObject({ status: "completed", conclusion: "success" });
    expect(await retries("primary")).toBe(before + 1);
  });

  it("what counts as a rate-limit answer, and how long it asks to wait", () => {
    const err = (status: number, headers: Record<string, string>, message = "") => ({
      status,
      message,
      response: { headers },
    });
    expect(rateLimitOf(err(403, { "retry-after": "30" }))).toEqual({ kind: "secondary", waitMs: 30_000 });
    expect(rateLimitOf(err(403, {}, "You have exceeded a secondary rate limit"))).toEqual({
      kind: "secondary",
      waitMs: 60_000,
    });
    expect(rateLimitOf(err(429, {}))).toEqual({ kind: "secondary", waitMs: 60_000 });
    const primary = rateLimitOf(
      err(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Date.now() / 1000 + 10) }),
    );
    expect(primary?.kind).toBe("primary");
    expect(primary?.waitMs).toBeGreaterThan(10_000);
    expect(primary?.waitMs).toBeLessThanOrEqual(11_000);
    // A 403 for a missing permission is not a limit: it fails at once.
    expect(rateLimitOf(err(403, { "x-ratelimit-remaining": "4999" }, "Resource not accessible"))).toBe(
      undefined,
    );
  });
});

describe("the write limiter", () => {
  it("spaces one installation's writes, leaves other installations alone, and caps the hour", async () => {
    const limiter = new MemoryWriteLimiter({ spacingMs: 1_000, perHour: 3 });
    const waits = [];
    for (let i = 0; i < 4; i++) waits.push(await limiter.reserveWrite("1"));
    expect(waits[0]).toBe(0);
    expect(waits[1]).toBeGreaterThan(990);
    expect(waits[2]).toBeGreaterThan(1_990);
    // The fourth write of the hour waits for the first to be an hour old.
    expect(waits[3]).toBeGreaterThan(3_599_000);
    expect(await limiter.reserveWrite("2")).toBe(0);
    await limiter.pause("2", 5_000);
    expect(await limiter.pausedFor("2")).toBeGreaterThan(4_900);
    expect(await limiter.reserveWrite("2")).toBeGreaterThan(4_900);
  });
});

describe("the hook's waits", () => {
  type Req = (o: Json) => Promise<Json>;
  /** The wrapper attachBudget installs, around a fake `request` that answers with `answer`. */
  function hooked(limiter: WriteLimiter, answer: () => Promise<Json>) {
    let wrapper: ((request: Req, o: Json) => Promise<Json>) | undefined;
    const octokit = { hook: { wrap: (_: string, fn: typeof wrapper) => (wrapper = fn) } };
    attachBudget(octokit as never, 9, limiter, { warn: () => {} });
    let calls = 0;
    const call = () =>
      wrapper!(
        () => {
          calls++;
          return answer();
        },
        { method: "PATCH", url: "/repos/{owner}/{repo}/check-runs/{check_run_id}" },
      );
    return { call, calls: () => calls };
  }
  const secondary = (retryAfter: string) => () =>
    Promise.reject(
      Object.assign(new Error("secondary rate limit"), {
        status: 403,
        response: { headers: { "retry-after": retryAfter } },
      }),
    );

  it("a run's last write, behind a long queue of writes, is tried once, never in a loop against the limit", async () => {
    const limiter = new MemoryWriteLimiter({ spacingMs: 120_000, perHour: 1000 });
    await limiter.reserveWrite("9"); // another run's write: the next slot is 2 min away
    const h = hooked(limiter, secondary("0"));
    await expect(endingRun(() => h.call())).rejects.toBeInstanceOf(WriteBudgetError);
    expect(h.calls()).toBe(1);
  });

  it("outside a run's ending, a slot past the budget fails at once without a request", async () => {
    const limiter = new MemoryWriteLimiter({ spacingMs: 120_000, perHour: 1000 });
    await limiter.reserveWrite("9");
    expect(await limiter.nextWriteIn("9")).toBeGreaterThan(119_000);
    const h = hooked(limiter, async () => ({ status: 200, headers: {} }));
    await expect(h.call()).rejects.toBeInstanceOf(WriteBudgetError);
    expect(h.calls()).toBe(0);
  });
});

// ---- a real redis-server ----------------------------------------------------------------------------

const hasRedis = spawnSync("redis-server", ["--version"]).status === 0;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(!hasRedis)("a limiter shared through Redis (needs redis-server; skipped when absent)", () => {
  let proc: ChildProcess | undefined;
  let dir = "";
  let url = "";
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(url, { maxRetriesPerRequest: 1 });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "sq-redis-"));
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    proc = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    const probe = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => 50, lazyConnect: true });
    probe.on("error", () => {}); // refused until the server listens
    for (let i = 0; i < 100; i++) {
      try {
        await probe.connect();
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await probe.ping();
    probe.disconnect();
    nock.enableNetConnect(/127\.0\.0\.1/);
  });

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    proc?.kill("SIGTERM");
    await new Promise((r) => (proc?.exitCode !== null ? r(undefined) : proc?.once("exit", r)));
    rmSync(dir, { recursive: true, force: true });
    nock.disableNetConnect();
  });

  it("two App instances (two workers) space the same installation's writes between them", async () => {
    const limits = { spacingMs: 1_000, perHour: 1000 };
    const prefix = `t-${Date.now()}`;
    const probots = [0, 1].map(() =>
      makeProbot({ writeLimiter: new RedisWriteLimiter(client(), limits, prefix) }),
    );
    const repos = ["Codertocat/Hello-World", "Codertocat/Other-Repo"];
    const mocks: GitHub[] = [];
    const postedAt: number[] = [];
    for (const full of repos) {
      const g = new GitHub(full);
      g.token()
        .listRuns(SHA)
        .config()
        .noAppeals()
        .tarball(SHA, await repoTarballOf(CLEAN));
      g.api
        .post(`${g.base}/check-runs`)
        .reply(201, () => {
          postedAt.push(Date.now());
          return { id: 40 + mocks.length };
        })
        .get(`${g.base}/commits/${SHA}/check-runs`)
        .query(true)
        .reply(200, { total_count: 0, check_runs: [] });
      mocks.push(g);
    }
    gh = mocks[0]!;
    const payloads = repos.map((full) => {
      const p = pushExample();
      const [owner, name] = full.split("/");
      p.repository.name = name;
      p.repository.full_name = full;
      p.repository.owner.login = owner;
      p.repository.owner.name = owner;
      return p;
    });
    await Promise.all(
      probots.map((probot, i) => probot.receive({ id: `d-shared-${i}`, name: "push", payload: payloads[i] })),
    );
    expect(postedAt).toHaveLength(2);
    // Redis hands out slots exactly 1 s apart; what reaches GitHub is that, give or take the trip.
    expect(Math.abs(postedAt[1]! - postedAt[0]!)).toBeGreaterThanOrEqual(850);
  });

  it("a pause set by one worker after a rate-limit answer holds every worker's requests", async () => {
    const prefix = `p-${Date.now()}`;
    const a = new RedisWriteLimiter(client(), { spacingMs: 10_000, perHour: 1000 }, prefix);
    const b = new RedisWriteLimiter(client(), { spacingMs: 10_000, perHour: 1000 }, prefix);
    expect(await b.pausedFor("7")).toBe(0);
    await a.pause("7", 2_000);
    expect(await b.pausedFor("7")).toBeGreaterThan(1_900);
    expect(await b.reserveWrite("7")).toBeGreaterThan(1_900);
    expect(await b.pausedFor("8")).toBe(0);
    await b.reserveWrite("8");
    expect(await a.nextWriteIn("8")).toBeGreaterThan(0);
    gh = new GitHub();
  });
});

// ---- observability ----------------------------------------------------------------------------------

describe("metrics and logs", () => {
  it("GET /metrics serves every metric of the App in Prometheus text", async () => {
    gh = new GitHub();
    const { server, url } = await startLoopbackServer("s");
    try {
      const res = await fetch(`${url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
      const text = await res.text();
      for (const name of [
        "skill_quarantine_queue_jobs",
        "skill_quarantine_queue_oldest_waiting_age_seconds",
        "skill_quarantine_scan_duration_seconds",
        "skill_quarantine_runs_total",
        "skill_quarantine_github_requests_total",
        "skill_quarantine_github_rate_limit_remaining",
        "skill_quarantine_github_retries_total",
        "skill_quarantine_dead_letters_total",
      ])
        expect(text).toContain(`# TYPE ${name} `);
    } finally {
      await stopLoopbackServer(server);
    }
  });

  it("a run counts its conclusion and its requests, and every log line names the delivery, installation and repository", async () => {
    const lines: Json[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    const log = pino({ level: "debug" }, sink);
    const probot = productionProbot(new MemoryWriteLimiter({ spacingMs: 5, perHour: 1000 }), { log });
    gh = new GitHub();
    gh.token()
      .listRuns(SHA)
      .config()
      .noAppeals()
      .tarball(SHA, await repoTarballOf(MALICIOUS))
      .createRun(33);
    const count = async () =>
      (await runsByConclusion.get()).values.find((v) => v.labels.conclusion === "failure")?.value ?? 0;
    const before = await count();
    await probot.receive({ id: "d-logged", name: "push", payload: pushExample() });
    expect(await count()).toBe(before + 1);

    const { githubRequests, metricsText } = await import("../../src/app/metrics.js");
    const posts = (await githubRequests.get()).values.find(
      (v) => v.labels.method === "POST" && v.labels.route === "/repos/{owner}/{repo}/check-runs",
    );
    expect(posts?.value).toBeGreaterThanOrEqual(1);
    expect(await metricsText()).toMatch(/skill_quarantine_scan_duration_seconds_count \d+/);

    const ofRun = lines.filter((l) => l.msg !== undefined && l.deliveryId === "d-logged");
    expect(ofRun.map((l) => l.msg)).toContain("check run completed");
    // Every line the run wrote (handlers, lifecycle, limiter) carries the three fields.
    const handlerLines = lines.filter((l) => /check run|scan|redelivery|rate limit/.test(l.msg ?? ""));
    expect(handlerLines.length).toBeGreaterThan(0);
    for (const l of handlerLines)
      expect(l).toMatchObject({
        deliveryId: "d-logged",
        installationId: 1,
        repository: "Codertocat/Hello-World",
      });
  });
});
