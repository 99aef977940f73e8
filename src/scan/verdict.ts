import { CAPABILITY_WORDS } from "./capabilities.js";
import { CHECKS } from "./code-checks.js";
import { findingAt } from "./findings.js";
import { matchesAny } from "./glob.js";
import { levelOf, maxSeverity, severityOf } from "./levels.js";
import type { ReviewDecision, ScanConfig } from "./scan-config.js";
import type {
  Capability,
  CapabilityReport,
  Finding,
  LevelNumber,
  QuarantineStatus,
  ReviewStatus,
  Severity,
  SkillReport,
  Trigger,
  Trust,
} from "./types.js";
import { adjust } from "./weigh/adjust.js";

const SKILL_MD_PLACE = (file: string) => ({ file, line: 1, column: 1, context: "file" as const });

/**
 * Applies the repository's silences. RISKY and LOW_QUALITY findings can be silenced with a reason;
 * a silence aimed at a SUSPICIOUS or MALICIOUS finding is ignored and reported (DESIGN "Non-bypassable").
 */
export function applySilences(
  findings: Finding[],
  config: ScanConfig,
  skillDir: string,
  skillMd: string,
): Finding[] {
  if (config.silence.length === 0) return findings;
  const out: Finding[] = [];
  const refused = new Set<string>();
  for (const f of findings) {
    const entry = config.silence.find(
      (s) =>
        (s.rule === f.ruleId || (s.rule.endsWith(".*") && f.ruleId.startsWith(s.rule.slice(0, -1)))) &&
        (!s.paths?.length || matchesAny(f.file, s.paths) || matchesAny(skillDir, s.paths)),
    );
    if (!entry) {
      out.push(f);
      continue;
    }
    if (levelOf(f.level) >= 3) {
      out.push(f);
      refused.add(entry.rule);
    }
  }
  for (const rule of refused) {
    out.push(
      findingAt(CHECKS.silenceRefused, SKILL_MD_PLACE(skillMd), {
        excerpt: `silence: rule ${rule}`,
        explanation: `${CHECKS.silenceRefused.explanation} (rule ${rule})`,
      }),
    );
  }
  return out;
}

/**
 * Detected-but-undeclared high-risk capabilities raise the level one step, never above SUSPICIOUS on
 * that ground — and never into quarantine on RISKY findings alone: a documented `>> ~/.bashrc` next
 * to an official installer is a skill to confirm, not to block. LOW_QUALITY may still become RISKY.
 */
export function undeclaredFinding(
  caps: CapabilityReport,
  findings: Finding[],
  skillMd: string,
  description: string | undefined,
): Finding | undefined {
  if (caps.undeclared.length === 0) return undefined;
  const current = findings.reduce<Severity | null>((acc, f) => maxSeverity(acc, f.level), null);
  const raised = severityOf(Math.min(levelOf(current) + 1, 2));
  if (!raised || levelOf(raised) <= levelOf(current)) return undefined;
  const what = caps.undeclared.map((c) => CAPABILITY_WORDS[c]).join(", ");
  return findingAt({ ...CHECKS.undeclared, level: raised }, SKILL_MD_PLACE(skillMd), {
    excerpt: `undeclared: ${caps.undeclared.join(", ")}`,
    explanation: `${description ? `The skill says it is for: "${description.slice(0, 120)}". ` : ""}But it ${what}, and says nothing about that.`,
  });
}

/**
 * A skill whose description says it schedules jobs or configures the agent (hooks, settings) is
 * expected to do so: a SUSPICIOUS persistence or agent-configuration finding whose own capability is
 * declared weighs one level less (RISKY: the user confirms), and what comes with it (a hook starts
 * again every session, a cron entry is a file outside the skill) no longer counts as undeclared.
 * Anything MALICIOUS — what the job or hook actually runs, a download, a secret sent away — is
 * untouched, and so is every finding of another kind.
 */
export function weighDeclared(
  findings: Finding[],
  caps: CapabilityReport,
  /** Capabilities script analysis saw; they always count. */
  used: Iterable<Capability> = [],
): { findings: Finding[]; caps: CapabilityReport } {
  const weighed = new Set<Capability>();
  const shownElsewhere = new Set<Capability>(used);
  const out = findings.map((f) => {
    const own = DECLARABLE[f.category];
    if (f.level !== "SUSPICIOUS" || !own || !caps.declared.includes(own)) {
      for (const c of f.capabilities ?? []) shownElsewhere.add(c);
      return f;
    }
    for (const c of f.capabilities ?? []) weighed.add(c);
    return adjust(f, "RISKY", `the skill says it does this (declared: ${own})`);
  });
  // A capability stays undeclared when any finding that was not weighed down also shows it.
  const explained = (c: Capability) => weighed.has(c) && !shownElsewhere.has(c);
  return { findings: out, caps: { ...caps, undeclared: caps.undeclared.filter((c) => !explained(c)) } };
}

const DECLARABLE: Record<string, Capability | undefined> = {
  persistence: "persistence",
  "agent-tampering": "agent-config",
};

export interface Verdict {
  level: LevelNumber;
  severity: Severity | null;
  trigger: Trigger | null;
  quarantineStatus: QuarantineStatus;
  trust: Trust;
  /** Set when an accepted-findings entry decided the verdict. */
  accepted?: SkillReport["accepted"];
}

/** Who publishes the skill, given by the surface, and the operator's verified publishers. */
export interface PublisherInput {
  publisher?: string;
  verifiedPublishers: readonly string[];
}

/**
 * The trust tier, decided after the level and from other inputs, so it cannot change the level:
 * - audited: a reviewer's decision for this exact content took effect and vouched for it (approved or
 *   downgraded). A rejection is a decision too, but it vouches for nothing, and an approval of
 *   MALICIOUS content is not applied (see decide), so neither makes a skill audited.
 * - verified-publisher: the publisher is on the operator's list (logins compare case-insensitively).
 * - unverified: everything else.
 */
export function trustTier(
  reviewStatus: ReviewStatus,
  decision: ReviewDecision | undefined,
  who: PublisherInput,
): Trust {
  if (decision && (reviewStatus === "approved" || reviewStatus === "downgraded"))
    return { tier: "audited", by: decision.by, at: decision.at ?? null };
  const publisher = who.publisher?.trim();
  if (publisher && who.verifiedPublishers.includes(publisher.toLowerCase()))
    return { tier: "verified-publisher", by: publisher, at: null };
  return { tier: "unverified", by: null, at: null };
}

function triggerOf(f: Finding): Trigger {
  if (f.trigger) return f.trigger;
  if (f.category === "blocklist") return "blocklist";
  if (f.category === "anomaly") return "anomaly";
  if (f.category === "reports") return "user-reports";
  if (f.category === "metadata" && f.level === "LOW_QUALITY") return "metadata";
  return "security-scan";
}

/** Sorts most severe first, then by confidence, then by place. */
export function sortFindings(findings: Finding[]): Finding[] {
  const conf = { high: 0, medium: 1, low: 2 };
  return findings.sort(
    (a, b) =>
      levelOf(b.level) - levelOf(a.level) ||
      conf[a.confidence] - conf[b.confidence] ||
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column,
  );
}

/**
 * Findings (sorted) → the level, trigger, quarantine status and trust tier, with a reviewer's decision
 * for this exact content and the skill's publisher.
 */
export function decide(
  sorted: Finding[],
  decision: ReviewDecision | undefined,
  who: PublisherInput = { verifiedPublishers: [] },
): Verdict {
  const top = sorted[0];
  let severity: Severity | null = top?.level ?? null;
  let reviewStatus: ReviewStatus = levelOf(severity) >= 3 ? "pending" : "none";
  let reason = top ? top.title : "No problems found";
  let accepted: Verdict["accepted"];
  // An accepted-findings entry covers the level it accepted, not a worse one (new rules, a blocklist).
  const covered = !decision?.accepted || levelOf(severity) <= levelOf(decision.accepted.level);
  if (decision && covered) {
    if (decision.accepted && decision.decision === "approved" && severity !== "MALICIOUS") {
      const a = decision.accepted;
      accepted = { by: decision.by, at: a.at, reason: a.reason, level: a.level, source: a.source };
      reason = `Accepted by ${decision.by} on ${a.at}: ${a.reason} (was: ${reason})`;
      severity = null;
      reviewStatus = "approved";
    } else if (decision.decision === "approved" && severity !== "MALICIOUS") {
      reason = `Approved by reviewer @${decision.by} (was: ${reason})`;
      severity = null;
      reviewStatus = "approved";
    } else if (decision.decision === "downgraded" && decision.level) {
      reason = `Downgraded to ${decision.level} by reviewer @${decision.by} (was: ${reason})`;
      severity = decision.level === "none" ? null : decision.level;
      reviewStatus = "downgraded";
    } else if (decision.decision === "rejected") {
      reason = `Rejected by reviewer @${decision.by}: ${reason}`;
      severity = maxSeverity(severity, "SUSPICIOUS");
      reviewStatus = "rejected";
    }
  }
  const level = levelOf(severity);
  return {
    level,
    severity,
    trigger: top && severity ? triggerOf(top) : null,
    quarantineStatus: { quarantined: level >= 3, severity, reason, reviewStatus },
    trust: trustTier(reviewStatus, decision, who),
    ...(accepted ? { accepted } : {}),
  };
}

/** The sentence every report shows for an accepted-findings entry that decided a verdict. */
export function acceptedLine(a: NonNullable<SkillReport["accepted"]>): string {
  return `Accepted by ${a.by} on ${a.at}: ${a.reason} (${a.source}, level ${a.level}, bound to this exact content).`;
}
