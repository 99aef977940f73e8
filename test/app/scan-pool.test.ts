import "./polyfill.js";
import { createHmac } from "node:crypto";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadEngine } from "../../src/app/scan/engine.js";
import { fileSetOf, ScanTimeoutError, toScanJob } from "../../src/app/scan/scan-job.js";
import { runnerEngine, ScanPool } from "../../src/app/scan/scan-pool.js";
import type { AppServer } from "../../src/app/server.js";
import { MemoryFileSet } from "../../src/scan/fileset.js";
import { defaultConfig } from "../../src/scan/scan-config.js";
import {
  example,
  GitHub,
  type Json,
  queueIdle,
  repoFiles,
  repoTarballOf,
  startLoopbackServer,
  stopLoopbackServer,
  unmatched,
} from "./helpers.js";

// Scans run in worker threads with a time budget: the real worker gives the in-process verdict, a
// scan that never ends is stopped and reported SUSPICIOUS, and the HTTP server keeps answering.

const SLOW_WORKER = new URL("./slow-scan-worker.ts", import.meta.url);
const MALICIOUS = { "skills/meeting-notes": "clean-notes", "skills/invoice-helper": "malicious-invoice" };
const pools: ScanPool[] = [];
const pool = (options: ConstructorParameters<typeof ScanPool>[0]) => {
  const p = new ScanPool(options);
  pools.push(p);
  return p;
};

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

const files = (record: Record<string, string>) =>
  MemoryFileSet.fromRecord("Codertocat/Hello-World@abc1234", record);

describe("the scan job (what crosses to the worker)", () => {
  it("files, symlinks and refused entries survive the trip, in order; rules and callbacks stay behind", async () => {
    const fs = new MemoryFileSet(
      "o/r@1",
      new Map<string, Uint8Array | { symlink: string } | { problem: string; size: number }>([
        ["a/SKILL.md", new TextEncoder().encode("hi")],
        ["a/link", { symlink: "../../etc/passwd" }],
        ["a/big.bin", { problem: "larger than 8 MiB", size: 9e6 }],
      ]),
    );
    const job = await toScanJob(fs, {
      ruleSet: { rules: [] } as never,
      onProgress: () => {},
      author: "octo",
      baseline: new Map(),
    });
    expect(Object.keys(job.options).sort()).toEqual(["author", "baseline"]);
    const copy = structuredClone(job);
    const back = fileSetOf(copy);
    const listed = [];
    for await (const e of back.list()) listed.push(e);
    expect(listed).toEqual([
      { path: "a/SKILL.md", kind: "file", size: 2 },
      { path: "a/link", kind: "symlink", size: 0, linkTarget: "../../etc/passwd" },
      { path: "a/big.bin", kind: "other", size: 9e6, problem: "larger than 8 MiB" },
    ]);
    expect(new TextDecoder().decode(await back.read("a/SKILL.md", 100))).toBe("hi");
  });
});

describe("the scan pool", () => {
  it("the real worker scans a repository to the same result as the in-process engine", async () => {
    const fs = files(repoFiles(MALICIOUS));
    const inProcess = await loadEngine();
    const options = { ruleSet: inProcess.ruleSet, config: defaultConfig(), rootName: "Hello-World" };
    const here = await inProcess.scan(fs, { ...options, scriptAnalyzer: inProcess.scriptAnalyzer });
    const engine = await runnerEngine(pool({ timeoutMs: 60_000 }));
    const there = await engine.scan(fs, options);
    expect(there).toEqual(here);
    expect(there.totals.bySeverity.MALICIOUS).toBeGreaterThan(0);
  });

  it("a scan over budget is stopped with ScanTimeoutError; the next job gets a fresh worker", async () => {
    const p = pool({ timeoutMs: 1_500, workerUrl: SLOW_WORKER });
    const slow = await toScanJob(files({ "skills/slow/SKILL.md": "x" }), { ruleSet: undefined as never });
    const fast = await toScanJob(files({ "skills/fast/SKILL.md": "x" }), { ruleSet: undefined as never });
    // Warm up: the worker starts (and loads tsx) before the clock matters.
    expect((await p.run(fast)).root).toBe("skills/fast/SKILL.md");

    // While the worker spins, this thread stays free: a 50 ms timer fires on time.
    const started = Date.now();
    const outcome = p.run(slow).then(
      () => "resolved",
      (err: unknown) => err,
    );
    const lag = await new Promise<number>((r) => {
      const t = Date.now();
      setTimeout(() => r(Date.now() - t - 50), 50);
    });
    expect(lag).toBeLessThan(500);
    const err = await outcome;
    expect(err).toBeInstanceOf(ScanTimeoutError);
    expect((err as Error).message).toBe(
      "Codertocat/Hello-World@abc1234: the scan took longer than 2 s and was stopped",
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect((await p.run(fast)).root).toBe("skills/fast/SKILL.md");
  });

  it("jobs queue for a free worker and each gets its own result, in order", async () => {
    const p = pool({ timeoutMs: 20_000, workerUrl: SLOW_WORKER, size: 1 });
    const jobs = await Promise.all(
      ["a", "b", "c"].map((n) =>
        toScanJob(files({ [`skills/${n}/SKILL.md`]: n }), { ruleSet: undefined as never }),
      ),
    );
    const roots = await Promise.all(jobs.map((j) => p.run(j)));
    expect(roots.map((r) => r.root)).toEqual(["skills/a/SKILL.md", "skills/b/SKILL.md", "skills/c/SKILL.md"]);
  });
});

describe("the App with a scan that never ends", () => {
  const SECRET = "pool-secret";
  let server: AppServer;
  let url: string;
  let gh: GitHub;

  beforeAll(async () => {
    const slowPool = pool({ timeoutMs: 3_000, workerUrl: SLOW_WORKER });
    // The worker is started (tsx loaded) before the test's clock runs.
    await slowPool.run(await toScanJob(files({ "warm/SKILL.md": "" }), { ruleSet: undefined as never }));
    const engine = runnerEngine(slowPool);
    ({ server, url } = await startLoopbackServer(SECRET, { app: { engine: () => engine } }));
  });

  afterAll(() => stopLoopbackServer(server));

  afterEach(() => {
    try {
      expect(unmatched).toEqual([]);
      expect(nock.pendingMocks()).toEqual([]);
    } finally {
      nock.cleanAll();
      unmatched.length = 0;
    }
  });

  it("/healthz answers within a second while the scan spins; the run ends SUSPICIOUS, never success", async () => {
    const payload = example("push", (p) => p.ref === "refs/heads/master" && p.installation);
    const sha = payload.after;
    gh = new GitHub();
    gh.token()
      .listRuns(sha)
      .createRun(990)
      .config()
      .noAppeals()
      .tarball(sha, await repoTarballOf({ "skills/slow": "clean-notes" }));
    const body = JSON.stringify(payload);
    const delivery = fetch(`${url}/api/github/webhooks`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-github-event": "push",
        "x-github-delivery": "d-slow",
        "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
      },
    });
    // Wait until the scan has started (the tarball was fetched), then ask for /healthz.
    while (!gh.requests.some((r) => r.path.includes("/tarball/")))
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    const t = Date.now();
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(Date.now() - t).toBeLessThan(1_000);
    expect(gh.checks()).toEqual([]);

    expect((await delivery).status).toBe(202);
    await queueIdle(server);
    const final: Json = gh.checks().at(-1)!.body;
    expect(final).toMatchObject({
      status: "completed",
      conclusion: "action_required",
      output: { title: "❌ SUSPICIOUS: Not finished: too slow to check (over 3 s)" },
      details_url:
        "https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246",
    });
    expect(final.actions.map((a: Json) => a.identifier)).toEqual(["rescan", "appeal"]);
    expect(await gh.schemaErrors()).toEqual([]);
  });
});
