import type { Finding, ScanResult, Severity, SkillReport } from "../scan/index.js";
import { escapeInvisible, PRESENTATION, trustPresentationOf, trustText } from "../scan/index.js";
import { adjustmentLines } from "./adjustments.js";
import { compareFindings } from "./annotations.js";

// Markdown for GitHub: the Action's job summary and the App's check-run summary/text. L1 (what a
// skill can do and what was found, in plain words) comes first, L2 (every finding) after.
//
// Everything that comes from a skill (ids, names, descriptions inside summary lines, paths, excerpts,
// messages) is attacker-controlled. It is written on one line with every ASCII punctuation character
// that means something to Markdown, GFM or GitHub ($ math) as a numeric character reference, which
// CommonMark treats as literal text: no emphasis, links, images, HTML, table pipes, math or autolinks
// can be formed from it (GFM's autolinker needs a literal ":", "@" or "www." in the source).
// Invisible and bidi control characters are shown as \u{…}.

export interface MarkdownOptions {
  /** Link for a finding's line; `file` is relative to the scanned root, as in the finding. */
  lineUrl?: (file: string, line: number) => string;
  /** Cut the output at a finding (or skill) boundary so it stays within this many characters. */
  maxLength?: number;
}

/** Above this many skills, per-skill parts are collapsed in <details>. */
export const MANY_SKILLS = 10;

const ICON = (k: Severity | "none") => PRESENTATION[k].icon;

const ORDER: (Severity | "none")[] = ["MALICIOUS", "SUSPICIOUS", "RISKY", "LOW_QUALITY", "none"];

/**
 * What untrusted text must not do in Markdown, each escaped as `&#NN;` and nothing more, so the text
 * stays readable in a terminal or an editor: markup characters (code, emphasis, links, images, HTML,
 * tables, strikethrough, math, headings); `@` (mentions and e-mail autolinks) with the dots of the
 * domain after it; the `:` of `://` and the dot of `www.` (GFM autolinks: a bare host such as
 * evil.example is not linked); a list marker at the start (`-`, `1.`), since callers put the text
 * after `- ` or `> `. A link opens only with `[`, so parentheses and `!` stay as they are.
 */
const MARKDOWN_ACTIVE = /[\\`*_[\]#+|<>&~$@]|^[-=]|:(?=\/\/)|(?<=\bwww)\.|(?<=@\S*)\.|(?<=^\d{1,9})[.)]/gi;

/** Escapes untrusted text for Markdown and HTML: one line, the characters Markdown acts on as `&#NN;`. */
export function escapeMarkdown(s: string): string {
  return escapeInvisible(s.replace(/\r\n?|\n|\u2028|\u2029/g, " "))
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, " ")
    .trim()
    .replace(MARKDOWN_ACTIVE, (c) => `&#${c.charCodeAt(0)};`);
}

/** Untrusted text as inline code (HTML <code>, so a table cell cannot be broken by a pipe). */
export function inlineCode(s: string): string {
  return s ? `<code>${escapeMarkdown(s)}</code>` : "";
}

/** Only http(s) links, with every character that could end a Markdown link destination encoded. */
export function safeUrl(url: string): string | undefined {
  if (!/^https?:\/\/[^\s/]/i.test(url)) return undefined;
  return url.replace(/[^A-Za-z0-9\-._~:/?#@!$&*+,;=%]/g, (c) =>
    [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
  );
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const sev = (s: SkillReport): Severity | "none" => s.severity ?? "none";

function worstFirst(skills: SkillReport[]): SkillReport[] {
  return skills
    .map((s, i) => ({ s, i }))
    .sort((a, b) => b.s.level - a.s.level || a.i - b.i)
    .map((x) => x.s);
}

function headline(result: ScanResult): string {
  const t = result.totals;
  if (t.skills === 0) return "### ℹ️ Skill quarantine: no SKILL.md found, nothing to scan";
  const blocked = t.bySeverity.MALICIOUS + t.bySeverity.SUSPICIOUS;
  const of = `of ${plural(t.skills, "skill")}`;
  if (t.bySeverity.MALICIOUS > 0)
    return `### ❌ Skill quarantine: ${t.bySeverity.MALICIOUS} ${of} must not be installed (MALICIOUS)`;
  if (blocked > 0) return `### ❌ Skill quarantine: ${blocked} ${of} blocked until a reviewer decides`;
  if (t.bySeverity.RISKY > 0)
    return `### ⚠️ Skill quarantine: ${t.bySeverity.RISKY} ${of} need${t.bySeverity.RISKY === 1 ? "s" : ""} a closer look (RISKY)`;
  if (t.bySeverity.LOW_QUALITY > 0)
    return `### ✅ Skill quarantine: nothing harmful found; ${t.bySeverity.LOW_QUALITY} ${of} need${t.bySeverity.LOW_QUALITY === 1 ? "s" : ""} better metadata`;
  return `### ✅ Skill quarantine: no problems found in ${plural(t.skills, "skill")}`;
}

/** One line with the counts per level. */
export function totalsLine(result: ScanResult): string {
  const t = result.totals;
  const parts = ORDER.filter((k) => t.bySeverity[k] > 0).map(
    (k) => `${ICON(k)} ${t.bySeverity[k]} ${k === "none" ? "with no findings" : k}`,
  );
  // The levels count skills, not findings: the findings' total goes last, in parentheses.
  return `**Totals:** ${plural(t.skills, "skill")} scanned${parts.length ? ` — ${parts.join(" · ")} (${plural(t.findings, "finding")})` : ""}.`;
}

function skillLabel(s: SkillReport): string {
  const where = s.path && s.path !== s.id ? ` (${inlineCode(s.path)})` : "";
  return `${escapeMarkdown(s.id)}${where}`;
}

function levelWord(s: SkillReport): string {
  return s.severity ?? "no problems";
}

/** The trust tier beside the level: "🟢 verified publisher acme" (escaped: the publisher is a login). */
const trustCell = (s: SkillReport) => escapeMarkdown(trustText(s.trust));

function skillL1(s: SkillReport): string {
  const lines = s.summary.length ? s.summary : [levelWord(s)];
  return lines.map((l) => `- ${escapeMarkdown(l)}`).join("\n");
}

/** A cutter: adds parts while they fit in `max`, keeping `reserve` characters for what must close. */
class Writer {
  private readonly parts: string[] = [];
  private length = 0;
  constructor(private readonly max: number) {}
  fits(s: string, reserve = 0): boolean {
    return this.length + s.length + reserve <= this.max;
  }
  add(s: string): void {
    this.parts.push(s);
    this.length += s.length;
  }
  toString(): string {
    return this.parts.join("");
  }
}

const NOTE_RESERVE = 400;

function budget(opts: MarkdownOptions): number {
  return opts.maxLength !== undefined && opts.maxLength > 0 ? opts.maxLength : Number.POSITIVE_INFINITY;
}

/** L1: one block per skill (worst first), collapsed in <details> when there are many, then totals. */
export function markdownSummary(result: ScanResult, opts: MarkdownOptions = {}): string {
  const w = new Writer(budget(opts));
  const tail = `\n${totalsLine(result)}\n`;
  w.add(`${headline(result)}\n\n`);
  for (const e of result.errors) {
    const line = `⚠️ The scan itself had a problem: ${escapeMarkdown(e)}\n\n`;
    if (w.fits(line, tail.length + NOTE_RESERVE)) w.add(line);
  }
  const skills = worstFirst(result.skills);
  const many = skills.length > MANY_SKILLS;
  const flagged = many ? skills.filter((s) => s.level > 0) : skills;
  const clean = many ? skills.filter((s) => s.level === 0) : [];
  let left = 0;
  let leftFindings = 0;
  for (const s of flagged) {
    if (left > 0) {
      left++;
      leftFindings += s.findings.length;
      continue;
    }
    const block = many
      ? `<details><summary>${ICON(sev(s))} ${skillLabel(s)} — ${levelWord(s)} · ${trustCell(s)}: ${escapeMarkdown(s.quarantineStatus.reason)} (${plural(s.findings.length, "finding")})</summary>\n\n${skillL1(s)}\n\n</details>\n\n`
      : `**${ICON(sev(s))} ${skillLabel(s)}** · ${trustCell(s)}\n${skillL1(s)}\n\n`;
    if (w.fits(block, tail.length + NOTE_RESERVE)) w.add(block);
    else {
      left = 1;
      leftFindings = s.findings.length;
    }
  }
  if (clean.length && left === 0) {
    const names = clean
      .map((s) => `${trustPresentationOf(s.trust).marker} ${escapeMarkdown(s.id)}`)
      .join(", ");
    const block = `<details><summary>✅ ${plural(clean.length, "skill")} with no findings</summary>\n\n${names}\n\n</details>\n\n`;
    if (w.fits(block, tail.length + NOTE_RESERVE)) w.add(block);
    else w.add(`✅ ${plural(clean.length, "more skill")} with no findings.\n\n`);
  } else if (clean.length) left += clean.length;
  if (left > 0) {
    w.add(
      `> ${plural(left, "more skill")} (${plural(leftFindings, "finding")}) not shown here to stay within the size limit; the JSON report lists every skill.\n`,
    );
  }
  w.add(tail);
  return w.toString();
}

function whereCell(f: Finding, opts: MarkdownOptions): string {
  const text = `${escapeMarkdown(f.file)}:${f.line}`;
  const url = opts.lineUrl ? safeUrl(opts.lineUrl(f.file, f.line)) : undefined;
  return url ? `[${text}](${url})` : text;
}

function explanationCell(f: Finding): string {
  const parts = [escapeMarkdown(f.explanation)];
  for (const a of adjustmentLines(f)) parts.push(`<i>Level changed ${escapeMarkdown(a)}</i>`);
  if (f.decoded) parts.push(`<i>Found after decoding ${escapeMarkdown(f.decoded.encoding)}.</i>`);
  if (f.related?.length)
    parts.push(
      f.related.map((r) => `see ${escapeMarkdown(r.file)}:${r.line}: ${escapeMarkdown(r.note)}`).join("<br>"),
    );
  if (f.remediation) parts.push(`<b>Fix:</b> ${escapeMarkdown(f.remediation)}`);
  return parts.join("<br>");
}

function findingRow(f: Finding, opts: MarkdownOptions): string {
  return `| ${ICON(f.level)} ${f.level} | ${inlineCode(f.ruleId)} | ${whereCell(f, opts)} | ${inlineCode(f.excerpt)} | ${explanationCell(f)} |\n`;
}

function capabilitiesLine(s: SkillReport): string {
  const list = (xs: string[]) => (xs.length ? xs.map((x) => escapeMarkdown(x)).join(", ") : "nothing");
  const c = s.capabilities;
  const gap = c.undeclared.length ? ` · **Detected but not declared:** ${list(c.undeclared)}` : "";
  return `**Declared:** ${list(c.declared)} · **Detected:** ${list(c.detected)}${gap}`;
}

const TABLE_HEAD = "| Level | Rule | Where | Excerpt | Explanation |\n|---|---|---|---|---|\n";

/** L2: per skill, declared vs detected capabilities and a table of every finding. */
export function markdownDetails(result: ScanResult, opts: MarkdownOptions = {}): string {
  const w = new Writer(budget(opts));
  const withFindings = worstFirst(result.skills).filter((s) => s.findings.length > 0);
  const many = result.skills.length > MANY_SKILLS;
  w.add("### Details\n\n");
  if (withFindings.length === 0) {
    w.add("No findings.\n");
    return w.toString();
  }
  let omitted = 0;
  let stopped = false;
  for (const s of withFindings) {
    const findings = s.findings.slice().sort(compareFindings);
    if (stopped) {
      omitted += findings.length;
      continue;
    }
    const title = `${ICON(sev(s))} ${skillLabel(s)} — ${levelWord(s)} · ${trustCell(s)}, ${plural(findings.length, "finding")}`;
    const head = many
      ? `<details><summary>${title}</summary>\n\n${capabilitiesLine(s)}\n\n${TABLE_HEAD}`
      : `#### ${title}\n\n${capabilitiesLine(s)}\n\n${TABLE_HEAD}`;
    const foot = many ? "\n</details>\n\n" : "\n";
    const first = findingRow(findings[0]!, opts);
    if (!w.fits(head + first + foot, NOTE_RESERVE)) {
      stopped = true;
      omitted += findings.length;
      continue;
    }
    w.add(head);
    for (let i = 0; i < findings.length; i++) {
      const row = i === 0 ? first : findingRow(findings[i]!, opts);
      if (!w.fits(row + foot, NOTE_RESERVE)) {
        stopped = true;
        omitted += findings.length - i;
        break;
      }
      w.add(row);
    }
    w.add(foot);
  }
  const quiet = result.skills.length - withFindings.length;
  if (quiet > 0 && !stopped)
    w.add(`${plural(quiet, "skill")} with no findings ${quiet === 1 ? "is" : "are"} not listed.\n`);
  if (omitted > 0)
    w.add(
      `\n> ${plural(omitted, "more finding")} left out to stay within the size limit; the SARIF file and the JSON report list them all.\n`,
    );
  return w.toString();
}
