import type { ProbotOctokit } from "probot";
import type { ReviewDecision, ScanConfig, ScanOptions, ScanResult, SkillReport } from "../../scan/index.js";
import { readTarball, TarballError, type TarballFileSet, type TarballLimits } from "../../sources/tarball.js";
import { downloadTarball } from "../github/contents.js";
import type { Engine } from "./engine.js";

// One commit = one tarball (`GET /repos/{owner}/{repo}/tarball/{sha}`), never file by file. The
// baseline (PR base, or the push's `before`) is fetched the same way and scanned first, so the core
// can compare each skill with its earlier version (anomaly).

export interface CommitTarget {
  owner: string;
  repo: string;
  sha: string;
  /** The commit to compare with; undefined for a new branch. */
  baseSha?: string;
  /** Login checked against the blocklist's authors. */
  author?: string;
}

export interface CommitScan {
  result: ScanResult;
  /** Plain sentences for the check run (e.g. why the baseline could not be used). */
  notes: string[];
  /** Scans the same files again (same baseline) with other options, e.g. one more user report. */
  again: (extra: Partial<Pick<ScanOptions, "decisions" | "reports">>) => Promise<ScanResult>;
}

export const short = (sha: string) => sha.slice(0, 7);

export async function fetchTarball(
  octokit: ProbotOctokit,
  owner: string,
  repo: string,
  sha: string,
  limits: Partial<TarballLimits>,
  signal?: AbortSignal,
): Promise<TarballFileSet> {
  const { stream, declaredBytes } = await downloadTarball(octokit, { owner, repo }, sha, signal);
  return readTarball(stream, { label: `${owner}/${repo}@${short(sha)}`, limits, declaredBytes });
}

const status = (err: unknown) => (err as { status?: number }).status;

/** Tarball limits for this repository: a per-file limit raised by its config raises the reader's too. */
export function limitsFor(config: ScanConfig, base: Partial<TarballLimits>): Partial<TarballLimits> {
  const maxEntryBytes = Math.max(base.maxEntryBytes ?? 0, config.limits.maxFileBytes);
  return maxEntryBytes > 0 ? { ...base, maxEntryBytes } : base;
}

export async function scanCommit(
  octokit: ProbotOctokit,
  target: CommitTarget,
  opts: {
    engine: Engine;
    config: ScanConfig;
    limits: Partial<TarballLimits>;
    /** Reviewers' decisions from the appeals repository, each bound to a skill id and content hash. */
    decisions?: ReviewDecision[];
    /** Distinct user reports per skill id, from the appeals repository. */
    reports?: Record<string, number>;
    /** Aborts the downloads (the run's deadline). */
    signal?: AbortSignal;
  },
): Promise<CommitScan> {
  const { engine, config } = opts;
  const limits = limitsFor(config, opts.limits);
  const scanOptions: ScanOptions = {
    ruleSet: engine.ruleSet,
    scriptAnalyzer: engine.scriptAnalyzer,
    config,
    rootName: target.repo,
    rootParentName: target.owner,
    author: target.author,
    // The repository's owner publishes its skills; the operator's policy says whom it verifies.
    publisher: target.owner,
    decisions: opts.decisions,
    reports: opts.reports,
  };
  const notes: string[] = [];
  const head = await fetchTarball(octokit, target.owner, target.repo, target.sha, limits, opts.signal);

  let baseline: Map<string, SkillReport> | undefined;
  if (target.baseSha && target.baseSha !== target.sha) {
    try {
      const base = await fetchTarball(
        octokit,
        target.owner,
        target.repo,
        target.baseSha,
        limits,
        opts.signal,
      );
      const before = await engine.scan(base, scanOptions);
      baseline = new Map(before.skills.map((s) => [s.id, s]));
    } catch (err) {
      // A baseline that is gone (force-push) or unreadable costs the comparison, not the verdict;
      // the check run says so. Anything else (5xx after retries, rate limit) fails the run.
      if (status(err) === 404 || status(err) === 422)
        notes.push(
          `Not compared with the earlier commit ${short(target.baseSha)}: it no longer exists, so sudden changes in what a skill can do were not checked.`,
        );
      else if (err instanceof TarballError)
        notes.push(
          `Not compared with the earlier commit ${short(target.baseSha)}: ${err.message.replace(/^[^:]*: /, "")}.`,
        );
      else throw err;
    }
  }

  const scanHead = async (extra: Partial<ScanOptions> = {}) =>
    withUnscannedSkills(await engine.scan(head, { ...scanOptions, ...extra, baseline }), head);
  return { result: await scanHead(), notes, again: scanHead };
}

/**
 * A SKILL.md that is not a regular file (refused by the archive reader, or a symlink) hides its whole
 * folder from discovery. Unless the core already reports it as a finding, it is a scan error: the run
 * fails closed instead of passing a skill nobody looked at.
 */
export function withUnscannedSkills(result: ScanResult, fs: TarballFileSet): ScanResult {
  const reported = new Set(result.skills.flatMap((s) => s.findings.map((f) => f.file)));
  const missing = fs
    .nonFiles()
    .filter((e) => (e.path === "SKILL.md" || e.path.endsWith("/SKILL.md")) && !reported.has(e.path))
    .map(
      (e) =>
        `${e.path} could not be read (${e.problem ?? `symlink to ${e.linkTarget ?? "?"}`}), so its skill was not scanned`,
    );
  return missing.length ? { ...result, errors: [...result.errors, ...missing] } : result;
}
