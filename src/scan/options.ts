import type { ScriptAnalyzer } from "./analyze/analysis-context.js";
import type { DiscoveredSkill } from "./discover.js";
import type { FileSet } from "./fileset.js";
import type { StageClock } from "./profile.js";
import type { RuleSet } from "./ruleset.js";
import type { ReviewDecision, ScanConfig } from "./scan-config.js";
import type { SkillReport } from "./types.js";

export interface ScanOptions {
  ruleSet: RuleSet;
  config?: ScanConfig;
  /** Tree-sitter script analysis; loaded by the caller because grammars are files outside the skill. */
  scriptAnalyzer?: ScriptAnalyzer;
  /** Name of the scanned folder, used as the namespace of a skill found directly below it. */
  rootName?: string;
  /** Name of the folder above the scanned root, the namespace when the root itself is a skill. */
  rootParentName?: string;
  /** Login of the repository owner / skill author, checked against the blocklist's authors. */
  author?: string;
  /**
   * Who publishes the skills (the repository's owner or organisation): verified-publisher when the
   * operator's `trust.verified-publishers` names it. Given by the surface, never read from the skill.
   */
  publisher?: string;
  /** The same skill's earlier scan (pull request base, push's parent) by its id and name, for anomalies. */
  baselineOf?: (id: string, name: string) => SkillReport | undefined;
  /** Reviewers' decisions, each bound to a skill id and content hash. */
  decisions?: ReviewDecision[];
  /** Skills reported by users: skill id → number of distinct reporters. */
  reports?: Record<string, number>;
  /** Take only skill i of every n (stable by id hash): `{ index: 1, count: 4 }` is shard 1/4. */
  shard?: { index: number; count: number };
  /** Called once with entries a source refused outside any skill (they cannot be findings of a skill). */
  onUnscanned?: (problems: string[]) => void;
  /** Called after each skill with the number done and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Charges each stage's time to this clock (the benchmark's budget); a scan without it reads no clock. */
  profile?: StageClock;
  /**
   * Where each skill is scanned (a worker pool, src/node/skill-runner.ts), decided once the skills
   * (and their sizes) are known. Default: one after the other in this thread. Reports still leave in discovery
   * order, so the output does not depend on which skill finishes first.
   */
  runner?: (skills: DiscoveredSkill[]) => SkillScanner;
}

/** Scans one discovered skill somewhere; `concurrency` skills may be in flight at once. */
export interface SkillScanner {
  concurrency: number;
  scan(skill: DiscoveredSkill, fs: FileSet, opts: ScanOptions): Promise<SkillReport>;
}
