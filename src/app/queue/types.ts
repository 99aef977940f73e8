// One job interface for the App's deliveries, two backends (memory.ts in process, bullmq.ts on
// Redis). The unit of work is the whole webhook delivery, not a scan: the worker hands it to
// probot.receive, so every handler keeps working unchanged whichever backend runs it.

/** A verified webhook delivery, as the web process received it. */
export interface Delivery {
  id: string;
  name: string;
  payload: unknown;
}

export type EnqueueResult = "accepted" | "duplicate";

export interface JobContext {
  delivery: Delivery;
  /** 1 for the first try; a retry (after an error, a deadline or a worker that died) is 2 or more. */
  attempt: number;
  attempts: number;
  installationId?: number;
  repository?: string;
  /** Aborted when the job's deadline passes. */
  signal: AbortSignal;
}

export type Processor = (job: JobContext) => Promise<void>;

/** Called once when a delivery will not be tried again; `reason` says why, for the check run. */
export type DeadLetterHandler = (job: Omit<JobContext, "signal">, reason: string) => Promise<void>;

export interface QueueStats {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  /** Age of the oldest delivery not yet started; 0 when none waits. */
  oldestWaitingAgeMs: number;
}

export interface DeliveryQueue {
  readonly backend: "memory" | "bullmq";
  /** Atomic per delivery id: of several concurrent calls with one id exactly one is "accepted". */
  enqueue(delivery: Delivery): Promise<EnqueueResult>;
  /** Starts taking jobs in this process. */
  start(processor: Processor, deadLetter: DeadLetterHandler): void;
  stats(): Promise<QueueStats>;
  /** Stops taking jobs, lets the running ones finish (or hands them back), releases connections. */
  close(): Promise<void>;
}

export interface QueueOptions {
  /** Jobs run at once by this process (WORKER_CONCURRENCY). Default 2. */
  concurrency?: number;
  /** Tries per delivery, the first included (JOB_ATTEMPTS). Default 3. */
  attempts?: number;
  /** One try's deadline (JOB_DEADLINE_MS). Default: the run deadline plus 2 minutes. */
  deadlineMs?: number;
  /** First retry waits this long, then twice as long each time. Default 5 s. */
  backoffMs?: number;
  /** How long a delivery id is remembered for de-duplication. Default 24 h (GitHub's redeliveries). */
  dedupeTtlMs?: number;
  log?: QueueLog;
}

export interface QueueLog {
  info: (o: object, m: string) => void;
  warn: (o: object, m: string) => void;
  error: (o: object, m: string) => void;
}

export const DEFAULTS = {
  concurrency: 2,
  attempts: 3,
  backoffMs: 5_000,
  dedupeTtlMs: 24 * 60 * 60 * 1000,
};

/** What identifies a delivery in logs and decides its fairness bucket. Payloads are untrusted JSON. */
export function deliveryMeta(delivery: Delivery): { installationId?: number; repository?: string } {
  const p = (delivery.payload ?? {}) as {
    installation?: { id?: unknown };
    repository?: { full_name?: unknown };
  };
  const id = p.installation?.id;
  const repo = p.repository?.full_name;
  return {
    installationId: typeof id === "number" && Number.isSafeInteger(id) ? id : undefined,
    repository: typeof repo === "string" ? repo.slice(0, 200) : undefined,
  };
}

export const silentLog: QueueLog = { info() {}, warn() {}, error() {} };

export const errorMessage = (err: unknown) =>
  (err instanceof Error ? err.message : String(err)).split("\n")[0]!.slice(0, 500);
