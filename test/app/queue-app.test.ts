import "./polyfill.js";
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppServer } from "../../src/app/server.js";
import { GitHubStandIn } from "./github-standin.js";
import {
  example,
  type Json,
  PRIVATE_KEY,
  queueIdle,
  repoTarballOf,
  startLoopbackServer,
  stopLoopbackServer,
} from "./helpers.js";

// `npm start` without REDIS_URL: the in-process queue runs the App's handlers, with the same
// retries, deadline and dead letter as the Redis backend (test/app/queue-workers.test.ts).

const SECRET = "queue-app-secret";
const payload: Json = example("push", (p) => p.ref === "refs/heads/master" && p.installation);
let github: GitHubStandIn;
let web: AppServer;
let url: string;

beforeAll(async () => {
  github = new GitHubStandIn(await repoTarballOf({ "skills/meeting-notes": "clean-notes" }));
  const { host } = await github.start();
  ({ server: web, url } = await startLoopbackServer(SECRET, {
    env: { LOG_LEVEL: "fatal", JOB_ATTEMPTS: "2", JOB_DEADLINE_MS: "1500", APP_SLUG: "sq-test" },
    baseUrl: `http://${host}/api/v3`,
    app: { runDeadlineMs: 60_000, appSlug: "sq-test" },
  }));
}, 30_000);

afterAll(async () => {
  await stopLoopbackServer(web);
  await github.stop();
});

const post = async (id: string, body: Json = payload) => {
  const text = JSON.stringify(body);
  const res = await fetch(`${url}/api/github/webhooks`, {
    method: "POST",
    body: text,
    headers: {
      "content-type": "application/json",
      "x-github-event": "push",
      "x-github-delivery": id,
      "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(text).digest("hex")}`,
    },
  });
  return { status: res.status, body: (await res.json()) as Json };
};

describe("the in-process queue behind npm start", () => {
  it("a delivery that never finishes is retried, then completed as not scanned with Re-scan", async () => {
    expect(web.queue.backend).toBe("memory");
    github.holdTarballs();
    const t = Date.now();
    expect(await post("d-mem-dead")).toEqual({ status: 202, body: { ok: "queued" } });
    expect(Date.now() - t).toBeLessThan(2_000);
    // While the job hangs, /healthz answers at once.
    const h = Date.now();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(Date.now() - h).toBeLessThan(1_000);
    await queueIdle(web);
    expect(github.runs).toHaveLength(1);
    expect(github.runs[0]).toMatchObject({
      external_id: "d-mem-dead",
      status: "completed",
      conclusion: "failure",
      output: { title: "❌ Not scanned: the scan failed on every try" },
      actions: [{ identifier: "rescan" }],
    });
    expect(github.runs[0]!.output!.summary).toContain("no verdict within 1.5 s");
    expect(await web.queue.stats()).toMatchObject({ failed: 1, active: 0, waiting: 0 });
    github.releaseTarballs();
  }, 60_000);

  it("the same delivery twice is queued once; the App's own push is not queued", async () => {
    github.runs.length = 0;
    const [a, b] = await Promise.all([post("d-mem-twice"), post("d-mem-twice")]);
    expect([a.body.ok, b.body.ok].sort()).toEqual(["duplicate delivery: already queued", "queued"]);
    const own = structuredClone(payload);
    own.sender = { login: "sq-test[bot]", type: "Bot" };
    expect(await post("d-mem-own", own)).toEqual({
      status: 200,
      body: { ok: "the App's own event: ignored" },
    });
    await queueIdle(web);
    // Only this test's deliveries: the first test's abandoned try (past its job deadline, not
    // stopped) may still write its own late result, which GitHub would close as a duplicate.
    const mine = github.runs.filter((r) => r.external_id !== "d-mem-dead");
    expect(mine.map((r) => [r.external_id, r.status, r.conclusion])).toEqual([
      ["d-mem-twice", "completed", "success"],
    ]);
    expect(github.unexpected).toEqual([]);
  }, 60_000);
});

it("`npm run worker` without REDIS_URL says why in one line and exits 2", () => {
  const run = spawnSync(process.execPath, ["--import", "tsx", "src/app/worker.ts"], {
    cwd: fileURLToPath(new URL("../..", import.meta.url)),
    env: { PATH: process.env.PATH ?? "", APP_ID: "1", PRIVATE_KEY, WEBHOOK_SECRET: "s" },
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(run.status).toBe(2);
  expect(run.stderr).toBe(
    "skill-quarantine worker: REDIS_URL is not set: `npm run worker` takes jobs from Redis; without Redis, `npm start` runs the jobs itself\n",
  );
}, 60_000);

it("the web process queues exactly the events createApp handles", async () => {
  const { createApp, HANDLED_EVENTS, handlesEvent } = await import("../../src/app/index.js");
  const registered: string[] = [];
  const fakeApp = {
    on: (names: string | string[]) => registered.push(...[names].flat()),
    log: { warn() {}, info() {}, debug() {} },
  };
  createApp({ appId: 1, markerSecret: "k", engine: "in-process" })(fakeApp as never, {} as never);
  expect([...registered].sort()).toEqual([...HANDLED_EVENTS].sort());
  expect(handlesEvent("push", {})).toBe(true);
  expect(handlesEvent("pull_request", { action: "synchronize" })).toBe(true);
  expect(handlesEvent("pull_request", { action: "closed" })).toBe(false);
  expect(handlesEvent("ping", { zen: "x" })).toBe(false);
  expect(handlesEvent("check_run", { action: { toString: () => "rerequested" } })).toBe(false);
});
