import type { Severity } from "./types.js";

// How each level is shown on every surface, in one table (DESIGN "Quarantine levels"): the icon in
// text, job summaries, check runs and appeal issues; the annotation and SARIF levels; the check run's
// conclusion. Surfaces read it; none keeps a table of its own.

export type LevelKey = Severity | "none";

export interface LevelPresentation {
  icon: string;
  /** What the level means for installing the skill, in a few words. */
  meaning: string;
  annotation: "error" | "warning" | "notice";
  sarif: "error" | "warning" | "note";
  conclusion: "success" | "failure" | "neutral" | "action_required";
}

export const PRESENTATION: Readonly<Record<LevelKey, LevelPresentation>> = {
  MALICIOUS: {
    icon: "❌",
    meaning: "never installable",
    annotation: "error",
    sarif: "error",
    conclusion: "failure",
  },
  SUSPICIOUS: {
    icon: "❌",
    meaning: "blocked until a reviewer decides",
    annotation: "error",
    sarif: "error",
    conclusion: "action_required",
  },
  RISKY: {
    icon: "⚠️",
    meaning: "installable after explicit confirmation",
    annotation: "warning",
    sarif: "warning",
    conclusion: "neutral",
  },
  LOW_QUALITY: {
    icon: "ℹ️",
    meaning: "installable, metadata needs work",
    annotation: "notice",
    sarif: "note",
    conclusion: "success",
  },
  none: { icon: "✅", meaning: "installable", annotation: "notice", sarif: "note", conclusion: "success" },
};

export const presentationOf = (severity: Severity | null | undefined): LevelPresentation =>
  PRESENTATION[severity ?? "none"];

export const iconOf = (severity: Severity | null | undefined): string => presentationOf(severity).icon;
