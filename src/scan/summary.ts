import { CAPABILITY_WORDS } from "./capabilities.js";
import { iconOf } from "./presentation.js";
import type { CapabilityReport, Finding, Severity } from "./types.js";

const HEADLINE: Record<Severity | "none", string> = {
  MALICIOUS: `${iconOf("MALICIOUS")} MALICIOUS: do not install. This skill does something harmful.`,
  SUSPICIOUS: `${iconOf("SUSPICIOUS")} SUSPICIOUS: blocked until a reviewer decides.`,
  RISKY: `${iconOf("RISKY")} RISKY: install only if you trust where it comes from.`,
  LOW_QUALITY: `${iconOf("LOW_QUALITY")} Safe to install, but its description or metadata needs work.`,
  none: `${iconOf(null)} No problems found.`,
};

function firstSentence(s: string): string {
  const t = s.replace(/\s+/g, " ").trim();
  const end = t.search(/[.!?](\s|$)/);
  const one = end > 0 ? t.slice(0, end) : t;
  return one.length > 140 ? `${one.slice(0, 137)}…` : one;
}

/** L1: a few plain sentences, framed as the gap between what the skill says and what it does. */
export function summarise(
  severity: Severity | null,
  description: string | undefined,
  caps: CapabilityReport,
  findings: Finding[],
  reason: string,
): string[] {
  const lines = [HEADLINE[severity ?? "none"]];
  const purpose = description ? firstSentence(description) : undefined;
  lines.push(
    purpose
      ? `What it says it does: ${purpose}${/[.…!?]$/.test(purpose) ? "" : "."}`
      : "It does not say what it is for (no description).",
  );
  lines.push(
    caps.detected.length
      ? `What it can do: it ${caps.detected.map((c) => CAPABILITY_WORDS[c]).join("; it ")}.`
      : "What it can do: nothing beyond giving the agent instructions.",
  );
  if (caps.undeclared.length) {
    const gap = caps.undeclared.map((c) => CAPABILITY_WORDS[c]).join(" and ");
    lines.push(
      purpose
        ? `This is unusual for a skill that says "${lowerFirst(purpose)}": it ${gap}.`
        : `It ${gap}, without saying so.`,
    );
  }
  const described = findings.filter((f) => f.intent === "describes").length;
  if (described)
    lines.push(
      `It documents attack techniques (${described} place${described === 1 ? "" : "s"}): described, not done, so they count as RISKY at most.`,
    );
  const serious = findings.filter((f) => f.level !== "LOW_QUALITY");
  if (serious.length) {
    const titles = [...new Set(serious.map((f) => f.title))];
    const shown = titles.slice(0, 3).map(lowerFirst);
    lines.push(
      `What the check found: ${shown.join("; ")}${titles.length > 3 ? `; and ${titles.length - 3} more kinds` : ""} (${serious.length} finding${serious.length === 1 ? "" : "s"}).`,
    );
  } else if (findings.length) {
    lines.push(
      `What the check found: ${findings.length} metadata note${findings.length === 1 ? "" : "s"} (${reason}).`,
    );
  }
  return lines;
}

/** "Reads keys" → "reads keys" mid-sentence, but "HTML comment" and "SSH keys" stay as written. */
function lowerFirst(text: string): string {
  return /^.[A-Z]/.test(text) ? text : text.charAt(0).toLowerCase() + text.slice(1);
}
