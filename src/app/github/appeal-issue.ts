import type { AppealMarker } from "../../appeals/markers.js";
import { day, writeMarker } from "../../appeals/markers.js";
import { escapeMarkdown, inlineCode, safeUrl } from "../../report/markdown.js";
import type { Finding, Severity, SkillReport } from "../../scan/index.js";
import { PRESENTATION } from "../../scan/index.js";
import { mention } from "../commands/parse.js";
import { oneLine } from "./check-runs.js";

// The appeal (or review) issue: what a reviewer needs on one page, and the signed marker the App
// reads back. Every author-controlled string (skill id, excerpts, justification, file names) is
// escaped: it can neither break the page nor smuggle in a marker or a mention.

/** Review deadlines for an appeal, counted from the appeal (DESIGN, review policy), in days. */
export const APPEAL_DAYS: Record<Severity, [number, number]> = {
  MALICIOUS: [5, 10],
  SUSPICIOUS: [3, 7],
  RISKY: [1, 3],
  LOW_QUALITY: [1, 2],
};

const DAY = 24 * 60 * 60 * 1000;

export function deadline(level: Severity, from: Date): [Date, Date] {
  const [a, b] = APPEAL_DAYS[level];
  return [new Date(from.getTime() + a * DAY), new Date(from.getTime() + b * DAY)];
}

export const short = (sha: string) => sha.slice(0, 7);

/** Stable keys of a skill's findings (rule and file), to tell a reviewer what a re-scan changed. */
export function findingKeys(findings: Finding[]): string[] {
  return [...new Set(findings.map((f) => `${f.ruleId}@${f.file}`))].slice(0, 100);
}

/** Multi-line untrusted text as a Markdown quote, every line escaped, at most `max` characters. */
export function quote(text: string, max = 4000): string {
  const chars = [...text];
  const cut = chars.length > max ? `${chars.slice(0, max).join("")}…` : text;
  return cut
    .split(/\r\n?|\n/)
    .map((l) => `> ${escapeMarkdown(l)}`)
    .join("\n");
}

export function lineUrl(html: string, sha: string, file: string, line: number): string {
  return `${html}/blob/${sha}/${file.split("/").map(encodeURIComponent).join("/")}#L${line}`;
}

export const checksUrl = (html: string, sha: string) => `${html}/commit/${sha}/checks`;

export function findingsTable(findings: Finding[], html: string, sha: string, max = 40): string {
  if (findings.length === 0) return "_No findings._";
  const rows = findings.slice(0, max).map((f) => {
    const where = `${escapeMarkdown(f.file)}:${f.line}`;
    const url = safeUrl(lineUrl(html, sha, f.file, f.line));
    const excerpt = oneLine(f.excerpt, 160);
    return `| ${f.level} | ${inlineCode(f.ruleId)} ${escapeMarkdown(f.title)} | ${url ? `[${where}](${url})` : where} | ${inlineCode(excerpt)} |`;
  });
  const more = findings.length > max ? `\n\n…and ${findings.length - max} more in the check run.` : "";
  return ["| Level | Rule | Where | Excerpt |", "|---|---|---|---|", ...rows].join("\n") + more;
}

export function appealTitle(skill: SkillReport, repo: string, sha: string, via: "appeal" | "report"): string {
  const what = via === "report" ? "Review (user reports)" : "Appeal";
  return oneLine(`${what}: ${skill.id} (${skill.severity}) in ${repo}@${short(sha)}`, 250);
}

export interface AppealContext {
  repo: string;
  html: string;
  sha: string;
  base?: string;
  author: string;
  /** The GitHub user who authored the appealed commit, when known (never a reviewer). */
  pusher?: string;
  url: string;
  now: Date;
  key: string;
  /** The comment that asked for it. */
  source?: { id: number; user: string; url: string };
  justification?: string;
  /** For a review opened by user reports: how many and where they are. */
  reports?: { count: number; threshold: number; url: string };
}

export function appealMarkerFor(skill: SkillReport, ctx: AppealContext): AppealMarker {
  const level = skill.severity as Severity;
  const [from, to] = deadline(level, ctx.now);
  return {
    v: 1,
    skillId: skill.id,
    contentHash: skill.contentHash,
    repo: ctx.repo,
    sha: ctx.sha,
    ...(ctx.base ? { base: ctx.base } : {}),
    level,
    author: ctx.author,
    ...(ctx.source ? { appellant: ctx.source.user } : {}),
    ...(ctx.pusher && ctx.pusher.toLowerCase() !== ctx.author.toLowerCase() ? { pusher: ctx.pusher } : {}),
    opened: ctx.now.toISOString(),
    due: [from.toISOString(), to.toISOString()],
    url: ctx.url,
    html: ctx.html,
    findings: findingKeys(skill.findings),
    ...(ctx.source ? { source: ctx.source.id } : {}),
    via: ctx.reports ? "report" : "appeal",
  };
}

export function appealBody(skill: SkillReport, ctx: AppealContext): string {
  const marker = appealMarkerFor(skill, ctx);
  const { v: _v, ...data } = marker;
  const level = marker.level;
  const [min, max] = APPEAL_DAYS[level];
  const repoLink = `[${escapeMarkdown(ctx.repo)}](${safeUrl(ctx.html) ?? ""})`;
  const commitLink = `[\`${short(ctx.sha)}\`](${safeUrl(`${ctx.html}/commit/${ctx.sha}`) ?? ""})`;
  const rows = [
    ["Skill", `${inlineCode(skill.id)} in ${inlineCode(skill.path)}`],
    ["Level", `${PRESENTATION[level].icon} **${level}**: ${PRESENTATION[level].meaning}`],
    ["Repository", `${repoLink} at ${commitLink}`],
    ["Check run", `[Skill quarantine](${safeUrl(checksUrl(ctx.html, ctx.sha)) ?? ""}) on ${short(ctx.sha)}`],
    ["Content hash", inlineCode(skill.contentHash)],
    ctx.source
      ? ["Appealed by", `${mention(ctx.source.user)} in [this comment](${safeUrl(ctx.source.url) ?? ""})`]
      : [
          "Opened because",
          `${ctx.reports?.count ?? 0} distinct users reported it (threshold ${ctx.reports?.threshold ?? 0}): [reports](${safeUrl(ctx.reports?.url ?? "") ?? ""})`,
        ],
    [
      "Review deadline",
      `between **${day(marker.due[0])}** and **${day(marker.due[1])}** (${level}: ${min}–${max} days from ${day(ctx.now)})`,
    ],
  ];
  const parts = [
    writeMarker("appeal", data, ctx.key),
    `### ${ctx.reports ? "Review requested by user reports" : "Appeal of a quarantine verdict"}`,
    ["| | |", "|---|---|", ...rows.map(([k, v]) => `| **${k}** | ${v} |`)].join("\n"),
    "### Why it was quarantined",
    escapeMarkdown(skill.quarantineStatus.reason) || "_No reason given._",
    "### Findings",
    findingsTable(skill.findings, ctx.html, ctx.sha),
  ];
  if (ctx.justification !== undefined)
    parts.push("### The appellant's justification", quote(ctx.justification));
  parts.push(
    "### For reviewers",
    [
      "Comment one of these commands (write, maintain or admin permission on this repository when the operator made it the appeals repository; maintain or admin when it is the skill's own repository; never the skill's author, its pusher or the appellant):",
      `- \`/approve\`: lifts the quarantine for exactly this version (content hash above).${level === "MALICIOUS" ? " **Not possible for MALICIOUS**: downgrade or reject instead." : ""}`,
      "- `/reject <reason>`: keeps it quarantined (at least SUSPICIOUS).",
      "- `/downgrade <LEVEL>`: sets a lower level (SUSPICIOUS, RISKY, LOW_QUALITY or NONE; MALICIOUS only down to LOW_QUALITY).",
      "- `/block-author`: adds the skill's author to this repository's blocklist: all their skills become MALICIOUS.",
      "",
      "The decision is recorded here and the check run is re-run. It applies to this content hash only: any later change to the skill is scanned afresh.",
    ].join("\n"),
  );
  return parts.join("\n\n");
}
