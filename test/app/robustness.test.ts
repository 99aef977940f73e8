import "./polyfill.js";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app/index.js";
import { withDeliveryLock } from "../../src/app/scan/run-lifecycle.js";
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
  unmatched,
} from "./helpers.js";

// Runs never stay "in progress" and one delivery makes one run: GitHub in fault mode (hanging
// downloads, rate limits, 5xx, failed completions) and deliveries that race each other.

const SHA = "6113728f27ae82c7b1a177c8d03f9e96e0adf246"; // the push example's `after`
const CLEAN = { "skills/meeting-notes": "clean-notes" };
const MALICIOUS = { "skills/meeting-notes": "clean-notes", "skills/invoice-helper": "malicious-invoice" };
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

const patches = () => gh.checks().filter((r) => r.method === "PATCH");
const final = (): Json => gh.checks().at(-1)!.body;

describe("every run has a deadline of its own", () => {
  it("a tarball download that never answers: the run ends 'not scanned' at its deadline, not 14 minutes later", async () => {
    const probot = makeProbot({ runDeadlineMs: 400 });
    gh = new GitHub();
    gh.token().listRuns(SHA).createRun(70).config().noAppeals();
    gh.fault("GET", `${gh.base}/tarball/${SHA}`, "hang");
    gh.updateRun(70);
    const started = Date.now();
    await probot.receive({ id: "d-hang", name: "push", payload: pushExample() });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(final()).toMatchObject({
      status: "completed",
      conclusion: "failure",
      output: { title: "❌ Not scanned: no verdict within 0.4 s" },
      actions: [expect.objectContaining({ identifier: "rescan" })],
    });
  });

  it("a primary rate limit whose reset is an hour away is not waited for: the run ends at once", async () => {
    // The production Octokit: the App's own limiter and waits, no blind retry of 429.
    const Octokit = withRateLimitWaits(
      ProbotOctokit.defaults((o: Json) => ({ ...o, retry: { ...o.retry, retryAfterBaseValue: 1 } })),
    );
    const probot = new Probot({
      appId: APP_ID,
      privateKey: PRIVATE_KEY,
      secret: "s",
      Octokit,
      logLevel: "fatal",
    });
    void probot.load(createApp({ appId: APP_ID, now: () => NOW }));
    gh = new GitHub();
    gh.token().listRuns(SHA).createRun(71).config().noAppeals();
    gh.fault("GET", `${gh.base}/tarball/${SHA}`, "primary");
    const started = Date.now();
    await probot.receive({ id: "d-primary", name: "push", payload: pushExample() });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(final()).toMatchObject({
      conclusion: "failure",
      output: { title: "❌ Not scanned: GitHub API rate limit reached" },
    });
    expect(final().output.summary).toMatch(/resets at \d{4}-/);
  });

  it("a secondary rate limit lifting after the run's deadline is not waited for: the run ends with the reason", async () => {
    const probot = makeProbot();
    gh = new GitHub();
    gh.token().listRuns(SHA).createRun(72).config().noAppeals();
    gh.fault("GET", `${gh.base}/tarball/${SHA}`, "secondary", { retryAfter: 3600 });
    const started = Date.now();
    await probot.receive({ id: "d-secondary", name: "push", payload: pushExample() });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(final()).toMatchObject({
      conclusion: "failure",
      output: { title: "❌ Not scanned: GitHub API rate limit reached" },
    });
    expect(final().output.summary).toContain("secondary rate limit: retry after 3600 s");
  });

  it("completing with the verdict fails (422), then 5xx: completing is retried with a short 'not scanned'", async () => {
    const probot = makeProbot();
    gh = new GitHub();
    gh.token()
      .listRuns(SHA)
      .config()
      .noAppeals()
      .tarball(SHA, await repoTarballOf(MALICIOUS));
    // The verdict is refused; the first "not scanned" attempt meets 5xx (Octokit retries 3 times).
    gh.api.post(`${gh.base}/check-runs`).reply(422, { message: "Invalid request" });
    gh.fault("POST", `${gh.base}/check-runs`, "5xx", { times: 4 });
    gh.createRun(73);
    await probot.receive({ id: "d-complete", name: "push", payload: pushExample() });
    expect(final()).toMatchObject({
      status: "completed",
      conclusion: "failure",
      output: { title: "❌ Not scanned: the result could not be saved" },
      actions: [expect.objectContaining({ identifier: "rescan" })],
    });
  });

  it("a later delivery ends another delivery's run left in progress past the deadline, then scans", async () => {
    const probot = makeProbot({ runDeadlineMs: 60_000 });
    const old = new Date(NOW.getTime() - 2 * 60_000 - 1).toISOString();
    const recent = new Date(NOW.getTime() - 30_000).toISOString();
    gh = new GitHub();
    gh.token()
      .listRuns(SHA, [
        { id: 60, external_id: "d-crashed", status: "in_progress", started_at: old },
        { id: 61, external_id: "d-live", status: "in_progress", started_at: recent },
        { id: 62, external_id: "d-done", status: "completed", started_at: old },
      ])
      .updateRun(60)
      .createRun(74)
      .config()
      .noAppeals()
      .tarball(SHA, await repoTarballOf(CLEAN));
    await probot.receive({ id: "d-later", name: "push", payload: pushExample() });
    const ended = patches().find((r) => r.path.endsWith("/check-runs/60"))!.body;
    expect(ended).toMatchObject({
      status: "completed",
      conclusion: "failure",
      output: { title: "❌ Not scanned: the scan stopped before a verdict" },
      actions: [expect.objectContaining({ identifier: "rescan" })],
    });
    expect(ended.output.summary).toContain("still in progress after 2 min");
    expect(gh.checks().map((r) => `${r.method} ${r.path.split("/").at(-1)}`)).toEqual([
      "PATCH 60",
      "POST check-runs",
    ]);
    expect(final().conclusion).toBe("success");
  });
});

describe("one delivery, one run", () => {
  it("three concurrent deliveries with one id in one process: exactly one run is created", async () => {
    const probot = makeProbot();
    gh = new GitHub();
    const done = [{ id: 80, external_id: "d-race", status: "completed", started_at: NOW.toISOString() }];
    gh.token()
      .listRuns(SHA)
      .createRun(80)
      .config()
      .noAppeals()
      .tarball(SHA, await repoTarballOf(CLEAN))
      .listRuns(SHA, done)
      .listRuns(SHA, done);
    const payload = pushExample();
    await Promise.all([1, 2, 3].map(() => probot.receive({ id: "d-race", name: "push", payload })));
    expect(gh.checks().filter((r) => r.method === "POST")).toHaveLength(1);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("another replica created the same delivery's run first: this one closes its own as a duplicate", async () => {
    const probot = makeProbot();
    gh = new GitHub();
    gh.token()
      .listRuns(SHA)
      .config()
      .noAppeals()
      .tarball(SHA, await repoTarballOf(CLEAN))
      .createRun(82, [{ id: 81, external_id: "d-replicas", status: "in_progress" }])
      .updateRun(82);
    await probot.receive({ id: "d-replicas", name: "push", payload: pushExample() });
    expect(gh.checks().map((r) => `${r.method} ${r.path.split("/").at(-1)}`)).toEqual([
      "POST check-runs",
      "PATCH 82",
    ]);
    // The run is created with the verdict (one write), so the race is seen after the scan; the
    // newer run is closed, the older (the other replica's) carries the verdict.
    expect(final()).toMatchObject({ conclusion: "neutral", output: { title: "Duplicate of run 81" } });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("the lock runs same-key work one after the other and lets other keys through", async () => {
    const order: string[] = [];
    const step = (name: string, ms: number) => async () => {
      order.push(`${name} start`);
      await new Promise((r) => setTimeout(r, ms));
      order.push(`${name} end`);
    };
    await Promise.all([
      withDeliveryLock("a", step("a1", 30)),
      withDeliveryLock("a", step("a2", 1)),
      withDeliveryLock("b", step("b1", 1)),
    ]);
    expect(order.indexOf("a2 start")).toBeGreaterThan(order.indexOf("a1 end"));
    expect(order.indexOf("b1 end")).toBeLessThan(order.indexOf("a1 end"));
  });
});
