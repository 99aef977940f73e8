import type { SkillIdentity, TextFile } from "../analyze/analysis-context.js";
import type { DomainData } from "../ruleset.js";
import type { ScanConfig } from "../scan-config.js";
import type { Capability, CapabilityReport, Finding, Manifest, SkillReport } from "../types.js";

// What a weighing stage is, apart from the list of stages (index.ts): a stage module imports this,
// never the pipeline that imports it.

export interface WeighInput {
  config: ScanConfig;
  /** The skill's folder relative to the scanned root, and its SKILL.md path. */
  skillDir: string;
  skillMd: string;
  manifest: Manifest;
  /** Capabilities script analysis saw without a finding of their own (network, shell). */
  used: ReadonlySet<Capability>;
  /** The skill's text files by path relative to the scanned root, for stages that read a passage. */
  texts: ReadonlyMap<string, TextFile>;
  /** Who the skill says it is, as detection read it from SKILL.md (stages derive it when absent). */
  identity?: SkillIdentity;
  /** The host lists of rules/domains.yml (throwaway top-level domains among them), when loaded. */
  domains?: DomainData;
  hosts: readonly string[];
  scripts: readonly string[];
  /** The same skill's earlier scan (pull request base, last trusted version), when there is one. */
  before?: SkillReport;
}

export interface Weighed {
  findings: Finding[];
  caps: CapabilityReport;
}

export interface Stage {
  /** Short name, for tests and the bench's budget. */
  name: string;
  run(w: Weighed, input: WeighInput): Weighed;
}
