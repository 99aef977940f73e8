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

const DOES_WHAT_IT_SAYS = `${iconOf("LOW_QUALITY")} Safe to install: it does what it says (the notes below say where).`;

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
  // LOW_QUALITY reached by lowering what the skill does as it says is not a metadata problem: the
  // headline says so, and mentions metadata only when there are metadata notes too.
  const lowered = severity === "LOW_QUALITY" && findings.some((f) => f.intent || f.does);
  const metadataNotes = findings.some((f) => !f.intent && !f.does && f.category === "metadata");
  const lines = [
    lowered
      ? `${DOES_WHAT_IT_SAYS}${metadataNotes ? " Its description or metadata needs work." : ""}`
      : HEADLINE[severity ?? "none"],
  ];
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
  // Places, not findings: a described command and the host it names are one place.
  const described = new Set(
    findings.filter((f) => f.intent === "describes").map((f) => `${f.file}:${f.line}`),
  ).size;
  if (described)
    lines.push(
      `It documents attack techniques (${described} place${described === 1 ? "" : "s"}): described, not done.`,
    );
  // Findings lowered because the skill does what it says: say what it does, in its own words.
  const does = new Map<string, number>();
  for (const f of findings) if (f.does) does.set(f.does, (does.get(f.does) ?? 0) + 1);
  for (const [what, n] of [...does].slice(0, 4))
    lines.push(`It ${what} (${n} place${n === 1 ? "" : "s"}), as it says it does.`);
  const serious = findings.filter((f) => f.level !== "LOW_QUALITY");
  if (serious.length) {
    const titles = [...new Set(serious.map((f) => f.title))];
    const shown = titles.slice(0, 3).map(lowerFirst);
    lines.push(
      `What the check found: ${shown.join("; ")}${titles.length > 3 ? `; and ${titles.length - 3} more kinds` : ""} (${serious.length} finding${serious.length === 1 ? "" : "s"}).`,
    );
  } else if (findings.length) {
    const notes = findings.filter((f) => !f.intent && !f.does).length;
    if (notes)
      lines.push(`What the check found: ${notes} metadata note${notes === 1 ? "" : "s"} (${reason}).`);
  }
  return lines;
}

/** "Reads keys" → "reads keys" mid-sentence, but "HTML comment" and "SSH keys" stay as written. */
function lowerFirst(text: string): string {
  return /^.[A-Z]/.test(text) ? text : text.charAt(0).toLowerCase() + text.slice(1);
}
