import "./polyfill.js";
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AppServer } from "../../src/app/server.js";
import { GitHubStandIn } from "./github-standin.js";
import {
  example,
  type Json,
  PRIVATE_KEY,
  repoTarballOf,
  startLoopbackServer,
  stopLoopbackServer,
} from "./helpers.js";
import { freePort, hasRedis, startRedis, type TestRedis } from "./redis.js";

// The whole App at scale, in processes: a real redis-server, the web process (202 at once, BullMQ
// producer) and `npm run worker` processes (src/app/worker.ts) talking to a GitHub stand-in on
// loopback. A worker killed with SIGKILL mid-scan loses nothing, one delivery makes one run, a
// delivery that never finishes ends its run as "not scanned", SIGTERM lets a worker finish.

const root = fileURLToPath(new URL("../..", import.meta.url));
const SECRET = "queue-workers-secret";
const payload: Json = example("push", (p) => p.ref === "refs/heads/master" && p.installation);
const SHA: string = payload.after;

let redis: TestRedis;
let github: GitHubStandIn;
let host: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  github = new GitHubStandIn(await repoTarballOf({ "skills/meeting-notes": "clean-notes" }));
  ({ host } = await github.start());
}, 30_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await github?.stop();
  await redis?.stop();
});

interface Worker {
  child: ChildProcess;
  lines: Json[];
  exited: Promise<number | null>;
}

function startWorker(queueName: string, extra: Record<string, string> = {}): Worker {
  const child = spawn(process.execPath, ["--import", "tsx", "src/app/worker.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      APP_ID: "123",
      PRIVATE_KEY,
      WEBHOOK_SECRET: SECRET,
      APP_SLUG: "skill-quarantine-test",
      REDIS_URL: redis.url,
      QUEUE_NAME: queueName,
      GHE_HOST: host,
      GHE_PROTOCOL: "http",
      LOG_FORMAT: "json",
      LOG_LEVEL: "info",
      WORKER_CONCURRENCY: "1",
      JOB_LOCK_MS: "2000",
      JOB_STALLED_INTERVAL_MS: "1000",
      ...extra,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const lines: Json[] = [];
  let buf = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    buf += d;
    let i = buf.indexOf("\n");
    while (i >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ msg: line });
      }
      i = buf.indexOf("\n");
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    if (process.env.TEST_LOG) process.stderr.write(d);
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, lines, exited };
}

const until = async (what: () => boolean, ms = 60_000, label = "condition") => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

async function postDelivery(url: string, id: string) {
  const body = JSON.stringify(payload);
  const res = await fetch(`${url}/api/github/webhooks`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": "push",
      "x-github-delivery": id,
      "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
    },
  });
  return { status: res.status, body: (await res.json()) as Json };
}

describe.skipIf(!hasRedis)("web process + worker processes on Redis", () => {
  let web: AppServer;
  let url: string;

  afterEach(async () => {
    if (web) await stopLoopbackServer(web);
    github.releaseTarballs();
    github.runs.length = 0;
    github.tarballRequests = 0;
  });

  it("SIGKILL mid-scan: another worker completes the same run, once; redelivery makes no second run; SIGTERM exits cleanly", async () => {
    const queueName = "kill-test";
    ({ server: web, url } = await startLoopbackServer(SECRET, {
      env: { REDIS_URL: redis.url, QUEUE_NAME: queueName, LOG_LEVEL: "fatal" },
    }));
    expect(web.queue.backend).toBe("bullmq");
    github.holdTarballs();
    // The slow-scan path: the run is created in progress at once (not with the verdict), so the
    // kill happens while a run is open and the next worker must take it over.
    const a = startWorker(queueName, { QUICK_RESULT_MS: "1" });

    // GitHub (or a person's "Redeliver") sends one delivery five times at once: one job.
    const answers = await Promise.all(Array.from({ length: 5 }, () => postDelivery(url, "d-kill")));
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    expect(answers.filter((r) => r.body.ok === "queued")).toHaveLength(1);

    await until(() => github.tarballRequests >= 1, 60_000, "worker A to start the scan");
    expect(github.runs).toMatchObject([{ external_id: "d-kill", status: "in_progress" }]);
    a.child.kill("SIGKILL");
    await a.exited;
    github.releaseTarballs();

    const b = startWorker(queueName, { QUICK_RESULT_MS: "1" });
    await until(() => github.runs[0]?.status === "completed", 60_000, "worker B to complete the run");
    expect(github.runs).toHaveLength(1);
    expect(github.runs[0]).toMatchObject({
      external_id: "d-kill",
      head_sha: SHA,
      status: "completed",
      conclusion: "success",
    });
    expect(github.requests.filter((r) => r.startsWith("POST") && r.endsWith("/check-runs"))).toHaveLength(1);
    expect(github.unexpected).toEqual([]);

    // Every line B wrote for the job names the delivery, the installation and the repository.
    const jobLines = b.lines.filter((l) => l.deliveryId === "d-kill");
    expect(jobLines.some((l) => /taking over this delivery's run/.test(l.msg))).toBe(true);
    for (const l of jobLines)
      expect(l).toMatchObject({
        installationId: payload.installation.id,
        repository: "Codertocat/Hello-World",
      });

    expect((await web.queue.stats()).failed).toBe(0);
    b.child.kill("SIGTERM");
    expect(await b.exited).toBe(0);
  }, 180_000);

  it("a delivery that never finishes is retried, then its run is completed as not scanned with Re-scan", async () => {
    const queueName = "dead-test";
    ({ server: web, url } = await startLoopbackServer(SECRET, {
      env: { REDIS_URL: redis.url, QUEUE_NAME: queueName, LOG_LEVEL: "fatal" },
    }));
    github.holdTarballs();
    const metricsPort = await freePort();
    const w = startWorker(queueName, {
      JOB_ATTEMPTS: "2",
      JOB_DEADLINE_MS: "3000",
      RUN_DEADLINE_MS: "60000",
      METRICS_PORT: String(metricsPort),
    });
    expect((await postDelivery(url, "d-dead")).status).toBe(202);
    await until(() => github.runs[0]?.status === "completed", 90_000, "the dead letter");
    expect(github.runs).toHaveLength(1);
    expect(github.runs[0]).toMatchObject({
      external_id: "d-dead",
      conclusion: "failure",
      output: { title: "❌ Not scanned: the scan failed on every try" },
      actions: [{ identifier: "rescan" }],
    });
    expect(github.runs[0]!.output!.summary).toContain("tried 2 times");
    const job = w.lines.filter((l) => l.deliveryId === "d-dead");
    expect(job.filter((l) => /BullMQ retries it/.test(l.msg)).map((l) => l.attempt)).toEqual([1]);
    expect(job.filter((l) => /failed for good/.test(l.msg)).map((l) => [l.attempt, l.reason])).toEqual([
      [2, "no verdict within 3 s"],
    ]);
    // The job itself ends in BullMQ's failed set: the dead letter, for an operator to inspect. Under
    // heavy load a job's lock can lapse while its dead letter is written; the stalled-job check then
    // runs it once more and that dead letter finds the run completed, so it takes a while.
    const end = Date.now() + 45_000;
    while ((await web.queue.stats()).failed !== 1 && Date.now() < end)
      await new Promise((r) => setTimeout(r, 100));
    expect(await web.queue.stats()).toMatchObject({ failed: 1 });
    // The worker serves its own metrics (a registry per process): the dead letter is counted there.
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/^skill_quarantine_dead_letters_total [1-9]/m);
    expect(metrics).toMatch(/^skill_quarantine_queue_jobs\{state="failed"\} 1$/m);
    w.child.kill("SIGTERM");
    await w.exited;
  }, 180_000);

  it("SIGTERM mid-scan: the worker takes no new job, finishes the running one, then exits 0", async () => {
    const queueName = "term-test";
    ({ server: web, url } = await startLoopbackServer(SECRET, {
      env: { REDIS_URL: redis.url, QUEUE_NAME: queueName, LOG_LEVEL: "fatal" },
    }));
    github.holdTarballs();
    const w = startWorker(queueName);
    expect((await postDelivery(url, "d-term")).status).toBe(202);
    await until(() => github.tarballRequests >= 1, 60_000, "the worker to start the scan");
    w.child.kill("SIGTERM");
    expect((await postDelivery(url, "d-after-term")).status).toBe(202);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(w.child.exitCode).toBeNull();
    github.releaseTarballs();
    expect(await w.exited).toBe(0);
    expect(github.runs.map((r) => [r.external_id, r.status, r.conclusion])).toEqual([
      ["d-term", "completed", "success"],
    ]);
    // The delivery queued after SIGTERM waits for the next worker.
    expect(await web.queue.stats()).toMatchObject({ waiting: 1, active: 0 });
  }, 120_000);

  it("with Redis gone, /healthz still answers at once and a delivery gets 503 within the bound", async () => {
    const own = await startRedis();
    ({ server: web, url } = await startLoopbackServer(SECRET, {
      env: { REDIS_URL: own.url, QUEUE_NAME: "gone-test", LOG_LEVEL: "fatal" },
    }));
    expect((await postDelivery(url, "d-before")).status).toBe(202);
    await own.stop();
    const h = Date.now();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(Date.now() - h).toBeLessThan(500);
    const t = Date.now();
    const res = await postDelivery(url, "d-gone");
    expect(res.status).toBe(503);
    expect(res.body.error).toBe("push delivery d-gone could not be queued; redeliver it later");
    expect(Date.now() - t).toBeLessThan(7_000);
  }, 60_000);
});
