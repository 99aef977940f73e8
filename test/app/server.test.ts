import "./polyfill.js";
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, readSettings } from "../../src/app/server.js";
import {
  example,
  GitHub,
  PRIVATE_KEY,
  queueIdle,
  repoTarballOf,
  startLoopbackServer,
  stopLoopbackServer,
  unmatched,
} from "./helpers.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const SECRET = "loopback-secret";

describe("readSettings (the npm start environment)", () => {
  const base = { APP_ID: "123", PRIVATE_KEY, WEBHOOK_SECRET: "s" };

  it("reads the standard variables, with PORT 3000 and the Probot webhook path by default", () => {
    const s = readSettings(base);
    expect(s).toMatchObject({ appId: 123, secret: "s", port: 3000, webhookPath: "/api/github/webhooks" });
    expect(s.privateKey).toContain("BEGIN RSA PRIVATE KEY");
  });

  it("accepts the key as base64, with escaped newlines, or from PRIVATE_KEY_PATH", () => {
    expect(
      readSettings({ ...base, PRIVATE_KEY: Buffer.from(PRIVATE_KEY).toString("base64") }).privateKey,
    ).toBe(PRIVATE_KEY);
    expect(readSettings({ ...base, PRIVATE_KEY: PRIVATE_KEY.replace(/\n/g, "\\n") }).privateKey.trim()).toBe(
      PRIVATE_KEY.trim(),
    );
    const file = join(mkdtempSync(join(tmpdir(), "sq-key-")), "app.pem");
    writeFileSync(file, PRIVATE_KEY);
    expect(readSettings({ ...base, PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: file }).privateKey).toBe(
      PRIVATE_KEY,
    );
  });

  it.each([
    [{ APP_ID: undefined }, "APP_ID is not set; it is on the App's settings page"],
    [{ APP_ID: "abc" }, 'APP_ID must be a positive whole number, not "abc"'],
    [
      { PRIVATE_KEY: undefined },
      "PRIVATE_KEY or PRIVATE_KEY_PATH is not set; give the App's private key (.pem) from its settings page",
    ],
    [
      { PRIVATE_KEY: "not a key" },
      "PRIVATE_KEY is not a PEM private key; download one from the App's settings page",
    ],
    [
      { PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: "/nonexistent/key.pem" },
      "PRIVATE_KEY_PATH: cannot read /nonexistent/key.pem (ENOENT)",
    ],
    [
      { WEBHOOK_SECRET: undefined },
      "WEBHOOK_SECRET is not set; use the secret entered when the App was registered",
    ],
    [{ PORT: "70000" }, 'PORT must be at most 65535, not "70000"'],
    [{ TARBALL_MAX_ENTRIES: "-5" }, 'TARBALL_MAX_ENTRIES must be a positive whole number, not "-5"'],
    [{ SCAN_TIMEOUT_MS: "2m" }, 'SCAN_TIMEOUT_MS must be a positive whole number, not "2m"'],
    [{ RUN_DEADLINE_MS: "0" }, 'RUN_DEADLINE_MS must be a positive whole number, not "0"'],
    [{ WORKER_CONCURRENCY: "0" }, 'WORKER_CONCURRENCY must be a positive whole number, not "0"'],
    [
      { REDIS_URL: "localhost:6379" },
      'REDIS_URL must start with redis:// or rediss://, not "localhost:6379"',
    ],
    [{ WRITE_SPACING_MS: "1s" }, 'WRITE_SPACING_MS must be a positive whole number, not "1s"'],
    [{ WRITES_PER_HOUR: "-1" }, 'WRITES_PER_HOUR must be a positive whole number, not "-1"'],
    [{ QUICK_RESULT_MS: "fast" }, 'QUICK_RESULT_MS must be a positive whole number, not "fast"'],
  ])("%o → %s", (change, message) => {
    expect(() => readSettings({ ...base, ...change })).toThrow(message);
  });

  it("reads the archive limits", () => {
    expect(
      readSettings({ ...base, TARBALL_MAX_DOWNLOAD_BYTES: "1000", TARBALL_MAX_ENTRIES: "7" }).tarballLimits,
    ).toEqual({ maxDownloadBytes: 1000, maxEntries: 7 });
  });

  it("`node server` with a variable missing prints one line naming it and exits 2", () => {
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, ["--import", "tsx", "src/app/server.ts"], {
        cwd: root,
        env: { PATH: process.env.PATH ?? "", ...env },
        encoding: "utf8",
        timeout: 60_000,
      });
    const noId = run({});
    expect(noId.status).toBe(2);
    expect(noId.stderr).toBe("skill-quarantine app: APP_ID is not set; it is on the App's settings page\n");
    const noSecret = run({ APP_ID: "1", PRIVATE_KEY });
    expect(noSecret.status).toBe(2);
    expect(noSecret.stderr).toBe(
      "skill-quarantine app: WEBHOOK_SECRET is not set; use the secret entered when the App was registered\n",
    );
  });
});

describe("the real HTTP path: middleware on a loopback port", () => {
  let server: AppServer;
  let url: string;
  let gh: GitHub;

  beforeAll(async () => {
    ({ server, url } = await startLoopbackServer(SECRET));
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

  const post = (body: string, signature: string, id: string) =>
    fetch(`${url}/api/github/webhooks`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-github-event": "push",
        "x-github-delivery": id,
        "x-hub-signature-256": signature,
      },
    });
  const sign = (body: string, secret = SECRET) =>
    `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

  it("a signed push is queued (202 at once) and the in-process worker creates the check run", async () => {
    const payload = example("push", (p) => p.ref === "refs/heads/master" && p.installation);
    const sha = payload.after;
    gh = new GitHub();
    gh.token()
      .listRuns(sha)
      .createRun(900)
      .config()
      .noAppeals()
      .tarball(sha, await repoTarballOf({ "skills/meeting-notes": "clean-notes" }));
    const body = JSON.stringify(payload);
    const res = await post(body, sign(body), "d-http-1");
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ ok: "queued" });
    await queueIdle(server);
    // A quick result: one write, the run created completed.
    expect(gh.checks().map((r) => r.method)).toEqual(["POST"]);
    expect(gh.checks()[0]!.body).toMatchObject({
      name: "Skill quarantine",
      head_sha: sha,
      external_id: "d-http-1",
      status: "completed",
      conclusion: "success",
    });
    expect(await gh.schemaErrors()).toEqual([]);
  });

  it("a wrong X-Hub-Signature-256 is rejected and no API call is made", async () => {
    gh = new GitHub();
    const body = JSON.stringify(example("push", (p) => p.ref === "refs/heads/master" && p.installation));
    const res = await post(body, sign(body, "not-the-secret"), "d-http-2");
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/signature does not match/);
    expect(gh.requests).toEqual([]);
  });

  it("answers /healthz for load balancers and 404 elsewhere", async () => {
    gh = new GitHub();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });
});
