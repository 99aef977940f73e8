import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { QueueStats } from "./queue/types.js";

// What an operator watches at organisation scale (issue 14): is the queue keeping up, how long do
// scans take, how do runs end, how close is each installation to GitHub's limits. One registry per
// process, served as Prometheus text at GET /metrics by src/app/server.ts (and by the workers).

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: "skill_quarantine_" });

let queueStats: (() => Promise<QueueStats> | QueueStats) | undefined;

/** Connects the queue gauges to the queue; they read it at each scrape (nothing is polled in between). */
export function setQueueStatsSource(fn: (() => Promise<QueueStats> | QueueStats) | undefined): void {
  queueStats = fn;
}

const QUEUE_STATES = ["waiting", "active", "delayed", "failed"] as const;

// One read of the queue per scrape, shared by both gauges.
let pendingStats: Promise<QueueStats | undefined> | undefined;
function readQueueStats(): Promise<QueueStats | undefined> {
  if (!queueStats) return Promise.resolve(undefined);
  pendingStats ??= Promise.resolve()
    .then(() => queueStats?.())
    .catch(() => undefined)
    .finally(() => {
      pendingStats = undefined;
    });
  return pendingStats;
}

new Gauge({
  name: "skill_quarantine_queue_jobs",
  help: "Deliveries in the queue, by state.",
  labelNames: ["state"],
  registers: [registry],
  async collect() {
    const s = await readQueueStats();
    if (!s) return;
    for (const state of QUEUE_STATES) this.set({ state }, s[state]);
  },
});

new Gauge({
  name: "skill_quarantine_queue_oldest_waiting_age_seconds",
  help: "How long the oldest waiting delivery has waited.",
  registers: [registry],
  async collect() {
    const s = await readQueueStats();
    if (s) this.set(s.oldestWaitingAgeMs / 1000);
  },
});

export const scanDuration = new Histogram({
  name: "skill_quarantine_scan_duration_seconds",
  help: "From a run's start to its verdict: config, download, scan, render.",
  buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  registers: [registry],
});

export const runsByConclusion = new Counter({
  name: "skill_quarantine_runs_total",
  help: "Check runs completed, by conclusion (failure, action_required, neutral, success).",
  labelNames: ["conclusion"],
  registers: [registry],
});

export const githubRequests = new Counter({
  name: "skill_quarantine_github_requests_total",
  help: "Requests to GitHub's API, by method, route template and status (0: no answer).",
  labelNames: ["method", "route", "status"],
  registers: [registry],
});

export const rateLimitRemaining = new Gauge({
  name: "skill_quarantine_github_rate_limit_remaining",
  help: "x-ratelimit-remaining of the last answer, per installation (primary limit).",
  labelNames: ["installation"],
  registers: [registry],
});

export const githubRetries = new Counter({
  name: "skill_quarantine_github_retries_total",
  help: "Requests retried after a rate-limit answer, by kind (secondary, primary).",
  labelNames: ["kind"],
  registers: [registry],
});

const deadLetters = new Counter({
  name: "skill_quarantine_dead_letters_total",
  help: "Deliveries given up after their retries (their run ends as not scanned).",
  registers: [registry],
});

/** Called by the queue when a job goes to the dead-letter path. */
export function incDeadLetters(n = 1): void {
  deadLetters.inc(n);
}

/** Prometheus text exposition of every metric above. */
export function metricsText(): Promise<string> {
  return registry.metrics();
}

export const METRICS_CONTENT_TYPE = registry.contentType;

/** A route template with few distinct values: ids, shas and names in literal URLs are folded. */
export function routeLabel(url: string): string {
  const path = url.replace(/^[a-z]+:\/\/[^/]+/i, "").split("?")[0] ?? "";
  if (path.includes("{")) return path;
  return path
    .replace(/^\/repos\/[^/]+\/[^/]+/, "/repos/{owner}/{repo}")
    .replace(/\/[0-9a-f]{40}(?=\/|$)/gi, "/{sha}")
    .replace(/\/\d+(?=\/|$)/g, "/{id}");
}
