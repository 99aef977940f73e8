import { z } from "zod";
import { CAPABILITIES, SEVERITIES } from "../types.js";

/** Kinds of text a rule can apply to; a file's kind comes from its name (see text/file-kind.ts). */
export const TEXT_KINDS = [
  "instructions",
  "frontmatter",
  "python",
  "javascript",
  "shell",
  "powershell",
  /** Ruby, Perl, PHP, Lua, Tcl, R, Groovy, AppleScript: script text rules, no syntax tree. */
  "generic-script",
  "markup",
  "data",
] as const;
export type TextKind = (typeof TEXT_KINDS)[number];

/** Shorthands accepted in `appliesTo`. */
export const APPLIES_TO_ALIASES: Record<string, readonly TextKind[]> = {
  scripts: ["python", "javascript", "shell", "powershell", "generic-script"],
  all: TEXT_KINDS,
};

const appliesToValue = z.enum([...TEXT_KINDS, ...(Object.keys(APPLIES_TO_ALIASES) as ["scripts", "all"])]);

const FLAGS = /^[imsu]*$/;

export const ruleSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)+$/, "must be dotted lowercase words, e.g. exfil.curl-upload-file"),
    title: z.string().min(3).max(120),
    category: z.string().min(2).optional(),
    level: z.enum(SEVERITIES),
    confidence: z.enum(["high", "medium", "low"]).default("medium"),
    appliesTo: z.array(appliesToValue).min(1),
    keywords: z.array(z.string().min(2)).min(1, "needs at least one literal keyword for the prefilter"),
    pattern: z.string().min(1),
    /** A match is not a finding when this pattern also matches starting at the match's position. */
    unless: z.string().min(1).optional(),
    flags: z.string().regex(FLAGS, "may only contain i, m, s, u").default("i"),
    /** How a match inside Markdown code or a quotation weighs: keep the level, lower it two steps, or skip it. */
    whenQuoted: z.enum(["keep", "lower", "skip"]).default("keep"),
    /**
     * When every URL in the match is on the allowlist, the finding takes this level instead; `none`:
     * no finding at all (setting a vendor's own or an operator-allowed host is what the feature is for).
     */
    allowlistedHostLevel: z.enum([...SEVERITIES, "none"]).optional(),
    /** With `allowlistedHostLevel`: the most a host of unknown ownership keeps (a personal one keeps `level`). */
    unknownHostLevel: z.enum(SEVERITIES).optional(),
    capabilities: z.array(z.enum(CAPABILITIES)).default([]),
    explanation: z.string().min(10),
    remediation: z.string().min(5),
    references: z.array(z.string()).default([]),
    examples: z.object({
      match: z.array(z.string()).min(1, "needs at least one example the pattern must match"),
      noMatch: z.array(z.string()).min(1, "needs at least one benign look-alike the pattern must not match"),
    }),
  })
  .strict();

export const ruleFileSchema = z
  .object({
    category: z.string().min(2),
    description: z.string().optional(),
    rules: z.array(z.unknown()).min(1),
  })
  .strict();

export type RuleInput = z.input<typeof ruleSchema>;
export type RuleSpec = z.output<typeof ruleSchema> & { category: string };
