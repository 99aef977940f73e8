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

// The in-process backend: the default on one machine (`npm start` without REDIS_URL) and in tests.
// Same semantics as the Redis one (de-duplication by delivery id, bounded concurrency, retries with
// backoff, a deadline per try, a dead letter) except that jobs live in this process's memory: a
// restart loses what was waiting, and GitHub's redelivery is then the recovery.

interface Entry {
  delivery: Delivery;
  attempt: number;
  enqueuedAt: number;
  installationId?: number;
  repository?: string;
}

export class MemoryQueue implements DeliveryQueue {
  readonly backend = "memory" as const;
  private readonly concurrency: number;
  private readonly attempts: number;
  private readonly deadlineMs: number;
  private readonly backoffMs: number;
  private readonly dedupeTtlMs: number;
  private readonly log;
  private readonly seen = new Map<string, number>();
  // Per installation, so that one installation's flood is served in turn with the others (round
  // robin over installations, FIFO within one) instead of ahead of them.
  private readonly waiting = new Map<string, Entry[]>();
  private readonly delayed = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private failedCount = 0;
  private processor?: Processor;
  private deadLetter?: DeadLetterHandler;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(options: QueueOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULTS.concurrency);
    this.attempts = Math.max(1, options.attempts ?? DEFAULTS.attempts);
    this.deadlineMs = options.deadlineMs ?? DEFAULT_RUN_DEADLINE_MS + 120_000;
    this.backoffMs = options.backoffMs ?? DEFAULTS.backoffMs;
    this.dedupeTtlMs = options.dedupeTtlMs ?? DEFAULTS.dedupeTtlMs;
    this.log = options.log ?? silentLog;
  }

  async enqueue(delivery: Delivery): Promise<EnqueueResult> {
    if (this.closed) throw new Error("the delivery queue is closed");
    const now = Date.now();
    for (const [id, until] of this.seen) {
      if (until > now) break; // insertion order = expiry order
      this.seen.delete(id);
    }
    if (this.seen.has(delivery.id)) return "duplicate";
    this.seen.set(delivery.id, now + this.dedupeTtlMs);
    this.push({ delivery, attempt: 0, enqueuedAt: now, ...deliveryMeta(delivery) });
    return "accepted";
  }

  start(processor: Processor, deadLetter: DeadLetterHandler): void {
    this.processor = processor;
    this.deadLetter = deadLetter;
    this.pump();
  }

  async stats(): Promise<QueueStats> {
    let waiting = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (const list of this.waiting.values()) {
      waiting += list.length;
      for (const e of list) oldest = Math.min(oldest, e.enqueuedAt);
    }
    return {
      waiting,
      active: this.running.size,
      delayed: this.delayed.size,
      failed: this.failedCount,
      oldestWaitingAgeMs: waiting ? Date.now() - oldest : 0,
    };
  }

  /** Resolves when nothing waits, runs or waits for a retry (tests and `npm start` shutdown). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private closing?: Promise<void>;

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    for (const t of this.delayed) clearTimeout(t);
    this.delayed.clear();
    await Promise.allSettled([...this.running]);
  }

  private isIdle() {
    return this.running.size === 0 && this.delayed.size === 0 && this.waiting.size === 0;
  }

  private push(entry: Entry) {
    const key = String(entry.installationId ?? "none");
    const list = this.waiting.get(key);
    if (list) list.push(entry);
    else this.waiting.set(key, [entry]);
    this.pump();
  }

  /** The next installation in turn: the first key of the map, moved to the back after it is served. */
  private take(): Entry | undefined {
    const first = this.waiting.entries().next();
    if (first.done) return undefined;
    const [key, list] = first.value;
    const entry = list.shift()!;
    this.waiting.delete(key);
    if (list.length) this.waiting.set(key, list);
    return entry;
  }

  private pump() {
    while (!this.closed && this.processor && this.running.size < this.concurrency) {
      const entry = this.take();
      if (!entry) break;
      const run = this.run(entry).finally(() => {
        this.running.delete(run);
        this.pump();
        if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
      });
      this.running.add(run);
    }
  }

  private async run(entry: Entry): Promise<void> {
    entry.attempt += 1;
    const job = {
      delivery: entry.delivery,
      attempt: entry.attempt,
      attempts: this.attempts,
      installationId: entry.installationId,
      repository: entry.repository,
    };
    try {
      // Past the deadline the try is abandoned, not stopped (handlers do not take the signal): the
      // run's own deadline, shorter than the job's by default, is what ends its work.
      await withDeadline(this.deadlineMs, (signal) => this.processor!({ ...job, signal }));
    } catch (err) {
      const reason = errorMessage(err);
      const ids = { deliveryId: entry.delivery.id, installationId: entry.installationId };
      if (entry.attempt < this.attempts && !this.closed) {
        const wait = this.backoffMs * 2 ** (entry.attempt - 1);
        this.log.warn({ ...ids, attempt: entry.attempt, reason }, `delivery failed: retrying in ${wait} ms`);
        const timer = setTimeout(() => {
          this.delayed.delete(timer);
          this.push(entry);
        }, wait);
        this.delayed.add(timer);
        return;
      }
      this.failedCount += 1;
      this.log.error({ ...ids, attempt: entry.attempt, reason }, "delivery failed for good: dead letter");
      await this.deadLetter!(job, reason).catch((e: unknown) =>
        this.log.error({ ...ids, err: e }, "dead letter: the check run could not be ended"),
      );
    }
  }
}
