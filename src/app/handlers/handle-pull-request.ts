import type { Context } from "probot";
import type { AppEnv } from "../env.js";
import { runCheck } from "../scan/scan-and-report.js";

export const PULL_REQUEST_EVENTS = [
  "pull_request.opened",
  "pull_request.synchronize",
  "pull_request.reopened",
] as const;

/** A pull request opened, updated or reopened: scan its head against its base. */
export async function handlePullRequest(
  context: Context<(typeof PULL_REQUEST_EVENTS)[number]>,
  env: AppEnv,
): Promise<void> {
  const { pull_request: pr, repository } = context.payload;
  await runCheck(
    context,
    {
      owner: repository.owner.login,
      repo: repository.name,
      sha: pr.head.sha,
      baseSha: pr.base.sha,
      author: pr.user?.login,
      htmlUrl: repository.html_url,
      appealUrl: pr.html_url,
    },
    env,
  );
}
