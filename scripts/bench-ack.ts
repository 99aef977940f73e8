// Measurement only (never asserted): how fast the web process acknowledges deliveries when it only
// verifies and queues them (issue 14 asks p99 < 200 ms at 50 deliveries/s). A real redis-server on
// a free loopback port, `npm start`'s server in a child process with REDIS_URL set and no worker
// running (so no GitHub call is ever made), and a loopback sender posting signed push deliveries at
// a fixed rate, each with its own delivery id.
//
//   npx tsx scripts/bench-ack.ts [deliveries=500] [perSecond=50]
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import { BullmqQueue } from "../src/app/queue/index.js";
import { example, PRIVATE_KEY } from "../test/app/helpers.js";
import { startRedis } from "../test/app/redis.js";

const N = Number(process.argv[2] ?? 500);
const RATE = Number(process.argv[3] ?? 50);
const SECRET = "bench-secret";
const PORT = 30_000 + Math.floor(Math.random() * 20_000);
const root = fileURLToPath(new URL("..", import.meta.url));

const redis = await startRedis();
const web = spawn(process.execPath, ["--import", "tsx", "src/app/server.ts"], {
  cwd: root,
  env: {
    PATH: process.env.PATH ?? "",
    APP_ID: "123",
    PRIVATE_KEY,
    WEBHOOK_SECRET: SECRET,
    PORT: String(PORT),
    HOST: "127.0.0.1",
    REDIS_URL: redis.url,
    QUEUE_NAME: "bench",
    LOG_LEVEL: "warn",
  },
  stdio: ["ignore", "inherit", "inherit"],
});
const url = `http://127.0.0.1:${PORT}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${url}/healthz`)).ok) break;
  } catch {}
  if (i > 600) throw new Error("the web process did not start");
  await new Promise((r) => setTimeout(r, 100));
}

const body = JSON.stringify(example("push", (p) => p.ref === "refs/heads/master" && p.installation));
const signature = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
// Warm-up (not counted): the first deliveries load BullMQ's Lua scripts and JIT the path.
for (let i = 0; i < 20; i++)
  await fetch(`${url}/api/github/webhooks`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": "push",
      "x-github-delivery": `warm-${i}`,
      "x-hub-signature-256": signature,
    },
  }).then((r) => r.arrayBuffer());
const latencies: number[] = [];
const statuses = new Map<number, number>();
const sends: Promise<void>[] = [];
const started = performance.now();
for (let i = 0; i < N; i++) {
  // A fixed schedule (not "after the previous answer"): a slow answer must not slow the sender.
  const due = started + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const t = performance.now();
  sends.push(
    fetch(`${url}/api/github/webhooks`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-github-event": "push",
        "x-github-delivery": `bench-${i}-${Date.now()}`,
        "x-hub-signature-256": signature,
      },
    }).then(async (res) => {
      await res.arrayBuffer();
      latencies.push(performance.now() - t);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }),
  );
}
await Promise.all(sends);
const healthT = performance.now();
await fetch(`${url}/healthz`);
const health = performance.now() - healthT;

latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
const queue = new BullmqQueue({ url: redis.url, name: "bench" });
const stats = await queue.stats();
await queue.close();
console.log(
  JSON.stringify(
    {
      deliveries: N,
      perSecond: RATE,
      statuses: Object.fromEntries(statuses),
      ackMs: { p50: +q(50).toFixed(1), p99: +q(99).toFixed(1), max: +latencies.at(-1)!.toFixed(1) },
      healthzMs: +health.toFixed(1),
      queued: stats.waiting - 20,
      loadAverage: (await import("node:os")).loadavg().map((l) => +l.toFixed(1)),
    },
    null,
    2,
  ),
);
web.kill("SIGTERM");
await new Promise((r) => web.once("exit", r));
await redis.stop();
