import { BullmqQueue } from "./bullmq.js";
import { MemoryQueue } from "./memory.js";
import type { DeliveryQueue, QueueLog } from "./types.js";

export * from "./types.js";
export { BullmqQueue, MemoryQueue };

export class QueueSettingsError extends Error {
  override name = "QueueSettingsError";
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback?: number): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new QueueSettingsError(`${name} must be a positive whole number, not "${raw}"`);
  return n;
}

/** The queue settings from the environment; throws QueueSettingsError naming a bad variable. */
export function queueSettings(env: NodeJS.ProcessEnv = process.env) {
  const url = env.REDIS_URL?.trim() || undefined;
  if (url && !/^rediss?:\/\//.test(url))
    throw new QueueSettingsError(
      `REDIS_URL must start with redis:// or rediss://, not "${url.slice(0, 40)}"`,
    );
  const runDeadline = positiveInt(env, "RUN_DEADLINE_MS");
  const name = env.QUEUE_NAME?.trim() || undefined;
  if (name !== undefined && !/^[\w.-]{1,64}$/.test(name))
    throw new QueueSettingsError(
      `QUEUE_NAME must be letters, digits, ".", "_" or "-", not "${name.slice(0, 40)}"`,
    );
  return {
    url,
    name,
    concurrency: positiveInt(env, "WORKER_CONCURRENCY", 2)!,
    attempts: positiveInt(env, "JOB_ATTEMPTS", 3)!,
    // A try gets the run's own deadline plus time to end the run; the handlers end it first.
    deadlineMs: positiveInt(env, "JOB_DEADLINE_MS", runDeadline ? runDeadline + 120_000 : undefined),
  };
}

/** BullMQ on REDIS_URL when it is set, else the in-process queue: one interface, two backends. */
export function createDeliveryQueue(env: NodeJS.ProcessEnv = process.env, log?: QueueLog): DeliveryQueue {
  const { url, name, ...options } = queueSettings(env);
  return url ? new BullmqQueue({ url, name, ...options, log }) : new MemoryQueue({ ...options, log });
}
