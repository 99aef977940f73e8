import type { ProbotOctokit } from "probot";
import type { TarballLimits } from "../sources/tarball.js";
import type { WriteLimiter } from "./github/budget.js";
import type { Engine } from "./scan/engine.js";

// What every App module is handed (AppEnv) and what a check is run for (CheckRequest), apart from
// scan/scan-and-report.ts: the modules it calls (config, github/appeals-store, rescan-appeals, repos)
// need these types too, and importing them from the scan flow made an import cycle.

/** Where the operator's policy file is (POLICY_REPOSITORY, POLICY_PATH); read by config.ts. */
export interface PolicySource {
  repository: string;
  path: string;
}

export interface AppEnv {
  /** This App's id, to ignore check runs and suites of other apps. */
  appId?: number;
  tarballLimits: Partial<TarballLimits>;
  now: () => Date;
  /** An in-progress run older than this is taken to be from a crashed worker and is taken over. */
  staleAfterMs: number;
  /** A run without a verdict after this ends as "not scanned" (RUN_DEADLINE_MS). */
  runDeadlineMs: number;
  /** A scan with a verdict before this creates its run completed, in one request (QUICK_RESULT_MS). */
  quickResultMs: number;
  /** Spaces each installation's writes and holds its rate-limit pauses (src/app/github/budget.ts). */
  writeLimiter: () => WriteLimiter;
  /** Rules, grammars and renderers; scans run in worker threads unless a test says otherwise. */
  engine: () => Promise<Engine>;
  /** The App's bot login (`<slug>[bot]`): markers count only in issues and comments it wrote. */
  appLogin: () => Promise<string>;
  /** Key of the markers' HMAC (MARKER_SECRET, else WEBHOOK_SECRET). */
  markerKey: string;
  /** An octokit for a repository of another installation (an appeals repository under another owner). */
  installationOctokit?: (owner: string, repo: string) => Promise<ProbotOctokit>;
  /** Operator's pin (APPEALS_REPOSITORY): every repository's appeals go there, whatever its config says. */
  appealsRepository?: string;
  /** The operator's policy file (POLICY_REPOSITORY, POLICY_PATH); see src/app/config.ts. */
  policy?: PolicySource;
}

export interface CheckRequest {
  owner: string;
  repo: string;
  sha: string;
  baseSha?: string;
  author?: string;
  /** The repository's web URL, for links to lines. */
  htmlUrl: string;
  /** Where `/appeal` is written: the pull request, else the commit. Sent as details_url. */
  appealUrl: string;
}
