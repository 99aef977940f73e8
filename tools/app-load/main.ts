// npm run bench:app-load -- [--deliveries 500] [--repos 100] [--installations 5] [--rate 50]
//                           [--latency 50,150] [--writes-per-minute 80] [--timeout 900]
//                           [--redis] [--workers 1,2,4]
//
// The App under load, end to end, on this machine: a local GitHub stand-in (github-standin.ts) on
// loopback, the App started as in production (`node lib/app/server.js`, Probot's GHE settings
// pointing at the stand-in), and N signed push deliveries sent at a fixed rate. Prints the webhook
// ack latency (p50/p99), the time until every run is completed, runs completed / expected,
// duplicate runs (two runs for one delivery), secondary-limit refusals, and peak RSS per process.
//
// Without --workers the App runs in one process (`npm start`, the in-process queue). With
// `--workers 1,2,4` (needs REDIS_URL, or --redis to start a redis-server here) it runs once per
// count with that many `node lib/app/worker.js` processes next to the web process.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { type Standin, skillRepoTarball, startStandin } from "./github-standin.js";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../..");

interface Args {
  deliveries: number;
  repos: number;
  installations: number;
  rate: number;
  latency: [number, number];
  writesPerMinute: number;
  timeoutS: number;
  redis: boolean;
  workers: number[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    deliveries: 500,
    repos: 100,
    installations: 5,
    rate: 50,
    latency: [50, 150],
    writesPerMinute: 80,
    timeoutS: 900,
    redis: false,
    workers: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const int = (v: string) => {
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n <= 0)
        throw new Error(`${a} must be a positive whole number, not "${v}"`);
      return n;
    };
    if (a === "--deliveries") args.deliveries = int(next());
    else if (a === "--repos") args.repos = int(next());
    else if (a === "--installations") args.installations = int(next());
    else if (a === "--rate") args.rate = int(next());
    else if (a === "--writes-per-minute") args.writesPerMinute = int(next());
    else if (a === "--timeout") args.timeoutS = int(next());
    else if (a === "--latency") {
      const [lo, hi] = next().split(",").map(Number);
      if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo! < 0 || hi! < lo!)
        throw new Error("--latency is min,max in ms, e.g. 50,150");
      args.latency = [lo!, hi!];
    } else if (a === "--redis") args.redis = true;
    else if (a === "--workers") args.workers = next().split(",").map(int);
    else throw new Error(`unknown option ${a}`);
  }
  if (args.repos < args.installations) throw new Error("--repos must be at least --installations");
  return args;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolvePort(port));
    });
  });
}

/** Peak resident set (VmHWM) of a live process, in MB; Linux only, else NaN. */
function peakRssMb(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function startRedis(): Promise<{ url: string; stop: () => void }> {
  if (spawnSync("redis-server", ["--version"]).status !== 0)
    throw new Error("--redis: redis-server is not installed (Debian: apt-get install redis-server)");
  const dir = mkdtempSync(join(tmpdir(), "app-load-redis-"));
  const port = await freePort();
  const proc = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const { Redis } = await import("ioredis");
  const probe = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 0 });
  probe.on("error", () => {});
  for (let i = 0; ; i++) {
    try {
      await probe.connect();
      break;
    } catch {
      if (i > 100) throw new Error("redis-server did not start");
      await sleep(50);
    }
  }
  probe.disconnect();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => {
      proc.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function startNode(script: string, env: NodeJS.ProcessEnv, label: string): ChildProcess {
  const child = spawn(process.execPath, [join(ROOT, script)], { env, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr?.on("data", (c: Buffer) => {
    err = (err + c.toString()).slice(-4000);
  });
  child.on("exit", (code, signal) => {
    if (code && code !== 0) process.stderr.write(`${label} exited ${code ?? signal}:\n${err}\n`);
  });
  return child;
}

async function waitHealthy(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {}
    await sleep(100);
  }
  throw new Error("the App did not answer /healthz within 20 s");
}

/** One signed push delivery; resolves to the ack status and latency. */
function deliver(
  port: number,
  secret: string,
  body: string,
  id: string,
): Promise<{ status: number; ms: number }> {
  const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  const started = performance.now();
  return new Promise((resolveAck) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/api/github/webhooks",
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "x-github-event": "push",
          "x-github-delivery": id,
          "x-hub-signature-256": signature,
          "user-agent": "GitHub-Hookshot/app-load",
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolveAck({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on("error", () => resolveAck({ status: 0, ms: performance.now() - started }));
    req.end(body);
  });
}

function pushPayload(i: number, args: Args, standinPort: number) {
  const repoIndex = i % args.repos;
  const installation = (repoIndex % args.installations) + 1;
  const owner = `org-${installation}`;
  const name = `skills-${repoIndex}`;
  const hex = i.toString(16).padStart(39, "0");
  const html = `http://127.0.0.1:${standinPort}/${owner}/${name}`;
  return {
    ref: "refs/heads/main",
    before: `b${hex}`,
    after: `a${hex}`,
    created: false,
    deleted: false,
    forced: false,
    commits: [],
    repository: {
      id: 1000 + repoIndex,
      name,
      full_name: `${owner}/${name}`,
      html_url: html,
      private: true,
      default_branch: "main",
      owner: { login: owner, name: owner, id: 100 + installation, type: "Organization" },
    },
    installation: { id: installation },
    sender: { login: "octo-dev", id: 7, type: "User" },
  };
}

interface Result {
  label: string;
  ackP50: number;
  ackP99: number;
  ackMax: number;
  ackErrors: number;
  completedS: number;
  completed: number;
  expected: number;
  duplicates: number;
  limited: number;
  writes: number;
  rss: string;
}

async function runOnce(args: Args, workers: number, redisUrl: string | undefined): Promise<Result> {
  const archives = {
    head: await skillRepoTarball("org-skills-a", 1),
    base: await skillRepoTarball("org-skills-b", 0),
  };
  const standin: Standin = await startStandin(archives, {
    latencyMs: args.latency,
    writesPerMinute: args.writesPerMinute,
  });
  const secret = randomUUID();
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: "production",
    APP_ID: "1",
    APP_SLUG: "skill-quarantine",
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: secret,
    PORT: String(port),
    HOST: "127.0.0.1",
    GHE_HOST: `127.0.0.1:${standin.port}`,
    GHE_PROTOCOL: "http",
    LOG_LEVEL: "warn",
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  };
  const procs: { label: string; child: ChildProcess }[] = [];
  const rss = new Map<string, number>();
  const sampleRss = () => {
    for (const { label, child } of procs) rss.set(label, Math.max(rss.get(label) ?? 0, peakRssMb(child.pid)));
  };
  try {
    procs.push({ label: "web", child: startNode("lib/app/server.js", env, "web") });
    for (let w = 0; w < workers; w++)
      procs.push({ label: `worker${w + 1}`, child: startNode("lib/app/worker.js", env, `worker ${w + 1}`) });
    await waitHealthy(port);

    // A fixed rate, a bounded loop: delivery i leaves at i / rate seconds, never more than 500 in flight.
    const acks: { status: number; ms: number }[] = [];
    const inFlight = new Set<Promise<void>>();
    const t0 = performance.now();
    for (let i = 0; i < args.deliveries; i++) {
      const due = t0 + (i * 1000) / args.rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      while (inFlight.size >= 500) await Promise.race(inFlight);
      const body = JSON.stringify(pushPayload(i, args, standin.port));
      const p = deliver(port, secret, body, randomUUID()).then((a) => {
        acks.push(a);
        inFlight.delete(p);
      });
      inFlight.add(p);
    }
    await Promise.all(inFlight);

    // Until every delivery has a completed run, or the timeout.
    const deadline = t0 + args.timeoutS * 1000;
    let completed = 0;
    for (;;) {
      sampleRss();
      completed = new Set(
        [...standin.runs.values()].filter((r) => r.status === "completed").map((r) => r.externalId),
      ).size;
      if (completed >= args.deliveries || performance.now() > deadline) break;
      await sleep(250);
    }
    const lastCompleted = Math.max(0, ...[...standin.runs.values()].map((r) => r.completedAt ?? 0));
    const completedS = (lastCompleted - (Date.now() - (performance.now() - t0))) / 1000;
    sampleRss();

    const perDelivery = new Map<string, number>();
    for (const r of standin.runs.values())
      perDelivery.set(r.externalId, (perDelivery.get(r.externalId) ?? 0) + 1);
    const duplicates = [...perDelivery.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
    const lat = acks
      .filter((a) => a.status >= 200 && a.status < 300)
      .map((a) => a.ms)
      .sort((a, b) => a - b);
    if (standin.stats.unknown.length)
      console.error(`routes the stand-in does not know: ${standin.stats.unknown.join(", ")}`);
    return {
      label: workers ? `${workers} worker${workers > 1 ? "s" : ""} + web (Redis)` : "in-process (npm start)",
      ackP50: quantile(lat, 0.5),
      ackP99: quantile(lat, 0.99),
      ackMax: lat.at(-1) ?? Number.NaN,
      ackErrors: acks.length - lat.length,
      completedS,
      completed,
      expected: args.deliveries,
      duplicates,
      limited: standin.stats.secondaryLimited,
      writes: standin.stats.writes,
      rss: [...rss.entries()].map(([k, v]) => `${k} ${v.toFixed(0)} MB`).join(", "),
    };
  } finally {
    for (const { child } of procs) child.kill("SIGTERM");
    await sleep(300);
    for (const { child } of procs) if (child.exitCode === null) child.kill("SIGKILL");
    await standin.close();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(join(ROOT, "lib/app/server.js")))
    throw new Error("lib/app/server.js is missing: run npm run build");
  let redis: { url: string; stop: () => void } | undefined;
  let redisUrl = process.env.REDIS_URL?.trim() || undefined;
  if (args.redis) {
    redis = await startRedis();
    redisUrl = redis.url;
  }
  if (args.workers.length && !redisUrl)
    throw new Error("--workers needs Redis: set REDIS_URL or pass --redis to start a redis-server here");
  if (args.workers.length && !existsSync(join(ROOT, "lib/app/worker.js")))
    throw new Error(
      "--workers needs lib/app/worker.js (the queue's worker process): not built on this branch",
    );
  console.log(
    `${args.deliveries} push deliveries to ${args.repos} repositories in ${args.installations} installations at ${args.rate}/s; GitHub stand-in latency ${args.latency.join("–")} ms, ${args.writesPerMinute} writes/min per installation`,
  );
  try {
    for (const workers of args.workers.length ? args.workers : [0]) {
      const r = await runOnce(args, workers, redisUrl);
      console.log(
        [
          `${r.label}:`,
          `  ack latency p50 ${r.ackP50.toFixed(1)} ms, p99 ${r.ackP99.toFixed(1)} ms, max ${r.ackMax.toFixed(1)} ms (${r.ackErrors} not 2xx)`,
          `  runs completed ${r.completed} / ${r.expected}, all completed after ${r.completedS.toFixed(1)} s; duplicate runs ${r.duplicates}`,
          `  GitHub writes ${r.writes} (${(r.writes / r.expected).toFixed(2)} per run), secondary-limit refusals ${r.limited}`,
          `  peak RSS: ${r.rss}`,
        ].join("\n"),
      );
    }
  } finally {
    redis?.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:app-load: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
