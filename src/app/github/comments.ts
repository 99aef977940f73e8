import type { ProbotOctokit } from "probot";
import type { RepoRef } from "../../appeals/repo-ref.js";

// Comments and reactions: in a conversation (an issue or pull request) or on a commit. Commands
// reply where they were written, and the two kinds of thread are two different APIs on GitHub.

type Octokit = ProbotOctokit;

/** Where a comment is written: an issue or pull request conversation, or a commit. */
export type Thread =
  | { kind: "issue"; owner: string; repo: string; number: number }
  | { kind: "commit"; owner: string; repo: string; sha: string };

export interface ThreadComment {
  id: number;
  body?: string | null;
  html_url: string;
  user: { login?: string | null; type?: string | null } | null;
}

/** The comments of a thread written at or after `since` (all of them for a commit). */
export async function threadComments(
  octokit: Octokit,
  thread: Thread,
  since?: string,
): Promise<ThreadComment[]> {
  if (thread.kind === "issue")
    return octokit.paginate(octokit.rest.issues.listComments, {
      owner: thread.owner,
      repo: thread.repo,
      issue_number: thread.number,
      ...(since ? { since } : {}),
      per_page: 100,
    });
  return octokit.paginate(octokit.rest.repos.listCommentsForCommit, {
    owner: thread.owner,
    repo: thread.repo,
    commit_sha: thread.sha,
    per_page: 100,
  });
}

/** Posts `body` in the thread; answers the new comment's address. */
export async function postInThread(octokit: Octokit, thread: Thread, body: string): Promise<string> {
  if (thread.kind === "issue") {
    const { data } = await octokit.rest.issues.createComment({
      owner: thread.owner,
      repo: thread.repo,
      issue_number: thread.number,
      body,
    });
    return data.html_url;
  }
  const { data } = await octokit.rest.repos.createCommitComment({
    owner: thread.owner,
    repo: thread.repo,
    commit_sha: thread.sha,
    body,
  });
  return data.html_url;
}

/** Every comment of issue `number` in `repo`. */
export async function issueComments(
  octokit: Octokit,
  repo: RepoRef,
  number: number,
): Promise<ThreadComment[]> {
  return threadComments(octokit, { kind: "issue", owner: repo.owner, repo: repo.repo, number });
}

/** A comment on issue `number` in `repo`. */
export async function commentOnIssue(
  octokit: Octokit,
  repo: RepoRef,
  number: number,
  body: string,
): Promise<void> {
  await postInThread(octokit, { kind: "issue", owner: repo.owner, repo: repo.repo, number }, body);
}

/** A reaction on a comment of the thread (GitHub answers 200 instead of 201 when it is already there). */
export async function addReaction(
  octokit: Octokit,
  thread: Thread,
  commentId: number,
  content: "+1" | "eyes",
): Promise<void> {
  const { owner, repo } = thread;
  if (thread.kind === "issue")
    await octokit.rest.reactions.createForIssueComment({ owner, repo, comment_id: commentId, content });
  else await octokit.rest.reactions.createForCommitComment({ owner, repo, comment_id: commentId, content });
}
