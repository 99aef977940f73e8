// The one limits policy every FileSet and the core share. A skill is read whole up to these sizes:
// anything a source keeps, the core reads whole, and anything past a limit (a file not read whole,
// files not read, a folder not entered, a listing stopped) is a SUSPICIOUS finding for a reviewer,
// never a quiet pass. The numbers are generous because the scanner is linear in its input (see the
// limits section of README for the measurements behind them).

const MiB = 1024 * 1024;

export const SCAN_LIMITS = Object.freeze({
  /** Bytes of one file read and scanned whole (binary files too: their printable text is scanned). */
  maxFileBytes: 16 * MiB,
  /** Bytes of all of a skill's files together. */
  maxSkillBytes: 64 * MiB,
  /** Entries of one skill that are scanned; past it the rest is only hashed. */
  maxFilesPerSkill: 20_000,
  /** Folder depth below the scanned root that a source enters. */
  maxDepth: 64,
  /** Bytes of a SKILL.md frontmatter block given to the YAML parser (real ones are a few hundred bytes). */
  maxFrontmatterBytes: 64 * 1024,
  /**
   * Lines plus `[ ] { } , & *` characters of a frontmatter block: a cheap upper bound on its YAML
   * nodes. The yaml package is quadratic in nesting, flow items and anchors (1,000 of them cost it
   * about 0.05–0.3 s on a busy machine; 40,000 anchors and aliases took 65 s), so the count is checked before parsing.
   */
  maxFrontmatterNodes: 1000,
  /** `&` plus `*` characters (anchors and aliases) of a frontmatter block. */
  maxFrontmatterRefs: 200,
});
