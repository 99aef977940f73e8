import type { Context, ProbotOctokit } from "probot";
import { APPEAL_LABEL, ensureLabels, PENDING, severityLabel } from "../../appeals/labels.js";
import { answeredComment, day, MarkerError, writeMarker, writtenBy } from "../../appeals/markers.js";
import type { RepoRef } from "../../appeals/repo-ref.js";
import { escapeMarkdown, inlineCode } from "../../report/markdown.js";
import type { SkillReport } from "../../scan/index.js";
import type { AppEnv, CheckRequest } from "../env.js";
import { appealBody, appealTitle, deadline, quote, short } from "../github/appeal-issue.js";
import { appealsRepoName } from "../github/appeals-store.js";
import { addReaction, commentOnIssue, issueComments } from "../github/comments.js";
import { closeIssue, openIssue } from "../github/issues.js";
import { accessOf, canAppeal } from "../github/permissions.js";
import { contextFor } from "../github/repos.js";
import { scanWithAppeals } from "../scan/scan-and-report.js";
import { type CommandComment, mention, splitAppealArgs } from "./parse.js";
import { startCommand } from "./preamble.js";

// `/appeal <skill-id> <justification>` and `/appeal <justification>` (DESIGN "GitHub App flows" 4).
// The skills of the commit are found by scanning it again through the check run's own path (config,
// appeals state, tarball, baseline): the appeal needs the skill's content hash (the decision is bound
// to it), which the check run's rendered output does not carry, and the scan is deterministic for a
// commit and the same appeals state. One command opens at most one appeal issue (a skill with an open
// appeal for the same content hash gets a comment on that issue instead):
// - naming a skill appeals that skill, whatever its level (RISKY and LOW_QUALITY included: DESIGN
//   gives them review deadlines, and naming one is a deliberate request, not a side effect);
// - the bare form appeals the one quarantined skill (SUSPICIOUS or MALICIOUS). With several, one reply
//   lists them and asks which; with none (RISKY or LOW_QUALITY only, which are installable), one reply
//   says so. It never opens an issue per flagged skill: on a monorepo that was 41 issues for one comment.

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
  "Write the skill's id (as the check run shows it) and why the skill is safe after the command, for example:\n\n" +
  "```\n/appeal skills/csv-upload The script only uploads the CSV the user asked for to our own API (api.example.com); it never reads ~/.ssh.\n```\n\n" +
  "Without an id, the appeal is for the one quarantined skill of the pull request or commit. " +
  "Say what the flagged lines are for and why they cannot harm the user. A reviewer reads it with the findings.";

/** At most this many skills are listed in a reply; the check run lists them all. */
const LISTED = 25;

export type AppealChoice =
  /** Appeal this skill with this justification (may be empty: then the help is the answer). */
  | { kind: "skill"; skill: SkillReport; why: string }
  /** The first word names a skill, but no scanned skill has that id. */
  | { kind: "unknown"; word: string }
  /** A named skill that nothing flagged. */
  | { kind: "clean"; skill: SkillReport }
  /** Bare form, several quarantined skills: ask which. */
  | { kind: "which"; quarantined: SkillReport[] }
  /** Bare form, nothing quarantined: only RISKY or LOW_QUALITY skills (or nothing at all) flagged. */
  | { kind: "none-quarantined"; flagged: SkillReport[] };

const folderName = (path: string) => path.split("/").pop() ?? path;

/**
 * The skill `word` names: its id, else (case-insensitively, when only one skill matches) its id, its
 * folder's path or the folder's own name. Never the name in its SKILL.md: the skill's content could
 * then claim an ordinary word and catch appeals meant for another skill.
 */
function skillNamed(skills: SkillReport[], word: string): SkillReport | undefined {
  const exact = skills.find((s) => s.id === word);
  if (exact) return exact;
  const w = word.toLowerCase().replace(/\/+$/, "");
  const only = (match: (s: SkillReport) => boolean) => {
    const found = skills.filter(match);
    return found.length === 1 ? found[0] : undefined;
  };
  return (
    only((s) => s.id.toLowerCase() === w) ??
    only((s) => s.path.toLowerCase() === w) ??
    only((s) => s.path !== "." && folderName(s.path).toLowerCase() === w)
  );
}

/** A first word written like a skill id (inline code, or a path such as skills/x) that names no skill. */
const looksLikeId = (word: string, quoted: boolean) => quoted || /^[\w.@-]+(\/[\w.@-]+)+\/?$/.test(word);

/** What `/appeal <args>` asks for, given the commit's scanned skills. */
export function chooseAppeal(skills: SkillReport[], args: string): AppealChoice {
  const { word, rest, quoted } = splitAppealArgs(args);
  const named = word ? skillNamed(skills, word) : undefined;
  if (named)
    return named.severity ? { kind: "skill", skill: named, why: rest } : { kind: "clean", skill: named };
  if (word && looksLikeId(word, quoted)) return { kind: "unknown", word };
  // Most severe first (stable): the reply lists them in this order and gives the first as the example.
  const quarantined = skills.filter((s) => s.quarantineStatus.quarantined).sort((a, b) => b.level - a.level);
  if (quarantined.length === 1) return { kind: "skill", skill: quarantined[0]!, why: args.trim() };
  if (quarantined.length > 1) return { kind: "which", quarantined };
  return { kind: "none-quarantined", flagged: skills.filter((s) => s.severity) };
}

/** "- `id` (LEVEL)" lines, most severe first, at most LISTED of them. */
function skillList(skills: SkillReport[]): string {
  const sorted = skills.slice().sort((a, b) => b.level - a.level);
  const lines = sorted.slice(0, LISTED).map((s) => `- ${inlineCode(s.id)} (${s.severity ?? "no findings"})`);
  if (sorted.length > LISTED)
    lines.push(`- and ${sorted.length - LISTED} more (the check run lists them all)`);
  return lines.join("\n");
}

export async function handleAppeal(
  context: Context,
  env: AppEnv,
  cmd: CommandComment,
  target: AppealTarget,
  justification: string,
  skillOctokit: ProbotOctokit,
): Promise<void> {
  const { log, key, appLogin, who, say, prior } = await startCommand(context, env, cmd, {
    command: "appeal",
    comment: cmd.id,
  });
  if (prior) return;

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
  const at = short(target.sha);
  if (result.skills.every((s) => !s.severity)) {
    const errors = result.errors.length
      ? ` The scan was incomplete (${escapeMarkdown(result.errors[0]!)}); press **Re-scan** on the check run.`
      : "";
    const approved = result.skills.filter((s) => s.quarantineStatus.reviewStatus !== "none");
    return say(
      `${mention(who)} nothing to appeal: none of the ${result.skills.length} skill(s) at ${short(target.sha)} is quarantined or flagged${approved.length ? " (reviewers' decisions included)" : ""}.${errors}`,
    );
  }
  const choice = chooseAppeal(result.skills, justification);
  log.info({ choice: choice.kind }, "/appeal target");
  switch (choice.kind) {
    case "unknown":
      return say(
        `${mention(who)} no skill at ${at} has the id ${inlineCode(choice.word)}, so nothing was opened. Skills that can be appealed:\n\n${skillList(result.skills.filter((s) => s.severity))}\n\nName one of them: ${inlineCode("/appeal <skill-id> <why>")}.`,
      );
    case "clean":
      return say(
        `${mention(who)} nothing to appeal: ${inlineCode(choice.skill.id)} at ${at} is not flagged${choice.skill.quarantineStatus.reviewStatus !== "none" ? " (reviewers' decisions included)" : ""}.`,
      );
    case "which":
      return say(
        `${mention(who)} ${choice.quarantined.length} skills at ${at} are quarantined, and an appeal is about one skill, so nothing was opened yet. Which one? Comment again with its id:\n\n${skillList(choice.quarantined)}\n\nFor example: ${inlineCode(`/appeal ${choice.quarantined[0]!.id} <why the skill is safe>`)}`,
      );
    case "none-quarantined":
      return say(
        `${mention(who)} none of the ${result.skills.length} skill(s) at ${at} is quarantined (SUSPICIOUS or MALICIOUS), so nothing was opened. These are flagged but installable (RISKY after confirmation):\n\n${skillList(choice.flagged)}\n\nTo ask a reviewer about one of them anyway, name it: ${inlineCode("/appeal <skill-id> <why>")}.`,
      );
  }
  if (!choice.why)
    return say(
      `${mention(who)} an appeal for ${inlineCode(choice.skill.id)} needs a justification. ${APPEAL_HELP}`,
    );
  const flagged = [choice.skill];
  const why = choice.why;

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
        const comments = await issueComments(repo.octokit, repo, same.number);
        const already = comments.some(
          (c) => writtenBy(c.user, appLogin) && answeredComment(c.body, key) === cmd.id,
        );
        if (!already)
          await commentOnIssue(
            repo.octokit,
            repo,
            same.number,
            [
              writeMarker("reply", { to: cmd.id }, key),
              `### Appealed again by ${mention(who)} ([comment](${cmd.htmlUrl}))`,
              quote(why),
            ].join("\n\n"),
          );
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
        justification: why,
      });
    } catch (err) {
      if (!(err instanceof MarkerError)) throw err;
      log.warn({ skill: skill.id, err: err.message }, "/appeal refused: marker cannot be written");
      return say(
        `${mention(who)} the appeal for ${inlineCode(skill.id)} could not be recorded (${escapeMarkdown(err.message)}), so no review issue was opened. Try \`/appeal\` again; if this repeats, tell the App's operator.`,
      );
    }
    const issue = await openIssue(repo.octokit, repo, {
      title: appealTitle(skill, `${target.owner}/${target.repo}`, target.sha, "appeal"),
      body,
      labels: [APPEAL_LABEL, severityLabel(skill.severity!), PENDING],
    });
    // One open appeal per skill: an appeal about an earlier version is superseded by this one.
    for (const old of open) {
      await commentOnIssue(
        repo.octokit,
        repo,
        old.number,
        `${writeMarker("reply", { to: cmd.id }, key)}\nSuperseded by #${issue.number}: the skill changed since this appeal (content hash ${inlineCode(skill.contentHash.slice(0, 12))}…), and a decision applies to one version only.`,
      );
      await closeIssue(repo.octokit, repo, old.number, "not_planned");
    }
    done.push({ skill, url: issue.html_url, existing: false });
  }

  await addReaction(context.octokit, cmd.thread, cmd.id, "+1");
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
