import { CAPABILITY_WORDS, HIGH_RISK } from "./capabilities.js";
import { CHECKS } from "./code-checks.js";
import { findingAt } from "./findings.js";
import type { Finding, SkillReport } from "./types.js";

/**
 * Compares two scans of the same skill (base vs head, last trusted vs new). New high-risk
 * capabilities, new unlisted hosts or new scripts in a skill that was clean before → SUSPICIOUS
 * with trigger `anomaly`. A skill that was already flagged is judged by its own findings.
 */
export function compareSkills(
  before: SkillReport | undefined,
  after: Pick<SkillReport, "path" | "level" | "capabilities" | "findings" | "hosts" | "scripts">,
): Finding[] {
  if (!before || before.level >= 2) return [];
  const file = after.path === "." ? "SKILL.md" : `${after.path}/SKILL.md`;
  const out: Finding[] = [];
  const place = { file, line: 1, column: 1, context: "file" as const };
  const newCaps = after.capabilities.detected.filter(
    (c) => HIGH_RISK.has(c) && !before.capabilities.detected.includes(c),
  );
  if (newCaps.length) {
    out.push(
      findingAt(CHECKS.anomaly, place, {
        trigger: "anomaly",
        excerpt: `new capabilities: ${newCaps.join(", ")}`,
        explanation: `Before this change the skill did not do this; now it ${newCaps.map((c) => CAPABILITY_WORDS[c]).join(" and ")}.`,
        capabilities: newCaps,
      }),
    );
  }
  const unlisted = new Set(
    after.findings.filter((f) => f.category === "urls" || f.category === "blocklist").map((f) => f.excerpt),
  );
  const newHosts = after.hosts.filter((h) => !before.hosts.includes(h));
  const flaggedNewHosts = newHosts.filter((h) => [...unlisted].some((e) => e.includes(h)));
  if (flaggedNewHosts.length) {
    out.push(
      findingAt(CHECKS.anomalyNewHost, place, {
        trigger: "anomaly",
        excerpt: `new hosts: ${flaggedNewHosts.join(", ")}`,
        explanation: `Before this change the skill did not reach ${flaggedNewHosts.join(", ")}; it could not reach those servers before this change.`,
      }),
    );
  }
  const newScripts = after.scripts.filter((s) => !before.scripts.includes(s));
  if (newScripts.length && after.level >= 2) {
    out.push(
      findingAt(CHECKS.anomalyNewScript, place, {
        trigger: "anomaly",
        excerpt: `new scripts: ${newScripts.join(", ")}`,
        explanation: `This change adds code the skill did not have before (${newScripts.join(", ")}), and that code is flagged.`,
      }),
    );
  }
  return out;
}
