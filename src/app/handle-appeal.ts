import type { Context, ProbotOctokit } from "probot";
import { APPEAL_LABEL, ensureLabels, PENDING, severityLabel } from "../appeals/labels.js";
import { answeredComment, day, MarkerError, writeMarker, writtenBy } from "../appeals/markers.js";
import type { RepoRef } from "../appeals/repo-ref.js";
import { escapeMarkdown, inlineCode } from "../report/markdown.js";
import type { SkillReport } from "../scan/index.js";
import { appealBody, appealTitle, deadline, quote, short } from "./appeal-issue.js";
import { appealsRepoName } from "./appeals-store.js";
import { answer, type CommandComment, findAnswer, mention, react } from "./commands.js";
import { accessOf, canAppeal } from "./permissions.js";
import { contextFor } from "./repos.js";
import { type AppEnv, type CheckRequest, scanWithAppeals } from "./run-check.js";

// `/appeal <justification>` (DESIGN "GitHub App flows" 4). The skills of the commit are found by
// scanning it again through the check run's own path (config, appeals state, tarball, baseline):
// the appeal needs each skill's content hash (the decision is bound to it), which the check run's
// rendered output does not carry, and the scan is deterministic for a commit and the same appeals
// state. Every flagged skill (any level) gets one appeal issue; a skill with an open appeal for the
// same content hash gets a comment on that issue instead.

export interface AppealTarget extends RepoRef {
  sha: string;
  baseSha?: string;
  /** The login the scan checks against the blocklist: the PR author, else the repository owner. */
  author: string;
  /** The GitHub user who authored the appealed commit, when known: recorded so they cannot review. */
  pusher?: string;
  htmlUrl: string;
  /** The pull request or commit the appeal is about. */
  appealUrl: string;
  isPrivate: boolean;
}

export const APPEAL_HELP =
  "Write why the skill is safe after the command, for example:\n\n" +
  "```\n/appeal The script only uploads the CSV the user asked for to our own API (api.example.com); it never reads ~/.ssh.\n```\n\n" +
  "Say what the flagged lines are for and why they cannot harm the user. A reviewer reads it with the findings.";

export async function handleAppeal(
  context: Context,
  env: AppEnv,
  cmd: CommandComment,
  target: AppealTarget,
  justification: string,
  skillOctokit: ProbotOctokit,
): Promise<void> {
  const log = context.log.child({ deliveryId: context.id, command: "appeal", comment: cmd.id });
  const key = env.markerKey;
  const appLogin = await env.appLogin();
  if (await findAnswer(context.octokit, cmd, appLogin, key)) {
    log.info("redelivery: /appeal already answered");
    return;
  }
  const say = (text: string) => answer(context.octokit, cmd, text, key);
  const who = cmd.user.login;

  const access = await accessOf(skillOctokit, target.owner, target.repo, who);
  if (!access.ok) {
    log.warn({ status: access.status }, "permission check failed: /appeal refused");
    return say(
      `${mention(who)} your access to ${escapeMarkdown(`${target.owner}/${target.repo}`)} could not be checked (GitHub answered ${access.status ?? "with an error"}), so nothing was done. Please try again later.`,
    );
  }
  const isAuthor = who.toLowerCase() === target.author.toLowerCase();
  if (!canAppeal(access.access, { isPrivate: target.isPrivate, isAuthor })) {
    log.info({ access: access.access }, "/appeal refused: no access to the skill's repository");
    return say(
      `${mention(who)} only the skill's author or someone with access to ${escapeMarkdown(`${target.owner}/${target.repo}`)} can appeal its quarantine. Nothing was done.`,
    );
  }
  if (!justification) return say(`${mention(who)} an appeal needs a justification. ${APPEAL_HELP}`);

  const req: CheckRequest = {
    owner: target.owner,
    repo: target.repo,
    sha: target.sha,
    baseSha: target.baseSha,
    author: target.author,
    htmlUrl: target.htmlUrl,
    appealUrl: target.appealUrl,
  };
  const prepared = await scanWithAppeals(contextFor(context, skillOctokit, target), req, env);
  const { result, appeals } = prepared;
  const flagged = result.skills.filter((s) => s.severity);
  if (flagged.length === 0) {
    const errors = result.errors.length
      ? ` The scan was incomplete (${escapeMarkdown(result.errors[0]!)}); press **Re-scan** on the check run.`
      : "";
    const approved = result.skills.filter((s) => s.quarantineStatus.reviewStatus !== "none");
    return say(
      `${mention(who)} nothing to appeal: none of the ${result.skills.length} skill(s) at ${short(target.sha)} is quarantined or flagged${approved.length ? " (reviewers' decisions included)" : ""}.${errors}`,
    );
  }
  const repo = appeals.repo;
  if (!repo)
    return say(
      `${mention(who)} the appeals repository ${escapeMarkdown(appealsRepoName(env, prepared.config, target))} cannot be reached by the App, so no appeal could be opened. Ask the repository's maintainers to install the App there.`,
    );

  await ensureLabels(repo.octokit, repo.owner, repo.repo, [
    APPEAL_LABEL,
    PENDING,
    ...flagged.map((s) => severityLabel(s.severity!)),
  ]);
  const now = env.now();
  const done: { skill: SkillReport; url: string; existing: boolean }[] = [];
  for (const skill of flagged) {
    const open = appeals.open.filter((a) => a.marker.skillId === skill.id);
    const same = open.find((a) => a.marker.contentHash === skill.contentHash);
    if (same) {
      const here =
        cmd.thread.kind === "issue" &&
        cmd.thread.number === same.number &&
        `${cmd.thread.owner}/${cmd.thread.repo}`.toLowerCase() === `${repo.owner}/${repo.repo}`.toLowerCase();
      if (same.marker.source !== cmd.id && !here) {
        const comments = await repo.octokit.paginate(repo.octokit.rest.issues.listComments, {
          owner: repo.owner,
          repo: repo.repo,
          issue_number: same.number,
          per_page: 100,
        });
        const already = comments.some(
          (c) => writtenBy(c.user, appLogin) && answeredComment(c.body, key) === cmd.id,
        );
        if (!already)
          await repo.octokit.rest.issues.createComment({
            owner: repo.owner,
            repo: repo.repo,
            issue_number: same.number,
            body: [
              writeMarker("reply", { to: cmd.id }, key),
              `### Appealed again by ${mention(who)} ([comment](${cmd.htmlUrl}))`,
              quote(justification),
            ].join("\n\n"),
          });
      }
      done.push({ skill, url: same.htmlUrl, existing: true });
      continue;
    }
    let body: string;
    try {
      body = appealBody(skill, {
        repo: `${target.owner}/${target.repo}`,
        html: target.htmlUrl,
        sha: target.sha,
        base: target.baseSha,
        author: target.author,
        pusher: target.pusher,
        url: target.appealUrl,
        now,
        key,
        source: { id: cmd.id, user: who, url: cmd.htmlUrl },
        justification,
      });
    } catch (err) {
      if (!(err instanceof MarkerError)) throw err;
      log.warn({ skill: skill.id, err: err.message }, "/appeal refused: marker cannot be written");
      return say(
        `${mention(who)} the appeal for ${inlineCode(skill.id)} could not be recorded (${escapeMarkdown(err.message)}), so no review issue was opened. Try \`/appeal\` again; if this repeats, tell the App's operator.`,
      );
    }
    const { data: issue } = await repo.octokit.rest.issues.create({
      owner: repo.owner,
      repo: repo.repo,
      title: appealTitle(skill, `${target.owner}/${target.repo}`, target.sha, "appeal"),
      body,
      labels: [APPEAL_LABEL, severityLabel(skill.severity!), PENDING],
    });
    // One open appeal per skill: an appeal about an earlier version is superseded by this one.
    for (const old of open) {
      await repo.octokit.rest.issues.createComment({
        owner: repo.owner,
        repo: repo.repo,
        issue_number: old.number,
        body: `${writeMarker("reply", { to: cmd.id }, key)}\nSuperseded by #${issue.number}: the skill changed since this appeal (content hash ${inlineCode(skill.contentHash.slice(0, 12))}…), and a decision applies to one version only.`,
      });
      await repo.octokit.rest.issues.update({
        owner: repo.owner,
        repo: repo.repo,
        issue_number: old.number,
        state: "closed",
        state_reason: "not_planned",
      });
    }
    done.push({ skill, url: issue.html_url, existing: false });
  }

  await react(context.octokit, cmd, "+1");
  const lines = done.map(({ skill, url, existing }) => {
    const [from, to] = deadline(skill.severity!, now);
    return existing
      ? `- ${inlineCode(skill.id)} (${skill.severity}): already under review in ${url}; your justification was added there.`
      : `- ${inlineCode(skill.id)} (${skill.severity}): ${url}, review expected between ${day(from)} and ${day(to)}.`;
  });
  await say(
    `${mention(who)} your appeal is recorded in ${escapeMarkdown(`${repo.owner}/${repo.repo}`)}:\n\n${lines.join("\n")}\n\nPushing a fix re-scans the skill and updates the appeal.`,
  );
  log.info({ issues: done.map((d) => d.url) }, "/appeal handled");
}
