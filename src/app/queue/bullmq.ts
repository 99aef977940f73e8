import { createHash } from "node:crypto";
import { type Job, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { DEFAULT_RUN_DEADLINE_MS, withDeadline } from "../scan/run-lifecycle.js";
import {
  DEFAULTS,
  type DeadLetterHandler,
  type Delivery,
  type DeliveryQueue,
  deliveryMeta,
  type EnqueueResult,
  errorMessage,
  type Processor,
  type QueueOptions,
  type QueueStats,
  silentLog,
} from "./types.js";

// The Redis backend (REDIS_URL): BullMQ jobs survive restarts of the web and worker processes, a
// worker killed mid-job loses nothing (BullMQ's stalled-job check hands the job to another worker
// once its lock lapses), retries back off exponentially, and a job that fails its last try stays
// in BullMQ's failed set (the dead letter) after its check run was ended as "not scanned".
//
// Fairness without BullMQ Pro's groups: a job's priority is the number of its installation's
// deliveries in flight when it was enqueued (1 for the first, 2 for the second, ...). BullMQ takes
// the lowest priority first, FIFO within one, so an installation that sends 500 deliveries gets
// them served in turn with the others' instead of ahead of them.

export const QUEUE_NAME = "skill-quarantine-deliveries";
const KEY = "skill-quarantine:";
const MAX_PRIORITY = 2_097_151;
/** An in-flight counter nobody touched for this long belongs to lost jobs: it expires. */
const INFLIGHT_TTL_S = 6 * 60 * 60;

/** SET NX the delivery id; when it was new, count it in flight and note when it was queued. */
const CLAIM = `
if not redis.call("SET", KEYS[1], "1", "PX", ARGV[1], "NX") then return 0 end
local n = redis.call("INCR", KEYS[2])
redis.call("EXPIRE", KEYS[2], ARGV[2])
redis.call("ZADD", KEYS[3], ARGV[3], ARGV[4])
return n
`;

export interface BullmqQueueOptions extends QueueOptions {
  url: string;
  /** BullMQ's lock on a running job; a worker that stops renewing it (killed) loses the job after this. Default 30 s. */
  lockDurationMs?: number;
  /** How often workers look for stalled jobs. Default: BullMQ's (30 s). */
  stalledIntervalMs?: number;
  /** Queue name (tests use one per test). */
  name?: string;
}

interface JobData {
  delivery: Delivery;
  installationId?: number;
  repository?: string;
}

/** BullMQ job ids may not be plain integers nor contain ":"; GitHub's GUIDs pass as they are. */
export function jobIdFor(deliveryId: string): string {
  return /^[A-Za-z0-9._-]{1,100}$/.test(deliveryId) && !/^\d+$/.test(deliveryId)
    ? deliveryId
    : `h-${createHash("sha256").update(deliveryId).digest("hex").slice(0, 40)}`;
}

export class BullmqQueue implements DeliveryQueue {
  readonly backend = "bullmq" as const;
  private readonly opts: Required<Omit<BullmqQueueOptions, "stalledIntervalMs" | "log">> & {
    stalledIntervalMs?: number;
  };
  private readonly log;
  private readonly client: Redis;
  private readonly queue: Queue;
  private worker?: Worker;
  private readonly prefix: string;

  constructor(options: BullmqQueueOptions) {
    this.opts = {
      url: options.url,
      name: options.name ?? QUEUE_NAME,
      concurrency: Math.max(1, options.concurrency ?? DEFAULTS.concurrency),
      attempts: Math.max(1, options.attempts ?? DEFAULTS.attempts),
      deadlineMs: options.deadlineMs ?? DEFAULT_RUN_DEADLINE_MS + 120_000,
      backoffMs: options.backoffMs ?? DEFAULTS.backoffMs,
      dedupeTtlMs: options.dedupeTtlMs ?? DEFAULTS.dedupeTtlMs,
      lockDurationMs: options.lockDurationMs ?? 30_000,
      stalledIntervalMs: options.stalledIntervalMs,
    };
    this.log = options.log ?? silentLog;
    this.prefix = `${KEY}${this.opts.name}:`;
    // The web process's connection: a command fails after one retry instead of waiting for Redis
    // forever (the caller answers 503 and GitHub redelivers).
    this.client = new Redis(this.opts.url, { maxRetriesPerRequest: 1, lazyConnect: false });
    this.client.on("error", (err) => this.log.warn({ err: errorMessage(err) }, "redis connection error"));
    this.queue = new Queue(this.opts.name, { connection: this.client });
    this.queue.on("error", (err) => this.log.warn({ err: errorMessage(err) }, "queue error"));
  }

  async enqueue(delivery: Delivery): Promise<EnqueueResult> {
    const meta = deliveryMeta(delivery);
    const dedupeKey = `${this.prefix}delivery:${delivery.id}`;
    // One round trip, atomic: of two concurrent deliveries of one id exactly one sets the key (and
    // counts in its installation's in-flight deliveries). The job id is the delivery id too, so
    // even a lost key cannot make a second job while the first exists.
    const inflight = (await this.client.eval(
      CLAIM,
      3,
      dedupeKey,
      `${this.prefix}inflight:${meta.installationId ?? "none"}`,
      `${this.prefix}enqueued`,
      this.opts.dedupeTtlMs,
      INFLIGHT_TTL_S,
      Date.now(),
      delivery.id,
    )) as number;
    if (inflight === 0) return "duplicate";
    try {
      await this.queue.add(delivery.name, { delivery, ...meta } satisfies JobData, {
        jobId: jobIdFor(delivery.id),
        priority: Math.min(Math.max(1, inflight), MAX_PRIORITY),
        attempts: this.opts.attempts,
        backoff: { type: "exponential", delay: this.opts.backoffMs },
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 10_000 },
      });
      return "accepted";
    } catch (err) {
      // Not queued: forget the id so GitHub's redelivery is not taken for a duplicate.
      await this.client
        .multi()
        .del(dedupeKey)
        .decr(`${this.prefix}inflight:${meta.installationId ?? "none"}`)
        .zrem(`${this.prefix}enqueued`, delivery.id)
        .exec()
        .catch(() => {});
      throw err;
    }
  }

  start(processor: Processor, deadLetter: DeadLetterHandler): void {
    if (this.worker) throw new Error("the delivery queue already runs a worker");
    const release = async (data: JobData) => {
      await this.client.decr(`${this.prefix}inflight:${data.installationId ?? "none"}`).catch(() => {});
    };
    const jobOf = (job: Job<JobData>) => ({
      delivery: job.data.delivery,
      // A job taken over from a killed worker has failed no try but was started before.
      attempt: Math.max(job.attemptsMade + 1, job.attemptsStarted),
      attempts: this.opts.attempts,
      installationId: job.data.installationId,
      repository: job.data.repository,
    });
    this.worker = new Worker<JobData>(
      this.opts.name,
      async (job) => {
        await this.client.zrem(`${this.prefix}enqueued`, job.data.delivery.id).catch(() => {});
        const info = jobOf(job);
        try {
          await withDeadline(this.opts.deadlineMs, (signal) => processor({ ...info, signal }));
        } catch (err) {
          const reason = errorMessage(err);
          const last = job.attemptsMade + 1 >= this.opts.attempts;
          const ids = {
            deliveryId: info.delivery.id,
            installationId: info.installationId,
            attempt: info.attempt,
          };
          if (!last) {
            this.log.warn({ ...ids, reason }, "delivery failed: BullMQ retries it with backoff");
            throw err;
          }
          this.log.error({ ...ids, reason }, "delivery failed for good: dead letter");
          await deadLetter(info, reason).catch((e: unknown) =>
            this.log.error({ ...ids, err: errorMessage(e) }, "dead letter: the check run could not be ended"),
          );
          await release(job.data);
          this.log.info(ids, "dead letter: done");
          throw err;
        }
        await release(job.data);
      },
      {
        // Blocking commands need a connection that never gives up (BullMQ requires it).
        connection: new Redis(this.opts.url, { maxRetriesPerRequest: null }),
        concurrency: this.opts.concurrency,
        lockDuration: this.opts.lockDurationMs,
        ...(this.opts.stalledIntervalMs ? { stalledInterval: this.opts.stalledIntervalMs } : {}),
        maxStalledCount: 1,
      },
    );
    this.worker.on("error", (err) => this.log.warn({ err: errorMessage(err) }, "worker error"));
    // A job that stalled too often never reaches the processor's catch: its dead letter is sent here.
    this.worker.on("failed", (job, err) => {
      if (!job || !/stalled/i.test(err.message)) return;
      const info = jobOf(job);
      this.log.error(
        { deliveryId: info.delivery.id, reason: err.message },
        "delivery stalled for good: dead letter",
      );
      void deadLetter(info, "the worker running it stopped, more than once")
        .catch(() => {})
        .finally(() => release(job.data));
    });
  }

  async stats(): Promise<QueueStats> {
    const counts = await this.queue.getJobCounts("wait", "prioritized", "active", "delayed", "failed");
    const oldest = await this.client.zrange(`${this.prefix}enqueued`, 0, 0, "WITHSCORES");
    const waiting = (counts.wait ?? 0) + (counts.prioritized ?? 0);
    return {
      waiting,
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
      oldestWaitingAgeMs: waiting && oldest[1] ? Math.max(0, Date.now() - Number(oldest[1])) : 0,
    };
  }

  private closing?: Promise<void>;

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    // Worker.close() stops taking jobs and waits for the running ones to finish.
    await this.worker?.close();
    await this.queue.close();
    await this.client.quit().catch(() => this.client.disconnect());
  }

  /** For tests: the raw Redis connection. */
  get redis(): Redis {
    return this.client;
  }
}
