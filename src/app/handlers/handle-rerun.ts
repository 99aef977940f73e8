import type { Context } from "probot";
import type { AppEnv, CheckRequest } from "../env.js";
import { CHECK_NAME } from "../github/check-runs.js";
import { readPullRequest } from "../github/issues.js";
import { runCheck } from "../scan/scan-and-report.js";

// Re-scans of the same commit: "Re-run" on our check run, "Re-run all" on our suite, or the Re-scan
// button (check_run.requested_action, routed here by handle-requested-action.ts). Each is a new
// delivery, so each gets a new check run on the same sha.

const ZERO_SHA = /^0+$/;

type Repository = Context<"check_run">["payload"]["repository"];
interface PullRef {
  number: number;
  base: { sha: string };
}

/** Only runs and suites this App made: by name, and by app id when the App knows its own. */
export function isOurs(
  app: { id: number | null } | null | undefined,
  env: AppEnv,
  name = CHECK_NAME,
): boolean {
  return name === CHECK_NAME && (env.appId === undefined || app?.id === env.appId);
}

/**
 * The same baseline and author as the original scan: for a pull request the PR is read again (its
 * author for the blocklist, its current base); otherwise the suite's `before` commit.
 */
async function rescanRequest(
  context: Context<"check_run" | "check_suite">,
  repository: Repository,
  sha: string,
  pulls: PullRef[],
  before: string | null | undefined,
): Promise<CheckRequest> {
  const owner = repository.owner.login;
  const base = {
    owner,
    repo: repository.name,
    sha,
    htmlUrl: repository.html_url,
  };
  const pr = pulls[0];
  if (pr) {
    const data = await readPullRequest(context.octokit, { owner, repo: repository.name }, pr.number);
    return { ...base, baseSha: data.base.sha, author: data.user?.login, appealUrl: data.html_url };
  }
  return {
    ...base,
    baseSha: before && !ZERO_SHA.test(before) && before !== sha ? before : undefined,
    author: owner,
    appealUrl: `${repository.html_url}/commit/${sha}`,
  };
}

/** Re-scans the commit of one of our check runs (the "Re-run" link or the Re-scan button). */
export async function rescanCheckRun(
  context: Context<"check_run.rerequested" | "check_run.requested_action">,
  env: AppEnv,
): Promise<void> {
  const { check_run: run, repository } = context.payload;
  if (!isOurs(run.app, env, run.name)) return;
  const req = await rescanRequest(
    context,
    repository,
    run.head_sha,
    run.pull_requests,
    run.check_suite?.before,
  );
  await runCheck(context, req, env);
}

export async function handleCheckRunRerequested(context: Context<"check_run.rerequested">, env: AppEnv) {
  await rescanCheckRun(context, env);
}

/** "Re-run all checks" on our suite: one new check run for the suite's head commit. */
export async function handleCheckSuiteRerequested(
  context: Context<"check_suite.rerequested">,
  env: AppEnv,
): Promise<void> {
  const { check_suite: suite, repository } = context.payload;
  if (!isOurs(suite.app, env)) return;
  const req = await rescanRequest(context, repository, suite.head_sha, suite.pull_requests, suite.before);
  await runCheck(context, req, env);
}
