import type { FileSet, ScanOptions, ScanResult, SkillReport } from "../../scan/index.js";
import { MemoryFileSet } from "../../scan/index.js";

// The boundary between the App and whatever runs a scan (a worker thread today, a queue later):
// a ScanJob in, a ScanResult out. A job is plain data (structured-cloneable): the files' bytes and
// the options without the loaded rules and grammars, which the runner holds itself.

export type JobEntry =
  | { kind: "file"; data: Uint8Array }
  | { kind: "symlink"; target: string }
  | { kind: "other"; problem: string; size: number };

/** Everything a scan reads, except the rules and grammars. */
export type JobOptions = Omit<ScanOptions, "ruleSet" | "scriptAnalyzer" | "onUnscanned" | "onProgress"> & {
  baseline?: Map<string, SkillReport>;
};

export interface ScanJob {
  label: string;
  entries: [path: string, entry: JobEntry][];
  options: JobOptions;
}

/** Runs scan jobs: `run(job)` resolves with the result or rejects (ScanTimeoutError over budget). */
export interface ScanRunner {
  run(job: ScanJob): Promise<ScanResult>;
  close(): Promise<void>;
}

/** The scan took longer than its budget; its runner was stopped. Never a pass: the run says so. */
export class ScanTimeoutError extends Error {
  override name = "ScanTimeoutError";
  constructor(
    readonly ms: number,
    readonly label: string,
  ) {
    super(`${label}: the scan took longer than ${Math.round(ms / 1000)} s and was stopped`);
  }
}

/** A FileSet as plain data; file bytes are views of the source's buffers (copied when posted). */
export async function toScanJob(
  fs: FileSet,
  options: ScanOptions & { baseline?: Map<string, SkillReport> },
): Promise<ScanJob> {
  const entries: ScanJob["entries"] = [];
  for await (const e of fs.list()) {
    if (e.kind === "file") entries.push([e.path, { kind: "file", data: await fs.read(e.path, e.size) }]);
    else if (e.kind === "symlink") entries.push([e.path, { kind: "symlink", target: e.linkTarget ?? "" }]);
    else entries.push([e.path, { kind: "other", problem: e.problem ?? "not a regular file", size: e.size }]);
  }
  const { ruleSet: _r, scriptAnalyzer: _s, onUnscanned: _u, onProgress: _p, ...rest } = options;
  return { label: fs.label, entries, options: rest };
}

/** The job's files as a FileSet again, in the same order. */
export function fileSetOf(job: ScanJob): FileSet {
  const files = new Map<string, Uint8Array | { symlink: string } | { problem: string; size: number }>();
  for (const [path, e] of job.entries)
    files.set(
      path,
      e.kind === "file"
        ? e.data
        : e.kind === "symlink"
          ? { symlink: e.target }
          : { problem: e.problem, size: e.size },
    );
  return new MemoryFileSet(job.label, files);
}
