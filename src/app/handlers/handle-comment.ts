import type { Context } from "probot";
import { readMarker, writtenBy } from "../../appeals/markers.js";
import { parseFullName } from "../../appeals/repo-ref.js";
import { handleAppeal } from "../commands/appeal.js";
import { type CommandComment, parseCommand } from "../commands/parse.js";
import { handleReport } from "../commands/report.js";
import { handleReview } from "../commands/review.js";
import type { AppEnv } from "../env.js";
import { readCommit, readPullRequest } from "../github/issues.js";
import { checkRequestOf, octokitFor } from "../github/repos.js";

// Routes slash commands in new comments (DESIGN "GitHub App flows" 4–6):
//   pull request conversation   /appeal, /report
//   commit                      /appeal
//   issue                       /report
//   issue written by the App    /appeal (appeal again), /approve, /reject, /downgrade, /block-author
// Anything else, comments by bots, and unknown `/words` are ignored without a request. An issue
// "written by the App" is one whose author is the App's bot AND whose body opens with a marker signed
// by the App: a marker in an issue someone else wrote, or an edited one, counts for nothing.

export async function handleIssueComment(
  context: Context<"issue_comment.created">,
  env: AppEnv,
): Promise<void> {
  const { comment, issue, repository } = context.payload;
  if (comment.user?.type === "Bot") return;
  const parsed = parseCommand(comment.body);
  if (!parsed || !comment.user) return;
  const owner = repository.owner.login;
  const repo = repository.name;
  const cmd: CommandComment = {
    id: comment.id,
    user: { login: comment.user.login, id: comment.user.id },
    createdAt: comment.created_at,
    htmlUrl: comment.html_url,
    thread: { kind: "issue", owner, repo, number: issue.number },
  };
  const log = context.log.child({ deliveryId: context.id, command: parsed.name, comment: comment.id });

  if (parsed.name === "report")
    return handleReport(context, env, cmd, parsed.args, {
      owner,
      repo,
      defaultBranch: repository.default_branch,
      htmlUrl: repository.html_url,
    });

  if (parsed.name === "appeal" && issue.pull_request) {
    const pr = await readPullRequest(context.octokit, { owner, repo }, issue.number);
    return handleAppeal(
      context,
      env,
      cmd,
      {
        owner,
        repo,
        sha: pr.head.sha,
        baseSha: pr.base.sha,
        author: pr.user?.login ?? owner,
        htmlUrl: repository.html_url,
        appealUrl: pr.html_url,
        isPrivate: repository.private,
      },
      parsed.args,
      context.octokit,
    );
  }

  if (issue.pull_request || issue.user?.type !== "Bot") {
    log.debug("command outside a pull request or an App issue: ignored");
    return;
  }
  if (!writtenBy(issue.user, await env.appLogin())) return;
  const marker = readMarker("appeal", issue.body, env.markerKey);
  if (!marker) {
    log.warn({ issue: issue.number }, "App issue without a valid appeal marker: command ignored");
    return;
  }

  if (parsed.name === "appeal") {
    const skillRepo = parseFullName(marker.repo);
    return handleAppeal(
      context,
      env,
      cmd,
      { ...checkRequestOf(marker), isPrivate: false },
      parsed.args,
      await octokitFor(context, env, skillRepo),
    );
  }
  return handleReview(
    context,
    env,
    cmd,
    parsed.name,
    parsed.args,
    {
      number: issue.number,
      state: issue.state ?? "open",
      labels: (issue.labels ?? []).map((l) => (typeof l === "string" ? l : l.name)),
      htmlUrl: issue.html_url,
    },
    marker,
  );
}

/** `/appeal` on a commit (pushes without a pull request); other commands are not taken there. */
export async function handleCommitComment(
  context: Context<"commit_comment.created">,
  env: AppEnv,
): Promise<void> {
  const { comment, repository } = context.payload;
  if (comment.user?.type === "Bot") return;
  const parsed = parseCommand(comment.body);
  if (parsed?.name !== "appeal" || !comment.user) return;
  const owner = repository.owner.login;
  const repo = repository.name;
  const sha = comment.commit_id;
  const commit = await readCommit(context.octokit, { owner, repo }, sha);
  await handleAppeal(
    context,
    env,
    {
      id: comment.id,
      user: { login: comment.user.login, id: comment.user.id },
      createdAt: comment.created_at,
      htmlUrl: comment.html_url,
      thread: { kind: "commit", owner, repo, sha },
    },
    {
      owner,
      repo,
      sha,
      baseSha: commit.parents[0]?.sha,
      author: owner,
      pusher: commit.author?.login,
      htmlUrl: repository.html_url,
      appealUrl: `${repository.html_url}/commit/${sha}`,
      isPrivate: repository.private,
    },
    parsed.args,
    context.octokit,
  );
}
