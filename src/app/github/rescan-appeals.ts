import type { Logger } from "probot";
import {
  ensureLabels,
  PENDING,
  RESCAN_CLEAN,
  RESCAN_FLAGGED,
  RESOLVED,
  removeLabel,
} from "../../appeals/labels.js";
import { readMarker, writeMarker, writtenBy } from "../../appeals/markers.js";
import { escapeMarkdown, inlineCode, safeUrl } from "../../report/markdown.js";
import type { ScanResult, SkillReport } from "../../scan/index.js";
import type { AppEnv, CheckRequest } from "../env.js";
import { findingKeys, lineUrl, short } from "./appeal-issue.js";
import type { AppealIssue, AppealsRepo, AppealsState } from "./appeals-store.js";

// DESIGN "GitHub App flows" 3: after every scan of a repository, each open appeal for one of its
// skills hears about the new result, once per new content hash of the skill (a re-run of the same
// commit, or a push that does not touch the skill, adds nothing). RISKY and LOW_QUALITY appeals whose
// skill now scans clean are closed as resolved by that commit; SUSPICIOUS and MALICIOUS appeals stay
// open for a reviewer and are labelled `rescan:clean` or `rescan:still-flagged`.

export async function updateOpenAppeals(
  prepared: { appeals: AppealsState; result: ScanResult },
  req: CheckRequest,
  env: AppEnv,
  opts: { checkRunId: number; log: Logger },
): Promise<void> {
  const { appeals, result } = prepared;
  const repo = appeals.repo;
  if (!repo || appeals.open.length === 0) return;
  const appLogin = await env.appLogin();
  let labelsReady = false;
  const labels = async () => {
    if (!labelsReady)
      await ensureLabels(repo.octokit, repo.owner, repo.repo, [RESOLVED, RESCAN_CLEAN, RESCAN_FLAGGED]);
    labelsReady = true;
  };
  for (const appeal of appeals.open) {
    const skill = result.skills.find((s) => s.id === appeal.marker.skillId);
    const done = await updateOne(repo, appeal, skill, req, env, appLogin, opts.checkRunId, labels);
    if (done) opts.log.info({ issue: appeal.number, outcome: done }, "open appeal updated by the re-scan");
  }
}

async function updateOne(
  repo: AppealsRepo,
  appeal: AppealIssue,
  skill: SkillReport | undefined,
  req: CheckRequest,
  env: AppEnv,
  appLogin: string,
  checkRunId: number,
  labels: () => Promise<void>,
): Promise<string | undefined> {
  const { octokit } = repo;
  const m = appeal.marker;
  const hash = skill?.contentHash ?? "(removed)";
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: repo.owner,
    repo: repo.repo,
    issue_number: appeal.number,
    per_page: 100,
  });
  let lastHash = m.contentHash;
  let lastFindings = m.findings;
  for (const c of comments) {
    if (!writtenBy(c.user, appLogin)) continue;
    const r = readMarker("rescan", c.body, env.markerKey);
    if (r) {
      lastHash = r.contentHash;
      lastFindings = r.findings;
    }
  }
  if (hash === lastHash) return undefined;

  const clean = !skill?.severity;
  const keys = skill ? findingKeys(skill.findings) : [];
  const added = skill ? skill.findings.filter((f) => !lastFindings.includes(`${f.ruleId}@${f.file}`)) : [];
  const gone = lastFindings.filter((k) => !keys.includes(k));
  const resolves = clean && (m.level === "RISKY" || m.level === "LOW_QUALITY");
  const commit = `[\`${short(req.sha)}\`](${safeUrl(`${req.htmlUrl}/commit/${req.sha}`) ?? ""})`;
  const run = safeUrl(`${req.htmlUrl}/runs/${checkRunId}`) ?? "";

  const lines = [
    writeMarker(
      "rescan",
      { sha: req.sha, contentHash: hash, level: skill?.severity ?? "none", findings: keys },
      env.markerKey,
    ),
    `### Re-scan at ${commit}`,
    skill
      ? `${inlineCode(m.skillId)} was scanned again ([check run](${run})): ${
          clean
            ? "✅ **nothing to quarantine**."
            : `**${skill.severity}**: ${escapeMarkdown(skill.quarantineStatus.reason)}.`
        }`
      : `${inlineCode(m.skillId)} is no longer in the repository at this commit ([check run](${run})).`,
  ];
  const seen = new Set<string>();
  const fresh = added.filter((f) => {
    const k = `${f.ruleId}@${f.file}:${f.line}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (fresh.length)
    lines.push(
      `**New findings:**\n${fresh
        .slice(0, 20)
        .map((f) => {
          const url = safeUrl(lineUrl(req.htmlUrl, req.sha, f.file, f.line));
          return `- ${f.level} ${inlineCode(f.ruleId)} at ${url ? `[${escapeMarkdown(f.file)}:${f.line}](${url})` : escapeMarkdown(f.file)}`;
        })
        .join("\n")}`,
    );
  if (gone.length)
    lines.push(
      `**No longer found:**\n${gone
        .slice(0, 20)
        .map((k) => `- ${inlineCode(k)}`)
        .join("\n")}`,
    );
  if (resolves)
    lines.push(
      `Resolved by ${commit}: the skill no longer carries the ${m.level} verdict this appeal was about, so the appeal is closed.`,
    );
  else if (m.level === "SUSPICIOUS" || m.level === "MALICIOUS")
    lines.push(
      clean
        ? `The skill now scans clean. A ${m.level} verdict still needs a reviewer's decision (the policy requires manual review even after a fix).`
        : "A reviewer still decides.",
    );

  await octokit.rest.issues.createComment({
    owner: repo.owner,
    repo: repo.repo,
    issue_number: appeal.number,
    body: lines.join("\n\n"),
  });

  const ref = { owner: repo.owner, repo: repo.repo, issue_number: appeal.number };
  if (resolves) {
    await labels();
    await octokit.rest.issues.addLabels({ ...ref, labels: [RESOLVED] });
    if (appeal.labels.includes(PENDING))
      await removeLabel(octokit, repo.owner, repo.repo, appeal.number, PENDING);
    await octokit.rest.issues.update({ ...ref, state: "closed", state_reason: "completed" });
    return "resolved";
  }
  if (m.level === "SUSPICIOUS" || m.level === "MALICIOUS") {
    const [add, drop] = clean ? [RESCAN_CLEAN, RESCAN_FLAGGED] : [RESCAN_FLAGGED, RESCAN_CLEAN];
    await labels();
    await octokit.rest.issues.addLabels({ ...ref, labels: [add] });
    if (appeal.labels.includes(drop)) await removeLabel(octokit, repo.owner, repo.repo, appeal.number, drop);
    return add;
  }
  return "commented";
}
