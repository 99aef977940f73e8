import type { ProbotOctokit } from "probot";
import type { RepoRef } from "../../appeals/repo-ref.js";

// Requests made with the App's own JWT (not an installation's token): who the App is, and which
// installation can act on a repository of another account.

/** The App's bot login, `<slug>[bot]` (GET /app). */
export async function appBotLogin(jwt: ProbotOctokit): Promise<string> {
  const { data } = await jwt.rest.apps.getAuthenticated();
  if (!data?.slug) throw new Error("GET /app returned no slug");
  return `${data.slug}[bot]`;
}

/** The id of the App's installation on `repo` (GitHub answers 404 when the App is not installed there). */
export async function installationIdOf(jwt: ProbotOctokit, repo: RepoRef): Promise<number> {
  const { data } = await jwt.rest.apps.getRepoInstallation({ owner: repo.owner, repo: repo.repo });
  return data.id;
}
