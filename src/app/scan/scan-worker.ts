import { parentPort } from "node:worker_threads";
import { loadEngine } from "./engine.js";
import { fileSetOf, type ScanJob } from "./scan-job.js";

// The scan thread (started by src/app/scan/scan-pool.ts): loads rules and grammars once, then scans the
// jobs posted to it, one at a time. Skill content is only read here, never executed.

export interface JobMessage {
  id: number;
  job: ScanJob;
}
export type ResultMessage =
  | { id: number; result: import("../../scan/index.js").ScanResult }
  | { id: number; error: string };

const port = parentPort;
if (port) {
  const engine = loadEngine();
  engine.catch(() => {});
  port.on("message", async ({ id, job }: JobMessage) => {
    try {
      const e = await engine;
      const result = await e.scan(fileSetOf(job), {
        ...job.options,
        ruleSet: e.ruleSet,
        scriptAnalyzer: e.scriptAnalyzer,
      });
      port.postMessage({ id, result } satisfies ResultMessage);
    } catch (err) {
      port.postMessage({
        id,
        error: err instanceof Error ? err.message : String(err),
      } satisfies ResultMessage);
    }
  });
}
