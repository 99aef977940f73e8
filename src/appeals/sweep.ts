import type { GitHubClient } from "./client.js";
import { APPEAL_LABEL, ensureLabels, OVERDUE } from "./labels.js";
import { day, readMarker, writeMarker, writtenBy } from "./markers.js";
import type { RepoRef } from "./repo-ref.js";

// Overdue reviews: open appeal issues past the latest date of their review deadline (from the
// appeal marker) get the label `review:overdue` and one comment. Idempotent: an issue with the label
// is skipped, and the comment is written only when no overdue comment is there yet (a run that
// stopped between the comment and the label does not comment twice). Run by
// `skill-quarantine appeals sweep` from a scheduled workflow in the appeals repository, with that
// workflow's token: it has no marker key, so markers are read unverified and only issues written by
// a bot (and by `appLogin` when given) are considered; the worst a forged marker can do here is
// earn an issue the overdue label.

export interface SweepOptions {
  now: Date;
  /** Only issues written by this bot login, e.g. `skill-quarantine[bot]`. */
  appLogin?: string;
  dryRun?: boolean;
}

export interface Overdue {
  number: number;
  url: string;
  level: string;
  due: string;
  /** What the sweep did: labelled now, already labelled before, or would label (dry run). */
  action: "labelled" | "already" | "dry-run";
}

export async function sweepOverdue(
  octokit: GitHubClient,
  ref: RepoRef,
  opts: SweepOptions,
): Promise<Overdue[]> {
  const issues = await octokit.paginate(octokit.rest.issues.listForRepo, {
    ...ref,
    labels: APPEAL_LABEL,
    state: "open",
    per_page: 100,
  });
  const out: Overdue[] = [];
  let labelReady = false;
  for (const issue of issues) {
    if (issue.pull_request || issue.user?.type !== "Bot") continue;
    if (opts.appLogin && !writtenBy(issue.user, opts.appLogin)) continue;
    const marker = readMarker("appeal", issue.body, null);
    if (!marker) continue;
    const due = Date.parse(marker.due[1]);
    if (!Number.isFinite(due) || opts.now.getTime() <= due) continue;
    const entry = { number: issue.number, url: issue.html_url, level: marker.level, due: marker.due[1] };
    const labels = issue.labels.map((l) => (typeof l === "string" ? l : l.name));
    if (labels.includes(OVERDUE)) {
      out.push({ ...entry, action: "already" });
      continue;
    }
    if (opts.dryRun) {
      out.push({ ...entry, action: "dry-run" });
      continue;
    }
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      ...ref,
      issue_number: issue.number,
      per_page: 100,
    });
    const commented = comments.some((c) => c.user?.type === "Bot" && readMarker("overdue", c.body, null));
    if (!commented)
      await octokit.rest.issues.createComment({
        ...ref,
        issue_number: issue.number,
        body: [
          // Written with the workflow's token, which has no marker key: the marker is a flag, not a proof.
          writeMarker("overdue", { due: marker.due[1] }, ""),
          `⏰ **Review overdue.** This ${marker.level} appeal was due for a decision between ${day(marker.due[0])} and ${day(marker.due[1])} (opened ${day(marker.opened)}). A reviewer with write access, please decide: \`/approve\`, \`/reject <reason>\`, \`/downgrade <LEVEL>\` or \`/block-author\`.`,
        ].join("\n\n"),
      });
    if (!labelReady) await ensureLabels(octokit, ref.owner, ref.repo, [OVERDUE]);
    labelReady = true;
    await octokit.rest.issues.addLabels({ ...ref, issue_number: issue.number, labels: [OVERDUE] });
    out.push({ ...entry, action: "labelled" });
  }
  return out;
}
