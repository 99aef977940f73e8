import { parentPort } from "node:worker_threads";
import type { JobMessage, ResultMessage } from "../../src/app/scan/scan-worker.js";
import type { ScanResult } from "../../src/scan/types.js";

// A stand-in for src/app/scan/scan-worker.ts with the same messages: a job whose files include a path
// containing "slow" spins forever (as a scanner stuck on a hostile input would); any other job gets
// an empty, clean result naming its files.

parentPort?.on("message", ({ id, job }: JobMessage) => {
  if (job.entries.some(([path]) => path.includes("slow"))) for (;;);
  const result: ScanResult = {
    tool: { name: "skill-quarantine", version: "test" },
    root: job.entries.map(([path]) => path).join(","),
    skills: [],
    errors: [],
    totals: {
      skills: 0,
      findings: 0,
      bySeverity: { MALICIOUS: 0, SUSPICIOUS: 0, RISKY: 0, LOW_QUALITY: 0, none: 0 },
    },
  };
  parentPort?.postMessage({ id, result } satisfies ResultMessage);
});
