import type { ContextOf } from "../markdown/context.js";
import type { StageClock } from "../profile.js";
import type { TextKind } from "../rules/schema.js";
import type { RuleSet } from "../ruleset.js";
import type { ScanConfig } from "../scan-config.js";
import type { LineIndex } from "../text/lines.js";
import type { Capability, Finding } from "../types.js";

/** One decoded text file of a skill, as every analyzer sees it. */
export interface TextFile {
  /** Path relative to the scanned root (what reports show). */
  path: string;
  /** Path relative to the skill's folder. */
  skillPath: string;
  kind: TextKind;
  text: string;
  lines: LineIndex;
  /**
   * The Markdown context of an offset (Markdown files only), parsed on first use: most files never
   * have a match whose weight depends on context, and parsing Markdown is a costly step of a scan.
   */
  contextAt?: ContextOf;
  /** For SKILL.md: where the body starts; text before it is frontmatter. */
  bodyOffset?: number;
}

/** Script analysis plugged in by the caller (tree-sitter grammars are loaded outside the pure core). */
export interface ScriptAnalyzer {
  analyze(file: TextFile, ctx: AnalysisContext): Finding[];
  /** Findings plus capabilities that are no finding on their own (`shell` for a call to soffice). */
  analyzeDetailed?(file: TextFile, ctx: AnalysisContext): { findings: Finding[]; capabilities: Capability[] };
}

export interface AnalysisContext {
  ruleSet: RuleSet;
  config: ScanConfig;
  /** Hosts allowed for this scan: the default allowlist plus the config's. */
  isAllowedHost(host: string): boolean;
  scriptAnalyzer?: ScriptAnalyzer;
  /** The skill being scanned, as its frontmatter names it: who counts as its vendor (provenance.ts). */
  skill?: SkillIdentity;
  /** ScanOptions.profile: where each stage's time is charged, when the caller measures. */
  clock?: StageClock;
}

/** What the skill says it is: words a vendor's domain or a publisher's repository may be named after. */
export interface SkillIdentity {
  /** From the skill's name and its metadata (author, publisher, homepage, repository…). */
  names: string[];
  /** From the description: the products the skill is about. */
  subjects: string[];
  /** Adjacent description words joined ("Ghost Security" → ghostsecurity), for organisation names. */
  pairs: string[];
  /** Every word of the name and description from two letters ("uv", "gh", "az"), stop words left out. */
  words?: string[];
  /**
   * Commands SKILL.md's own code runs (`uv build`, `mise trust`): a well-known installer of one of them
   * installs what the skill uses, even when its name and description do not name it.
   */
  runs?: string[];
}
