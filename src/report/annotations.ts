import type { Finding, ScanResult, Severity } from "../scan/index.js";
import { levelOf, PRESENTATION } from "../scan/index.js";
import { adjustmentLines } from "./adjustments.js";

// Findings as line annotations, shared by the Action (workflow commands through @actions/core) and
// the App (check-run annotations). Pure: no @actions/core here, so the App can import it.

export type AnnotationLevel = "error" | "warning" | "notice";

export interface AnnotationRecord {
  /** The finding's level: each surface shows it through PRESENTATION (no surface converts `level`). */
  severity: Severity;
  /** The Action's annotation level, PRESENTATION[severity].annotation. */
  level: AnnotationLevel;
  /** Path relative to the repository root (POSIX separators). */
  file: string;
  startLine: number;
  endLine: number;
  startColumn: number;
  /** Rule id and title. */
  title: string;
  /** Plain text: what was found, why it matters, how to fix it. */
  message: string;
}

export const ANNOTATION_LEVEL = (severity: Severity): AnnotationLevel => PRESENTATION[severity].annotation;

/**
 * GitHub shows at most 10 error, 10 warning and 10 notice annotations per step (and 50 per job);
 * the rest are dropped without a word. Source: actions/toolkit `docs/problem-matchers.md`,
 * section "Limitations" ("10 warning annotations, 10 error annotations, and 10 notice annotations
 * per step; 50 annotations per job").
 */
export const ANNOTATIONS_PER_LEVEL_PER_STEP = 10;

/** Joins the scanned folder (relative to the repository root, "" or "." for the root) and a file under it. */
export function repoPath(prefix: string | undefined, file: string): string {
  const p = (prefix ?? "")
    .replace(/\\/g, "/")
    .replace(/^\.\/?/, "")
    .replace(/\/+$/, "");
  const f = file.replace(/\\/g, "/").replace(/^\.\//, "");
  return p ? `${p}/${f}` : f;
}

/** Most severe first; then by file, line and column so the order is stable across runs. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    levelOf(b.level) - levelOf(a.level) ||
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)
  );
}

import { surfaceLocation } from "./archive-members.js";

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

function message(f: Finding): string {
  const parts = [`${f.level}: ${oneLine(f.explanation)}`];
  if (f.excerpt) parts.push(`Found: ${oneLine(f.excerpt)}`);
  for (const a of adjustmentLines(f)) parts.push(`Level changed ${a}`);
  if (f.remediation) parts.push(`Fix: ${oneLine(f.remediation)}`);
  return parts.join("\n");
}

export interface AnnotationOptions {
  /** The scanned folder relative to the repository root, so `file` is repository-relative. */
  pathPrefix?: string;
}

/** Every finding of every skill as an annotation record, most severe first. */
export function annotationsFor(result: ScanResult, opts: AnnotationOptions = {}): AnnotationRecord[] {
  const findings = result.skills.flatMap((s) => s.findings);
  return findings
    .slice()
    .sort(compareFindings)
    .map((f) => {
      const at = surfaceLocation(f.file, f.line, f.column, f.endLine);
      const startLine = Math.max(1, at.line);
      return {
        severity: f.level,
        level: ANNOTATION_LEVEL(f.level),
        file: repoPath(opts.pathPrefix, at.file),
        startLine,
        endLine: Math.max(startLine, at.endLine ?? startLine),
        startColumn: Math.max(1, at.column),
        title: `${f.ruleId}: ${oneLine(f.title)}`,
        message: at.prefix + message(f),
      };
    });
}

export interface LimitedAnnotations {
  shown: AnnotationRecord[];
  /** Records left out, per level. */
  omitted: Record<AnnotationLevel, number>;
  omittedTotal: number;
}

/**
 * Keeps the first `perLevel` records of each level (input must be sorted most severe first). When
 * anything is left out, one notice slot is kept free so the caller can say how many more there are.
 */
export function limitAnnotations(
  records: AnnotationRecord[],
  perLevel = ANNOTATIONS_PER_LEVEL_PER_STEP,
): LimitedAnnotations {
  const count: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  for (const r of records) count[r.level]++;
  const overflow = (["error", "warning", "notice"] as const).some((l) => count[l] > perLevel);
  const cap: Record<AnnotationLevel, number> = {
    error: perLevel,
    warning: perLevel,
    notice: overflow ? Math.max(0, perLevel - 1) : perLevel,
  };
  const used: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  const shown: AnnotationRecord[] = [];
  for (const r of records) {
    if (used[r.level] < cap[r.level]) {
      used[r.level]++;
      shown.push(r);
    }
  }
  const omitted = {
    error: count.error - used.error,
    warning: count.warning - used.warning,
    notice: count.notice - used.notice,
  };
  return { shown, omitted, omittedTotal: omitted.error + omitted.warning + omitted.notice };
}
