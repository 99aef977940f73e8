// The contract every surface shares (DESIGN "Quarantine levels"). Keep this file free of logic.

export const SEVERITIES = ["LOW_QUALITY", "RISKY", "SUSPICIOUS", "MALICIOUS"] as const;
export type Severity = (typeof SEVERITIES)[number];
/** 0 = none, 1 = LOW_QUALITY … 4 = MALICIOUS */
export type LevelNumber = 0 | 1 | 2 | 3 | 4;

export const TRIGGERS = ["security-scan", "blocklist", "anomaly", "metadata", "user-reports"] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const REVIEW_STATUSES = ["none", "pending", "approved", "rejected", "downgraded"] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export type Confidence = "high" | "medium" | "low";

/**
 * How far a skill is vouched for, shown beside its level (never instead of it): `unverified` (the
 * default), `verified-publisher` (its publisher is on the operator's list), `audited` (a reviewer's
 * decision bound to this exact content hash). A tier never changes a level.
 */
export const TRUST_TIERS = ["unverified", "verified-publisher", "audited"] as const;
export type TrustTier = (typeof TRUST_TIERS)[number];

export interface Trust {
  tier: TrustTier;
  /** verified-publisher: the publisher (owner or organisation); audited: the reviewer; else null. */
  by: string | null;
  /** audited: when the reviewer decided (ISO 8601); else null. */
  at: string | null;
}

/** Where in a file a finding sits; Markdown context changes how much a match weighs. */
export type TextContext =
  | "prose"
  | "code-block"
  | "inline-code"
  | "link"
  | "html-comment"
  | "frontmatter"
  | "script"
  | "file";

export const CAPABILITIES = [
  "network",
  "shell",
  "read-outside",
  "secrets",
  "write-outside",
  "persistence",
  "agent-config",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface RelatedLocation {
  file: string;
  line: number;
  column?: number;
  note: string;
}

export interface Finding {
  ruleId: string;
  title: string;
  level: Severity;
  category: string;
  /** Path relative to the scanned root (POSIX separators). */
  file: string;
  line: number;
  column: number;
  endLine?: number;
  excerpt: string;
  explanation: string;
  remediation: string;
  confidence: Confidence;
  context: TextContext;
  /** Set when the finding was made on decoded or hidden text; the excerpt then shows the decoded form. */
  decoded?: { encoding: string; text: string };
  related?: RelatedLocation[];
  references?: string[];
  /** Capabilities this finding proves the skill has. */
  capabilities?: Capability[];
  /** Every change of this finding's level (context, policy, a weighing stage), in the order made. */
  adjustments?: Adjustment[];
  /** Set when the passage describes the technique (a guide, a detection rule) rather than directs it. */
  intent?: "describes";
  /**
   * What the skill does here, in words, when the finding was lowered because the skill only does what
   * it says ("installs aspire from its vendor (aspire.dev)"); the summary quotes it.
   */
  does?: string;
  trigger?: Trigger;
  /**
   * What the detector saw about this match that bears on its weight (quoted, an illustration, whose
   * server it comes from). Detectors only record it; the first weighing stage (weigh/match-context.ts)
   * turns it into levels and removes it, so it never reaches a report.
   */
  observed?: Observation[];
}

/**
 * One fact about a match, recorded by the detector that found it, in the order seen. `where` says who
 * saw it: the instruction rules reading Markdown, or a code block's syntax tree.
 */
export type Observation =
  /** In Markdown code or in quotation marks, not an order (a code block: a technique guides quote). */
  | { seen: "quoted"; where: "text" | "code-block" }
  /** It cannot run as written: its host is a reserved example name or it holds a placeholder. */
  | { seen: "illustration"; where: "text" | "code-block" }
  /** In a code block, a saved download run, or code from a server the text does not name. */
  | { seen: "saved-download" }
  /** Where what is fetched or sent comes from (analyze/provenance.ts), and the most each tier keeps. */
  | { seen: "origin"; origin: Origin; official: Severity; unknown?: Severity }
  /** A token with a generic name sent to the vendor the skill is named for. */
  | { seen: "own-vendor-token"; names: string; host: string; origin: Origin }
  /** A container whose content was all read, or that is a document format and not an archive. */
  | { seen: "contents-checked"; why: string };

/** Who controls a host (analyze/provenance.ts `Provenance`, as a finding records it). */
export interface Origin {
  tier: "official" | "personal" | "unknown";
  host: string;
  /** Plain words for the finding's adjustment: "installs aspire from its vendor (aspire.dev)". */
  why: string;
  /**
   * Set (to the tool's name) when the source is official AND the skill says it is about what it
   * installs: the vendor's own domain named exactly after the skill, a well-known installer host
   * serving a tool the skill names, an official owner's repository of such a tool, or the publisher's
   * own repository. Such an install is what the skill says it does (LOW_QUALITY); an official source
   * for something the skill does not name stays a risk to confirm (RISKY).
   */
  declared?: string;
}

export interface Adjustment {
  from: Severity;
  to: Severity;
  why: string;
}

export interface QuarantineStatus {
  quarantined: boolean;
  severity: Severity | null;
  reason: string;
  reviewStatus: ReviewStatus;
}

export interface Manifest {
  name?: string;
  description?: string;
  license?: string;
  compatibility?: string;
  metadata?: Record<string, string>;
  allowedTools?: string[];
  /** Keys outside the spec, reported as a notice. */
  unknownKeys: string[];
  /** The raw frontmatter object as parsed (L3). */
  raw: Record<string, unknown> | null;
}

export interface CapabilityReport {
  declared: Capability[];
  detected: Capability[];
  /** Detected high-risk capabilities the skill does not declare. */
  undeclared: Capability[];
}

export interface SkillReport {
  id: string;
  quarantineStatus: QuarantineStatus;
  /** The skill's folder relative to the scanned root ("." when the root is the skill). */
  path: string;
  name: string;
  level: LevelNumber;
  severity: Severity | null;
  trust: Trust;
  qualityScore: number;
  trigger: Trigger | null;
  contentHash: string;
  capabilities: CapabilityReport;
  /** URL hosts referenced by the skill (used by anomaly comparison). */
  hosts: string[];
  /** Script files in the skill (used by anomaly comparison). */
  scripts: string[];
  findings: Finding[];
  /** L1: plain sentences for people who never read JSON. */
  summary: string[];
  manifest: Manifest;
  stats: { files: number; bytes: number };
  /** The accepted-findings entry that decided this verdict (bound to `contentHash`), when one did. */
  accepted?: { by: string; at: string; reason: string; level: Severity; source: string };
}

export interface ScanResult {
  tool: { name: "skill-quarantine"; version: string };
  root: string;
  skills: SkillReport[];
  /** Problems with the scan itself (not with a skill), e.g. an unreadable root. */
  errors: string[];
  totals: { skills: number; findings: number; bySeverity: Record<Severity | "none", number> };
}
