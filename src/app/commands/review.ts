import type { Context } from "probot";
import { DECISION_LABELS, ensureLabels, PENDING, removeLabel } from "../../appeals/labels.js";
import { type AppealMarker, type DecisionMarker, readMarker, writeMarker } from "../../appeals/markers.js";
import { fullName, parseFullName, sameRepo } from "../../appeals/repo-ref.js";
import { escapeMarkdown, inlineCode } from "../../report/markdown.js";
import type { Severity } from "../../scan/index.js";
import { levelOf, parseLevel, severityOf } from "../../scan/index.js";
import { loadOperatorConfig } from "../config.js";
import type { AppEnv } from "../env.js";
import { quote, short } from "../github/appeal-issue.js";
import { type AppealsRepo, addToBlocklist, BLOCKLIST_PATH } from "../github/appeals-store.js";
import { addReaction, commentOnIssue } from "../github/comments.js";
import { addIssueLabels, closeIssue } from "../github/issues.js";
import { accessOf, canMaintain, canReview } from "../github/permissions.js";
import { checkRequestOf, contextFor, octokitFor } from "../github/repos.js";
import { runCheck } from "../scan/scan-and-report.js";
import { type CommandComment, mention } from "./parse.js";
import { startCommand } from "./preamble.js";

// Reviewer commands on an appeal issue (DESIGN "GitHub App flows" 5): `/approve`, `/reject <reason>`,
// `/downgrade <LEVEL>`, `/block-author`. The appeals repository is the operator's (APPEALS_REPOSITORY
// or the operator's policy), where write, maintain or admin makes a reviewer. Without one, appeals
// live in the skill's own repository, where write access is what the author and anyone pushing
// already have: there only maintain or admin counts. An issue in any other repository (one a
// repository config once named) decides nothing. Never from the skill's author, the pusher of the
// commit, the appellant (from the signed marker) nor a bot; any failure of the permission API refuses. A decision is recorded as
// labels, a comment carrying a signed decision marker (what the scan reads back), the issue closed,
// the author mentioned, and the skill repository's check run for that commit re-run.

export type ReviewCommandName = "approve" | "reject" | "downgrade" | "block-author";

export interface AppealIssueRef {
  number: number;
  state: string;
  labels: string[];
  htmlUrl: string;
}

interface Decision {
  decision: DecisionMarker["decision"];
  level?: DecisionMarker["level"];
  /** `/block-author`: the author goes on the blocklist and the appeal is rejected. */
  block?: boolean;
  reason: string;
}

export async function handleReview(
  context: Context,
  env: AppEnv,
  cmd: CommandComment,
  name: ReviewCommandName,
  args: string,
  issue: AppealIssueRef,
  marker: AppealMarker,
): Promise<void> {
  const { log, key, who, say, prior } = await startCommand(context, env, cmd, {
    command: name,
    issue: issue.number,
  });
  const repo: AppealsRepo = { owner: cmd.thread.owner, repo: cmd.thread.repo, octokit: context.octokit };
  if (prior) {
    // Redelivery. A recorded decision still needs its issue closed and its check re-run; both are
    // idempotent (the re-run is keyed by this delivery id).
    const recorded = readMarker("decision", prior.body, key);
    if (recorded) await finish(context, env, repo, issue, marker, recorded.decision === "rejected");
    return;
  }
  const lower = who.toLowerCase();
  const role =
    lower === marker.author.toLowerCase()
      ? "author"
      : lower === marker.pusher?.toLowerCase()
        ? "pusher"
        : lower === marker.appellant?.toLowerCase()
          ? "appellant"
          : undefined;
  if (role) {
    log.info({ role }, "refused: the author, pusher or appellant cannot decide");
    return say(
      `${mention(who)} you cannot decide on this appeal: you are the skill's ${role}. Another reviewer must decide. Nothing changed.`,
    );
  }
  if (issue.state !== "open")
    return say(`${mention(who)} this appeal is closed; reopen it to decide again. Nothing changed.`);

  const skillRepo = parseFullName(marker.repo);
  const operatorAppeals = (await loadOperatorConfig(context, env, skillRepo)).config.appealsRepository;
  const home = operatorAppeals ? parseFullName(operatorAppeals) : skillRepo;
  if (!sameRepo(repo, home)) {
    log.warn({ appeals: fullName(home) }, "refused: not the operator's appeals repository");
    return say(
      `${mention(who)} decisions on ${escapeMarkdown(marker.repo)} are taken only in ${escapeMarkdown(fullName(home))}, the appeals repository its operator set. Nothing changed.`,
    );
  }

  const access = await accessOf(context.octokit, repo.owner, repo.repo, who);
  if (!access.ok) {
    log.warn({ status: access.status }, "permission check failed: command refused");
    return say(
      `${mention(who)} your permission on this repository could not be checked (GitHub answered ${access.status ?? "with an error"}), so the command was refused and nothing changed. Please try again.`,
    );
  }
  if (!operatorAppeals && !canMaintain(access.access)) {
    log.info({ access: access.access }, "refused: no maintain or admin on the skill's own repository");
    return say(
      `${mention(who)} appeals kept in the skill's own repository are decided only by its maintainers (maintain or admin permission; write is not enough, since whoever pushes the skill has it). Nothing changed.`,
    );
  }
  if (!canReview(access.access)) {
    log.info({ access: access.access }, "refused: no write access to the appeals repository");
    return say(
      `${mention(who)} only reviewers (write, maintain or admin permission on this repository) can decide appeals. Nothing changed.`,
    );
  }

  const decision = decide(name, args, marker.level);
  if ("refusal" in decision) return say(`${mention(who)} ${decision.refusal} Nothing changed.`);

  const now = env.now();
  if (name === "block-author") {
    const added = await addToBlocklist(repo, marker.author, { by: who, at: now, url: issue.htmlUrl });
    log.info({ author: marker.author, added }, "author blocklisted");
  }
  const label = DECISION_LABELS[decision.decision];
  await ensureLabels(repo.octokit, repo.owner, repo.repo, [label]);
  await addIssueLabels(repo.octokit, repo, issue.number, [label]);
  for (const old of [PENDING, ...Object.values(DECISION_LABELS)])
    if (old !== label && issue.labels.includes(old))
      await removeLabel(repo.octokit, repo.owner, repo.repo, issue.number, old);

  const data: Omit<DecisionMarker, "v"> = {
    skillId: marker.skillId,
    contentHash: marker.contentHash,
    repo: marker.repo,
    issue: issue.number,
    decision: decision.decision,
    ...(decision.level ? { level: decision.level } : {}),
    by: who,
    at: now.toISOString(),
    ...(decision.block ? { blocked: marker.author } : {}),
    to: cmd.id,
  };
  await commentOnIssue(
    repo.octokit,
    repo,
    issue.number,
    decisionComment(data, decision, marker, now, cmd, key),
  );
  await finish(context, env, repo, issue, marker, decision.decision === "rejected");
  await addReaction(context.octokit, cmd.thread, cmd.id, "+1");
  log.info({ decision: decision.decision, level: decision.level }, "decision recorded");
}

function decide(name: ReviewCommandName, args: string, level: Severity): Decision | { refusal: string } {
  switch (name) {
    case "approve":
      if (level === "MALICIOUS")
        return {
          refusal:
            "a MALICIOUS skill cannot be approved. Use `/downgrade <LEVEL>` (recorded) or `/reject <reason>`.",
        };
      return { decision: "approved", reason: args };
    case "reject":
      if (!args) return { refusal: "`/reject` needs a reason the author can act on: `/reject <reason>`." };
      return { decision: "rejected", reason: args };
    case "block-author":
      return { decision: "rejected", block: true, reason: args || "The author was blocked." };
    case "downgrade": {
      const [word = "", ...rest] = args.split(/\s+/);
      const n = parseLevel(word);
      const names = "SUSPICIOUS, RISKY, LOW_QUALITY or NONE";
      if (n === undefined || !word)
        return { refusal: `\`/downgrade\` needs a level below ${level}: one of ${names}.` };
      if (n >= levelOf(level))
        return {
          refusal: `${word.toUpperCase()} is not below ${level}; \`/downgrade\` only lowers the level.`,
        };
      if (level === "MALICIOUS" && n === 0)
        return {
          refusal:
            "a MALICIOUS skill cannot be downgraded to NONE (that would approve it); LOW_QUALITY is the lowest.",
        };
      return { decision: "downgraded", level: severityOf(n) ?? "none", reason: rest.join(" ") };
    }
  }
}

const TITLES = { approved: "✅ Approved", rejected: "❌ Rejected", downgraded: "⬇️ Downgraded" } as const;

function decisionComment(
  data: Omit<DecisionMarker, "v">,
  decision: Decision,
  marker: AppealMarker,
  now: Date,
  cmd: CommandComment,
  key: string,
): string {
  const when = `${now.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const title = `${TITLES[data.decision]}${data.level ? ` to ${data.level}` : ""}`;
  const effect = {
    approved: "The quarantine is lifted for this version.",
    rejected: `The skill stays quarantined (at least SUSPICIOUS).`,
    downgraded: `The skill's level is now ${data.level}.`,
  }[data.decision];
  const people = [marker.author, marker.appellant]
    .filter((x, i, a): x is string => Boolean(x) && a.indexOf(x) === i)
    .map(mention)
    .join(" ");
  return [
    writeMarker("decision", data, key),
    `### ${title}`,
    `**Decided by** ${mention(data.by)} on ${when} ([command](${cmd.htmlUrl})). ${effect}`,
    `**Why:**\n\n${decision.reason ? quote(decision.reason) : "_No reason given._"}`,
    data.blocked
      ? `**Author blocked:** ${inlineCode(data.blocked)} was added to \`${BLOCKLIST_PATH}\` in this repository: every skill by this author is now MALICIOUS (trigger \`blocklist\`).`
      : "",
    `**Applies to** ${inlineCode(marker.skillId)} with content hash ${inlineCode(marker.contentHash)} only: any later change to the skill is scanned afresh and needs its own decision.`,
    `${people} the check run on ${escapeMarkdown(marker.repo)}@${short(marker.sha)} is re-run to show this decision.`,
  ]
    .filter(Boolean)
    .join("\n\n");
}

async function finish(
  context: Context,
  env: AppEnv,
  repo: AppealsRepo,
  issue: AppealIssueRef,
  marker: AppealMarker,
  rejected = false,
): Promise<void> {
  await closeIssue(repo.octokit, repo, issue.number, rejected ? "not_planned" : "completed");
  const skillRepo = parseFullName(marker.repo);
  const octokit = await octokitFor(context, env, skillRepo);
  await runCheck(contextFor(context, octokit, skillRepo), checkRequestOf(marker), env);
}
