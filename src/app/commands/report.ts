import type { Context } from "probot";
import { APPEAL_LABEL, ensureLabels, PENDING, REPORT_LABEL, severityLabel } from "../../appeals/labels.js";
import { writeMarker } from "../../appeals/markers.js";
import { escapeMarkdown, inlineCode } from "../../report/markdown.js";
import type { SkillReport } from "../../scan/index.js";
import type { AppEnv, CheckRequest } from "../env.js";
import { appealBody, appealTitle, quote } from "../github/appeal-issue.js";
import { appealsRepoName } from "../github/appeals-store.js";
import { addReaction, commentOnIssue } from "../github/comments.js";
import { openIssue, readCommit } from "../github/issues.js";
import { runCheck, scanWithAppeals } from "../scan/scan-and-report.js";
import { type CommandComment, mention } from "./parse.js";
import { startCommand } from "./preamble.js";

// `/report [skill-name] <reason>` on an issue (or pull request) of a skill repository. The skills
// are those of the default branch's head (what users install). With one skill the name may be left
// out; with several, the first word must name one (its `name`, id or folder). Each report is one
// comment written by the App, with a signed marker naming the reporter, on a `skill-report` issue
// per skill in the appeals repository; a user counts once per skill however often they report.
// At the threshold (config `reports.threshold`, default 3 distinct users) the scan adds a SUSPICIOUS
// finding (trigger `user-reports`), the default branch's check run is re-run to show it, and a
// review issue is opened in the appeals repository as for an appeal.

export const REPORT_HELP =
  "Say what is wrong with the skill after the command: `/report <reason>`, or `/report <skill-name> <reason>` when the repository has several skills.";

export interface ReportRepository {
  owner: string;
  repo: string;
  defaultBranch: string;
  htmlUrl: string;
}

export async function handleReport(
  context: Context,
  env: AppEnv,
  cmd: CommandComment,
  args: string,
  where: ReportRepository,
): Promise<void> {
  const { log, key, who, say, prior } = await startCommand(context, env, cmd, {
    command: "report",
    comment: cmd.id,
  });
  if (prior) return;
  if (!args) return say(`${mention(who)} ${REPORT_HELP}`);

  const head = await readCommit(context.octokit, where, where.defaultBranch);
  const req: CheckRequest = {
    owner: where.owner,
    repo: where.repo,
    sha: head.sha,
    baseSha: head.parents[0]?.sha,
    author: where.owner,
    htmlUrl: where.htmlUrl,
    appealUrl: `${where.htmlUrl}/commit/${head.sha}`,
  };
  const prepared = await scanWithAppeals(context, req, env);
  const { result, appeals } = prepared;
  const pick = pickSkill(result.skills, args);
  if ("problem" in pick) return say(`${mention(who)} ${pick.problem}`);
  const { skill, reason } = pick;
  if (!reason) return say(`${mention(who)} ${REPORT_HELP}`);
  const repo = appeals.repo;
  if (!repo)
    return say(
      `${mention(who)} reports are kept in ${escapeMarkdown(appealsRepoName(env, prepared.config, where))}, which the App cannot reach, so the report was not recorded.`,
    );

  const fullName = `${where.owner}/${where.repo}`;
  const trackers = appeals.trackers.filter((t) => t.skillId === skill.id);
  const earlier = trackers.map((t) => t.reporters.get(cmd.user.id)).find(Boolean);
  if (earlier && earlier.to !== cmd.id) {
    log.info("user already reported this skill");
    return say(
      `${mention(who)} you have already reported ${inlineCode(skill.id)}; each person counts once. Nothing changed.`,
    );
  }
  let tracker = trackers[0];
  if (!earlier) {
    await ensureLabels(repo.octokit, repo.owner, repo.repo, [REPORT_LABEL]);
    if (!tracker) {
      const data = await openIssue(repo.octokit, repo, {
        title: `User reports: ${skill.id} in ${fullName}`.slice(0, 250),
        labels: [REPORT_LABEL],
        body: [
          writeMarker("reports", { skillId: skill.id, repo: fullName }, key),
          `### User reports about ${inlineCode(skill.id)} in ${escapeMarkdown(fullName)}`,
          `Each comment below written by the App is one report (one per person). At ${prepared.config.reportThreshold} distinct reporters the skill becomes SUSPICIOUS (trigger \`user-reports\`) and a review issue is opened.`,
        ].join("\n\n"),
      });
      tracker = { number: data.number, htmlUrl: data.html_url, skillId: skill.id, reporters: new Map() };
    }
    await commentOnIssue(
      repo.octokit,
      repo,
      tracker.number,
      [
        writeMarker(
          "report",
          { skillId: skill.id, repo: fullName, user: who, userId: cmd.user.id, to: cmd.id },
          key,
        ),
        `**Reported by** ${mention(who)} on ${env.now().toISOString().slice(0, 10)} ([comment](${cmd.htmlUrl})):`,
        quote(reason),
      ].join("\n\n"),
    );
  }
  const count = (appeals.reports[skill.id] ?? 0) + (earlier ? 0 : 1);
  const threshold = prepared.config.reportThreshold;

  let review: string | undefined;
  if (count >= threshold) {
    const open = appeals.open.find(
      (a) => a.marker.skillId === skill.id && a.marker.contentHash === skill.contentHash,
    );
    review = open?.htmlUrl;
    if (!open) {
      const rescanned = await prepared.again({
        decisions: appeals.decisions,
        reports: { ...appeals.reports, [skill.id]: count },
      });
      const now = rescanned.skills.find((s) => s.id === skill.id);
      if (now?.severity) {
        await ensureLabels(repo.octokit, repo.owner, repo.repo, [
          APPEAL_LABEL,
          PENDING,
          severityLabel(now.severity),
        ]);
        const data = await openIssue(repo.octokit, repo, {
          title: appealTitle(now, fullName, req.sha, "report"),
          body: appealBody(now, {
            repo: fullName,
            html: where.htmlUrl,
            sha: req.sha,
            base: req.baseSha,
            author: where.owner,
            url: tracker?.htmlUrl ?? req.appealUrl,
            now: env.now(),
            key,
            reports: { count, threshold, url: tracker?.htmlUrl ?? "" },
          }),
          labels: [APPEAL_LABEL, severityLabel(now.severity), PENDING],
        });
        review = data.html_url;
      }
    }
    // The latest check run of the default branch shows the new verdict (keyed by this delivery).
    await runCheck(context, req, env);
  }

  await addReaction(context.octokit, cmd.thread, cmd.id, "+1");
  const status =
    count >= threshold
      ? `${count} people have reported it (threshold ${threshold}): it is SUSPICIOUS until a reviewer decides${review ? ` in ${review}` : ""}.`
      : `${count} of the ${threshold} distinct reports needed for a review.`;
  await say(
    `${mention(who)} thank you: your report on ${inlineCode(skill.id)} is recorded in ${tracker?.htmlUrl}. ${status}`,
  );
  log.info({ skill: skill.id, count, threshold }, "/report recorded");
}

/** The skill a report is about, and the reason (the arguments without the skill's name). */
export function pickSkill(
  skills: SkillReport[],
  args: string,
): { skill: SkillReport; reason: string } | { problem: string } {
  if (skills.length === 0)
    return { problem: "this repository has no skill (no SKILL.md) on its default branch." };
  const [first = "", ...rest] = args.split(/\s+/);
  const w = first.toLowerCase();
  const named = skills.find(
    (s) => s.name.toLowerCase() === w || s.id.toLowerCase() === w || s.path.toLowerCase() === w,
  );
  if (named) return { skill: named, reason: args.slice(first.length).trim() || rest.join(" ") };
  if (skills.length === 1) return { skill: skills[0]!, reason: args };
  const names = skills
    .slice(0, 20)
    .map((s) => inlineCode(s.name))
    .join(", ");
  return {
    problem: `this repository has ${skills.length} skills (${names}${skills.length > 20 ? ", …" : ""}): say which one, \`/report <skill-name> <reason>\`.`,
  };
}
