import type { Severity, Trust, TrustTier } from "./types.js";

// How each level is shown on every surface, in one table (DESIGN "Quarantine levels"): the icon in
// text, job summaries, check runs and appeal issues; the Action's and the check run's annotation
// levels; the SARIF level; the check run's conclusion. Surfaces read it; none keeps a table of its own.

export type LevelKey = Severity | "none";

export interface LevelPresentation {
  icon: string;
  /** What the level means for installing the skill, in a few words. */
  meaning: string;
  /** The Action's workflow-command annotation (`::error`, `::warning`, `::notice`). */
  annotation: "error" | "warning" | "notice";
  /** The Checks API's `annotation_level` on a check run. */
  checkAnnotation: "failure" | "warning" | "notice";
  sarif: "error" | "warning" | "note";
  conclusion: "success" | "failure" | "neutral" | "action_required";
}

export const PRESENTATION: Readonly<Record<LevelKey, LevelPresentation>> = {
  MALICIOUS: {
    icon: "❌",
    meaning: "never installable",
    annotation: "error",
    checkAnnotation: "failure",
    sarif: "error",
    conclusion: "failure",
  },
  SUSPICIOUS: {
    icon: "❌",
    meaning: "blocked until a reviewer decides",
    annotation: "error",
    checkAnnotation: "failure",
    sarif: "error",
    conclusion: "action_required",
  },
  RISKY: {
    icon: "⚠️",
    meaning: "installable after explicit confirmation",
    annotation: "warning",
    checkAnnotation: "warning",
    sarif: "warning",
    conclusion: "neutral",
  },
  LOW_QUALITY: {
    icon: "ℹ️",
    meaning: "installable, metadata needs work",
    annotation: "notice",
    checkAnnotation: "notice",
    sarif: "note",
    conclusion: "success",
  },
  none: {
    icon: "✅",
    meaning: "installable",
    annotation: "notice",
    checkAnnotation: "notice",
    sarif: "note",
    conclusion: "success",
  },
};

export const presentationOf = (severity: Severity | null | undefined): LevelPresentation =>
  PRESENTATION[severity ?? "none"];

export const iconOf = (severity: Severity | null | undefined): string => presentationOf(severity).icon;

// How each trust tier is shown beside the level, on every surface (text, Markdown job summary and
// check run, SARIF messages): a coloured marker and the words. Markers are circles so they never read
// as a level's ✅ / ⚠️ / ❌.

export interface TrustPresentation {
  marker: string;
  words: string;
}

export const TRUST_PRESENTATION: Readonly<Record<TrustTier, TrustPresentation>> = {
  unverified: { marker: "🟡", words: "unverified" },
  "verified-publisher": { marker: "🟢", words: "verified publisher" },
  audited: { marker: "🔵", words: "audited" },
};

/** A report written before tiers existed (e.g. read back by `merge`) has no trust: unverified. */
const trustOrDefault = (t: Trust | undefined): Trust => t ?? { tier: "unverified", by: null, at: null };

export const trustPresentationOf = (t: Trust | undefined): TrustPresentation =>
  TRUST_PRESENTATION[trustOrDefault(t).tier] ?? TRUST_PRESENTATION.unverified;

/**
 * The tier in words with its marker: "🟡 unverified", "🟢 verified publisher acme",
 * "🔵 audited by @reviewer on 2026-01-02". Plain text: Markdown callers escape it.
 */
export function trustText(t: Trust | undefined): string {
  const trust = trustOrDefault(t);
  const p = trustPresentationOf(trust);
  if (trust.tier === "verified-publisher" && trust.by) return `${p.marker} ${p.words} ${trust.by}`;
  if (trust.tier === "audited") {
    const by = trust.by ? ` by @${trust.by}` : "";
    const at = trust.at ? ` on ${trust.at.slice(0, 10)}` : "";
    return `${p.marker} ${p.words}${by}${at}`;
  }
  return `${p.marker} ${p.words}`;
}
