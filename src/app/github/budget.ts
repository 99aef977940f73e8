import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import type { ProbotOctokit } from "probot";
import { githubRequests, githubRetries, rateLimitRemaining, routeLabel } from "../metrics.js";

// GitHub's write rules as a budget (README "Write model"). GitHub's guidance:
// - docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits:
//   "no more than 80 content-generating requests per minute and no more than 500 content-generating
//   requests per hour" (limits that "are subject to change without notice").
// - docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api: "If you are
//   making a large number of POST, PATCH, PUT, or DELETE requests, wait at least one second between
//   each request"; with retry-after, do not retry before that many seconds; with
//   x-ratelimit-remaining 0, not before x-ratelimit-reset; otherwise wait at least one minute.
//
// So every content-creating request of an installation takes a slot from one limiter shared by
// every worker (Redis when REDIS_URL is set, memory otherwise): at least WRITE_SPACING_MS apart and
// at most WRITES_PER_HOUR in any hour. A rate-limit answer pauses the whole installation (every
// worker) and the request waits and is retried, as long as the run's deadline allows; past it the
// error goes up and the run ends "not scanned" with the reason.

export const DEFAULT_WRITE_SPACING_MS = 1_000;
export const DEFAULT_WRITES_PER_HOUR = 500;
/** Guidance when a rate-limit answer says nothing about when to come back. */
export const DEFAULT_LIMIT_WAIT_MS = 60_000;
/** Outside a run (comment commands, sweeps) a request waits at most this long for a limit. */
export const MAX_RATE_LIMIT_WAIT_MS = 60_000;
const HOUR_MS = 3_600_000;

export interface WriteLimits {
  spacingMs: number;
  perHour: number;
}

export interface WriteLimiter {
  /** Reserves the installation's next write slot; resolves to how long to wait for it (ms). */
  reserveWrite(installation: string): Promise<number>;
  /** How long the installation is still paused after a rate-limit answer (ms, 0 when not). */
  pausedFor(installation: string): Promise<number>;
  /** How long a write reserved now would wait (nothing is reserved): the installation's backlog. */
  nextWriteIn(installation: string): Promise<number>;
  /** Pauses every request of the installation, in every worker sharing the limiter. */
  pause(installation: string, ms: number): Promise<void>;
  close(): Promise<void>;
}

/** One process: the embedded default and the tests. */
export class MemoryWriteLimiter implements WriteLimiter {
  private readonly slots = new Map<string, number[]>();
  private readonly paused = new Map<string, number>();
  constructor(
    private readonly limits: WriteLimits = {
      spacingMs: DEFAULT_WRITE_SPACING_MS,
      perHour: DEFAULT_WRITES_PER_HOUR,
    },
  ) {}

  async reserveWrite(installation: string): Promise<number> {
    const now = Date.now();
    const log = (this.slots.get(installation) ?? []).filter((t) => t > now - HOUR_MS);
    let slot = Math.max(now, this.paused.get(installation) ?? 0);
    const last = log.at(-1);
    if (last !== undefined) slot = Math.max(slot, last + this.limits.spacingMs);
    if (log.length >= this.limits.perHour)
      slot = Math.max(slot, log[log.length - this.limits.perHour]! + HOUR_MS);
    log.push(slot);
    this.slots.set(installation, log);
    return slot - now;
  }

  async pausedFor(installation: string): Promise<number> {
    return Math.max(0, (this.paused.get(installation) ?? 0) - Date.now());
  }

  async nextWriteIn(installation: string): Promise<number> {
    const last = this.slots.get(installation)?.at(-1);
    const next = Math.max(
      this.paused.get(installation) ?? 0,
      last === undefined ? 0 : last + this.limits.spacingMs,
    );
    return Math.max(0, next - Date.now());
  }

  async pause(installation: string, ms: number): Promise<void> {
    const until = Date.now() + ms;
    if (until > (this.paused.get(installation) ?? 0)) this.paused.set(installation, until);
  }

  async close(): Promise<void> {}
}

// Atomic in Redis, on Redis's clock (workers' clocks may differ): drop slots older than an hour,
// take the first time that is after the pause, `spacing` after the last slot and an hour after the
// slot `perHour` places back; record it. Answers the wait in ms.
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local spacing, perHour, hour = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - hour)
local slot = now
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > slot then slot = paused end
local last = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if last[2] and tonumber(last[2]) + spacing > slot then slot = tonumber(last[2]) + spacing end
if redis.call('ZCARD', KEYS[1]) >= perHour then
  local back = redis.call('ZREVRANGE', KEYS[1], perHour - 1, perHour - 1, 'WITHSCORES')
  if back[2] and tonumber(back[2]) + hour > slot then slot = tonumber(back[2]) + hour end
end
redis.call('ZADD', KEYS[1], slot, ARGV[4])
redis.call('PEXPIRE', KEYS[1], slot - now + hour)
return slot - now
`;
const NEXT_WRITE_IN = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local next = tonumber(redis.call('GET', KEYS[2]) or '0')
local last = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if last[2] and tonumber(last[2]) + tonumber(ARGV[1]) > next then next = tonumber(last[2]) + tonumber(ARGV[1]) end
if next > now then return next - now end
return 0
`;
const PAUSED_FOR = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > now then return until_ - now end
return 0
`;
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[1])
if until_ > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1]) + 1000)
end
return 0
`;

/** Every worker on every machine: one Redis decides the slots. */
export class RedisWriteLimiter implements WriteLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly limits: WriteLimits = {
      spacingMs: DEFAULT_WRITE_SPACING_MS,
      perHour: DEFAULT_WRITES_PER_HOUR,
    },
    private readonly prefix = "skill-quarantine:github",
  ) {}

  async reserveWrite(installation: string): Promise<number> {
    const keys = [`${this.prefix}:writes:${installation}`, `${this.prefix}:paused:${installation}`];
    const args = [this.limits.spacingMs, this.limits.perHour, HOUR_MS, randomUUID()];
    return Number(await this.redis.eval(RESERVE, 2, ...keys, ...args));
  }

  async pausedFor(installation: string): Promise<number> {
    return Number(await this.redis.eval(PAUSED_FOR, 1, `${this.prefix}:paused:${installation}`));
  }

  async nextWriteIn(installation: string): Promise<number> {
    const keys = [`${this.prefix}:writes:${installation}`, `${this.prefix}:paused:${installation}`];
    return Number(await this.redis.eval(NEXT_WRITE_IN, 2, ...keys, this.limits.spacingMs));
  }

  async pause(installation: string, ms: number): Promise<void> {
    await this.redis.eval(PAUSE, 1, `${this.prefix}:paused:${installation}`, Math.max(1, Math.ceil(ms)));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function positiveInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new Error(`${name} must be a positive whole number, not "${raw}"`);
  return n;
}

/** WRITE_SPACING_MS and WRITES_PER_HOUR, else GitHub's published figures. */
export function writeLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): WriteLimits {
  return {
    spacingMs: positiveInt(env, "WRITE_SPACING_MS") ?? DEFAULT_WRITE_SPACING_MS,
    perHour: positiveInt(env, "WRITES_PER_HOUR") ?? DEFAULT_WRITES_PER_HOUR,
  };
}

/** Redis when REDIS_URL is set (shared by every worker), memory otherwise. */
export async function limiterFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<WriteLimiter> {
  const limits = writeLimitsFromEnv(env);
  const url = env.REDIS_URL?.trim();
  if (!url) return new MemoryWriteLimiter(limits);
  const { Redis } = await import("ioredis");
  return new RedisWriteLimiter(new Redis(url, { maxRetriesPerRequest: 3 }), limits);
}

let memoryLimiter: WriteLimiter | undefined;
let redisLimiter: WriteLimiter | undefined;

/** One limiter per process: Redis when REDIS_URL is set (shared by every worker), else memory. */
export function sharedWriteLimiter(): WriteLimiter {
  if (process.env.REDIS_URL?.trim()) {
    if (!redisLimiter) {
      const p = limiterFromEnv();
      redisLimiter = {
        reserveWrite: async (i) => (await p).reserveWrite(i),
        pausedFor: async (i) => (await p).pausedFor(i),
        nextWriteIn: async (i) => (await p).nextWriteIn(i),
        pause: async (i, ms) => (await p).pause(i, ms),
        close: async () => (await p).close(),
      };
    }
    return redisLimiter;
  }
  memoryLimiter ??= new MemoryWriteLimiter(writeLimitsFromEnv());
  return memoryLimiter;
}

// ---- the run's deadline, seen by every request made on its behalf -----------------------------------

interface RunBudget {
  deadlineAt: number;
  /** Writes that end a run: past the budget they are still tried once rather than given up. */
  ending: boolean;
}

const budget = new AsyncLocalStorage<RunBudget>();

/** Requests made inside `fn` wait for rate limits only until `deadlineAt` (epoch ms). */
export function withRunBudget<T>(deadlineAt: number, fn: () => Promise<T>): Promise<T> {
  return budget.run({ deadlineAt, ending: false }, fn);
}

/**
 * The requests that complete a run: they may wait up to MAX_RATE_LIMIT_WAIT_MS for a limit (a run
 * that waited until its deadline must still be completed, not left in progress), and when the limit
 * lifts later still, they are tried once anyway: GitHub may take them, and a refused one leaves the
 * run to the stale-run sweep, never silently in progress.
 */
export function endingRun<T>(fn: () => Promise<T>, atLeastUntil = 0): Promise<T> {
  const deadlineAt = Math.max(Date.now() + MAX_RATE_LIMIT_WAIT_MS, atLeastUntil);
  return budget.run({ deadlineAt, ending: true }, fn);
}

const waitAllowed = (ms: number) =>
  Date.now() + ms <= (budget.getStore()?.deadlineAt ?? Date.now() + MAX_RATE_LIMIT_WAIT_MS);
const isEnding = () => budget.getStore()?.ending === true;

/** The installation's write budget is spent for longer than the run may wait. */
export class WriteBudgetError extends Error {
  override name = "WriteBudgetError";
  constructor(
    readonly installation: string,
    readonly waitMs: number,
  ) {
    super(
      `GitHub's limit on content-creating requests for installation ${installation}: the next write is possible at ${new Date(Date.now() + waitMs).toISOString()}`,
    );
  }
}

// ---- the Octokit hook ------------------------------------------------------------------------------

interface LimitAnswer {
  kind: "secondary" | "primary";
  waitMs: number;
}

/** A rate-limit answer and how long GitHub asks to wait; undefined for any other error. */
export function rateLimitOf(err: unknown): LimitAnswer | undefined {
  const e = err as { status?: number; message?: string; response?: { headers?: Record<string, string> } };
  if (e.status !== 403 && e.status !== 429) return undefined;
  const h = e.response?.headers ?? {};
  const retryAfter = Number(h["retry-after"]);
  if (h["retry-after"] !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0)
    return { kind: "secondary", waitMs: retryAfter * 1000 };
  if (h["x-ratelimit-remaining"] === "0" && h["x-ratelimit-reset"] !== undefined) {
    // One second past the reset, as GitHub's docs advise.
    const reset = Number(h["x-ratelimit-reset"]) * 1000;
    return { kind: "primary", waitMs: Math.max(0, reset - Date.now()) + 1000 };
  }
  if (e.status === 429 || /secondary rate limit/i.test(e.message ?? ""))
    return { kind: "secondary", waitMs: DEFAULT_LIMIT_WAIT_MS };
  return undefined;
}

/** POST, PATCH, PUT, DELETE create content, except asking for an installation token. */
export function isContentCreating(method: string, url: string): boolean {
  if (method === "GET" || method === "HEAD") return false;
  return !/\/app\/installations\/[^/]+\/access_tokens$/.test(url.split("?")[0] ?? "");
}

type Headers = Record<string, string | number | undefined>;

interface Log {
  warn: (o: object, m: string) => void;
}

const attached = new WeakSet<object>();

/**
 * Puts every request of `octokit` (an installation's client) under the installation's budget:
 * writes wait for their slot, a rate-limit answer pauses the installation and the request is
 * retried after the wait the answer asks for, within the run's deadline. Counts requests and keeps
 * the remaining primary quota for /metrics. Attaching twice is a no-op.
 */
export function attachBudget(
  octokit: Pick<ProbotOctokit, "hook">,
  installationId: number | string,
  limiter: WriteLimiter,
  log: Log,
): void {
  if (attached.has(octokit)) return;
  attached.add(octokit);
  const installation = String(installationId);
  octokit.hook.wrap("request", async (request, options) => {
    const method = options.method.toUpperCase();
    const route = routeLabel(options.url);
    const write = isContentCreating(method, options.url);
    let forced = false;
    for (;;) {
      const wait = write ? await limiter.reserveWrite(installation) : await limiter.pausedFor(installation);
      if (wait > 0) {
        if (waitAllowed(wait))
          await sleep(wait, undefined, { signal: options.request?.signal as AbortSignal | undefined });
        else if (isEnding() && !forced) forced = true;
        else throw new WriteBudgetError(installation, wait);
      }
      try {
        const res = await request(options);
        count(method, route, res.status, res.headers);
        return res;
      } catch (err) {
        const e = err as { status?: number; response?: { headers?: Headers } };
        count(method, route, e.status ?? 0, e.response?.headers);
        const limit = rateLimitOf(err);
        if (!limit) throw err;
        await limiter.pause(installation, limit.waitMs);
        if (!waitAllowed(limit.waitMs)) {
          log.warn(
            { installation, method, route, waitMs: limit.waitMs, kind: limit.kind },
            "rate limit lifts after the run's deadline: not waiting",
          );
          throw err;
        }
        githubRetries.inc({ kind: limit.kind });
        log.warn(
          { installation, method, route, waitMs: limit.waitMs, kind: limit.kind },
          `${limit.kind} rate limit: waiting and retrying`,
        );
      }
    }
  });

  function count(method: string, route: string, status: number, headers?: Headers) {
    githubRequests.inc({ method, route, status: String(status) });
    const remaining = Number(headers?.["x-ratelimit-remaining"]);
    if (headers?.["x-ratelimit-remaining"] !== undefined && Number.isFinite(remaining))
      rateLimitRemaining.set({ installation }, remaining);
  }
}
