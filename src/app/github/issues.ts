import type { ProbotOctokit } from "probot";
import type { RepoRef } from "../../appeals/repo-ref.js";

// Issues of the appeals repository (appeals, report trackers) and the pull requests and commits a
// command or a re-run is about: the reads and writes the commands and handlers make, one function each.

type Octokit = ProbotOctokit;

export interface NewIssue {
  title: string;
  body: string;
  labels: string[];
}

/** Opens an issue; answers its number and address. */
export async function openIssue(
  octokit: Octokit,
  repo: RepoRef,
  issue: NewIssue,
): Promise<{ number: number; html_url: string }> {
  const { data } = await octokit.rest.issues.create({ owner: repo.owner, repo: repo.repo, ...issue });
  return { number: data.number, html_url: data.html_url };
}

/** Closes an issue: "completed" for a decision taken, "not_planned" for a rejection or a superseded appeal. */
export async function closeIssue(
  octokit: Octokit,
  repo: RepoRef,
  number: number,
  reason: "completed" | "not_planned",
): Promise<void> {
  await octokit.rest.issues.update({
    owner: repo.owner,
    repo: repo.repo,
    issue_number: number,
    state: "closed",
    state_reason: reason,
  });
}

/** Adds labels to an issue (they must exist: see ensureLabels). */
export async function addIssueLabels(
  octokit: Octokit,
  repo: RepoRef,
  number: number,
  labels: string[],
): Promise<void> {
  await octokit.rest.issues.addLabels({ owner: repo.owner, repo: repo.repo, issue_number: number, labels });
}

/** A pull request as GitHub returns it (head, base, author, address). */
export async function readPullRequest(octokit: Octokit, repo: RepoRef, number: number) {
  const { data } = await octokit.rest.pulls.get({ owner: repo.owner, repo: repo.repo, pull_number: number });
  return data;
}

/** A commit (`ref` is a sha or a branch) as GitHub returns it (sha, parents, author). */
export async function readCommit(octokit: Octokit, repo: RepoRef, ref: string) {
  const { data } = await octokit.rest.repos.getCommit({ owner: repo.owner, repo: repo.repo, ref });
  return data;
}
