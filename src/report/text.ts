import type { Finding, ScanResult, Severity, SkillReport } from "../scan/index.js";
import { trustText } from "../scan/index.js";
import { adjustmentLines } from "./adjustments.js";

export interface TextOptions {
  color: boolean;
  /** Only the L1 lines and the totals. */
  quiet?: boolean;
}

const CODES: Record<Severity | "none", string> = {
  MALICIOUS: "\u001b[1;31m",
  SUSPICIOUS: "\u001b[31m",
  RISKY: "\u001b[33m",
  LOW_QUALITY: "\u001b[36m",
  none: "\u001b[32m",
};
const RESET = "\u001b[0m";
const DIM = "\u001b[2m";

// Excerpts come from the skill author: strip terminal control sequences so they cannot repaint the screen.
export function safeForTerminal(s: string): string {
  return s.replace(
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

function paint(opts: TextOptions, code: string, s: string): string {
  return opts.color ? `${code}${s}${RESET}` : s;
}

function findingLines(f: Finding, opts: TextOptions): string[] {
  const lines = [
    `  ${paint(opts, CODES[f.level], f.level.padEnd(11))} ${f.file}:${f.line}:${f.column}  ${f.title} ${paint(opts, DIM, `[${f.ruleId}]`)}`,
  ];
  if (f.excerpt) lines.push(`              ${paint(opts, DIM, "│")} ${safeForTerminal(f.excerpt)}`);
  for (const part of f.explanation.split("\n"))
    lines.push(`              ${paint(opts, DIM, "│")} ${safeForTerminal(part)}`);
  if (f.related?.length) {
    for (const r of f.related)
      lines.push(
        `              ${paint(opts, DIM, "│")} see ${r.file}:${r.line}: ${safeForTerminal(r.note)}`,
      );
  }
  for (const a of adjustmentLines(f))
    lines.push(`              ${paint(opts, DIM, `│ level ${safeForTerminal(a)}`)}`);
  lines.push(`              ${paint(opts, DIM, "│")} fix: ${safeForTerminal(f.remediation)}`);
  return lines;
}

export function renderSkillText(s: SkillReport, opts: TextOptions): string {
  const sev = s.severity ?? "none";
  const head = `${paint(opts, CODES[sev], `■ ${s.id}`)}  ${paint(opts, DIM, `(${s.path === "." || s.id.endsWith(s.path) ? "" : `${s.path}, `}quality ${s.qualityScore}/100)`)}  ${safeForTerminal(trustText(s.trust))}`;
  const lines = [head, ...s.summary.map((l) => `  ${safeForTerminal(l)}`)];
  if (!opts.quiet && s.findings.length) {
    lines.push("");
    lines.push(
      `  Declared: ${s.capabilities.declared.join(", ") || "nothing"} · Detected: ${s.capabilities.detected.join(", ") || "nothing"}`,
    );
    for (const f of s.findings) lines.push(...findingLines(f, opts));
  }
  return lines.join("\n");
}

export function renderTotals(result: ScanResult, opts: TextOptions): string {
  const t = result.totals;
  const parts = (["MALICIOUS", "SUSPICIOUS", "RISKY", "LOW_QUALITY", "none"] as const)
    .filter((k) => t.bySeverity[k] > 0)
    .map((k) => paint(opts, CODES[k], `${t.bySeverity[k]} ${k === "none" ? "clean" : k}`));
  // The levels count skills, not findings: the findings' total goes last, in parentheses.
  const findings = `${t.findings} finding${t.findings === 1 ? "" : "s"}`;
  return `${t.skills} skill${t.skills === 1 ? "" : "s"} scanned${parts.length ? `: ${parts.join(", ")} (${findings})` : ""}.`;
}

/** L1 then L2 for every skill, then the totals. */
export function renderText(result: ScanResult, opts: TextOptions): string {
  const out = result.skills.map((s) => renderSkillText(s, opts));
  for (const e of result.errors) out.push(`error: ${e}`);
  if (result.skills.length === 0) out.push("No SKILL.md found: nothing to scan.");
  out.push(renderTotals(result, opts));
  return `${out.join("\n\n")}\n`;
}
