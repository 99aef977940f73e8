import { AsyncLocalStorage } from "node:async_hooks";

// What the worker knows about the job it runs, visible to everything the job's handlers call
// (logs, claimRun) without changing a handler's signature.

export interface JobScope {
  deliveryId: string;
  installationId?: number;
  repository?: string;
  /** 1 for the first try; more when the queue retries (after an error, a deadline, a killed worker). */
  attempt: number;
}

export const jobScope = new AsyncLocalStorage<JobScope>();

/**
 * True when this delivery is being retried by the queue: an earlier try of the same delivery is
 * over (it failed, passed its deadline or its worker died), so its run still "in progress" is
 * nobody's and this try takes it over instead of leaving it to the stale-run sweep.
 */
export function isRetryOf(deliveryId: string): boolean {
  const s = jobScope.getStore();
  return s !== undefined && s.deliveryId === deliveryId && s.attempt > 1;
}
