import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { loadBuiltinRuleSet } from "../../node/load.js";
import { annotationsFor } from "../../report/annotations.js";
import { markdownDetails, markdownSummary } from "../../report/markdown.js";
import type { ScanResult } from "../../scan/index.js";
import type { Engine } from "./engine.js";
import { type ScanJob, type ScanRunner, ScanTimeoutError, toScanJob } from "./scan-job.js";
import type { JobMessage, ResultMessage } from "./scan-worker.js";

// Scans run off the thread that serves HTTP: a hostile skill that makes the scanner slow must not
// delay other deliveries or /healthz. Worker threads, each loading the engine once; every scan has a
// time budget, and a worker over budget is terminated (a loop in the scanner cannot be interrupted
// any other way) and replaced by a fresh one for the next job.

export const DEFAULT_SCAN_TIMEOUT_MS = 120_000;

export interface ScanPoolOptions {
  /** Budget of one scan (SCAN_TIMEOUT_MS). Default 120 s. */
  timeoutMs?: number;
  /** Worker threads (SCAN_WORKERS). Default 1: the App's other work is mostly waiting on GitHub. */
  size?: number;
  /** The worker script; tests give their own. Default ./scan-worker.js next to this module. */
  workerUrl?: URL;
  /** V8 heap cap of a worker: a scan that needs more ends that worker, not the App. Default 2048 MB. */
  maxHeapMb?: number;
}

interface Task {
  job: ScanJob;
  resolve: (r: ScanResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker?: Worker;
  task?: { id: number; task: Task; timer: NodeJS.Timeout };
}

const here = import.meta.url;

/**
 * From the compiled lib/ the worker is plain JavaScript. From the TypeScript sources (tests, `tsx`)
 * it is loaded through tsx's loader inside the thread, since loader hooks do not reach workers.
 */
function startWorker(url: URL, maxHeapMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: maxHeapMb };
  if (!url.pathname.endsWith(".ts")) return new Worker(url, { resourceLimits });
  const api = pathToFileURL(
    createRequire(here)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  const code = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(here)}))`;
  return new Worker(code, { eval: true, resourceLimits });
}

export class ScanPool implements ScanRunner {
  readonly timeoutMs: number;
  private readonly url: URL;
  private readonly maxHeapMb: number;
  private readonly slots: Slot[];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: ScanPoolOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_SCAN_TIMEOUT_MS;
    this.url = options.workerUrl ?? new URL(`./scan-worker${here.endsWith(".ts") ? ".ts" : ".js"}`, here);
    this.maxHeapMb = options.maxHeapMb ?? 2048;
    this.slots = Array.from({ length: Math.max(1, options.size ?? 1) }, () => ({}));
  }

  run(job: ScanJob): Promise<ScanResult> {
    if (this.closed) return Promise.reject(new Error("the scan pool is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(new Error("the scan pool is closed"));
    await Promise.all(this.slots.map((s) => this.stop(s, new Error("the scan pool is closed"))));
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.task) continue;
      const task = this.queue.shift();
      if (!task) return;
      this.start(slot, task);
    }
  }

  private worker(slot: Slot): Worker {
    if (slot.worker) return slot.worker;
    const worker = startWorker(this.url, this.maxHeapMb);
    // An idle worker does not keep the process alive; a running job's caller does.
    worker.unref();
    worker.on("message", (m: ResultMessage) => {
      const running = slot.task;
      if (!running || running.id !== m.id) return;
      this.finish(slot);
      if ("result" in m) running.task.resolve(m.result);
      else running.task.reject(new Error(`${running.task.job.label}: ${m.error}`));
    });
    const died = (err: Error) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      const running = slot.task;
      if (running) {
        this.finish(slot);
        running.task.reject(new Error(`${running.task.job.label}: the scan worker stopped (${err.message})`));
      }
    };
    worker.on("error", died);
    worker.on("exit", (code) => died(new Error(`exit code ${code}`)));
    slot.worker = worker;
    return worker;
  }

  private start(slot: Slot, task: Task): void {
    const id = this.nextId++;
    let worker: Worker;
    try {
      worker = this.worker(slot);
    } catch (err) {
      task.reject(err as Error);
      return;
    }
    const timer = setTimeout(() => {
      if (slot.task?.id !== id) return;
      this.finish(slot, false);
      task.reject(new ScanTimeoutError(this.timeoutMs, task.job.label));
      // The only way to stop a scan stuck in a loop; the next job gets a fresh worker.
      void this.stop(slot).finally(() => this.pump());
    }, this.timeoutMs);
    slot.task = { id, task, timer };
    // Bytes are copied, not transferred: the caller keeps its files for a later re-scan.
    worker.postMessage({ id, job: task.job } satisfies JobMessage);
  }

  private finish(slot: Slot, next = true): void {
    if (slot.task) clearTimeout(slot.task.timer);
    slot.task = undefined;
    if (next) queueMicrotask(() => this.pump());
  }

  private async stop(slot: Slot, reason?: Error): Promise<void> {
    const worker = slot.worker;
    slot.worker = undefined;
    if (slot.task && reason) {
      const running = slot.task;
      this.finish(slot, false);
      running.task.reject(reason);
    }
    if (worker) await worker.terminate();
  }
}

let shared: ScanPool | undefined;

function positiveEnv(name: string): number | undefined {
  const raw = process.env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new Error(`${name} must be a positive whole number, not "${raw}"`);
  return n;
}

/** The process's pool, from SCAN_TIMEOUT_MS and SCAN_WORKERS. */
export function sharedScanPool(): ScanPool {
  shared ??= new ScanPool({ timeoutMs: positiveEnv("SCAN_TIMEOUT_MS"), size: positiveEnv("SCAN_WORKERS") });
  return shared;
}

/**
 * An Engine whose scans run in `runner`; rendering stays here. The rule set is loaded here too only
 * because the Engine interface carries it; the runner uses its own copy.
 */
export async function runnerEngine(runner: ScanRunner): Promise<Engine> {
  return {
    ruleSet: await loadBuiltinRuleSet(),
    scan: async (fs, options) => runner.run(await toScanJob(fs, options)),
    summary: markdownSummary,
    details: markdownDetails,
    annotations: annotationsFor,
  };
}
