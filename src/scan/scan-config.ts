import { parse as parseHost } from "tldts";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { SCAN_LIMITS } from "./limits.js";
import { SEVERITIES } from "./types.js";

// One schema for the repo config file (.github/skill-quarantine.yml), CLI flags and Action inputs:
// every surface normalises into ScanConfig through here, so defaults live in one place.

const MiB = 1024 * 1024;

/** The operator's config file, from the repository root (the CLI, the Action and the App read it here). */
export const CONFIG_PATH = ".github/skill-quarantine.yml";
/** Accepted findings for users without the App, read only from the default branch or a pull request's base. */
export const ACCEPTED_PATH = ".github/skill-quarantine-accepted.yml";

export const DEFAULT_LIMITS = {
  maxFileBytes: SCAN_LIMITS.maxFileBytes,
  maxSkillBytes: SCAN_LIMITS.maxSkillBytes,
  maxFilesPerSkill: SCAN_LIMITS.maxFilesPerSkill,
  maxDepth: SCAN_LIMITS.maxDepth,
} as const;

function atLeastDefault(n: number): string {
  return `must be at least ${n} (the default): limits can only be raised, never lowered`;
}

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(\*\.)?[a-z0-9.-]+(:\d+)?$/, "must be a host name such as example.com or *.example.com");

/**
 * Why an allowed-domains entry may not be used, or undefined when it may: an entry whose base is a
 * public suffix (`*.com`, `co.uk`, `*.github.io`, `vercel.app`) would allow every name anyone can
 * register or create under it, attackers' included.
 */
export function allowedDomainProblem(entry: string): string | undefined {
  const base = entry.trim().toLowerCase().replace(/^\*\./, "").replace(/:\d+$/, "");
  const p = parseHost(base, { allowPrivateDomains: true });
  if (p.domain === null && p.publicSuffix === base && (p.isIcann || p.isPrivate))
    return `"${entry}" covers the whole public suffix "${base}", where anyone can register a name; name the vendor's own domain instead (such as vendor.com or *.vendor.com)`;
  return undefined;
}

function refusePublicSuffix(entry: string, ctx: z.RefinementCtx): void {
  const problem = allowedDomainProblem(entry);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
}

/** A GitHub owner or organisation login, as the scanned repository's owner is compared with it. */
const publisher = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/,
    "must be a GitHub owner or organisation login such as acme (no @, no owner/repo)",
  );

export const configFileSchema = z
  .object({
    namespace: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, "must be a single word such as acme")
      .optional(),
    paths: z.array(z.string().min(1)).optional(),
    exclude: z.array(z.string().min(1)).optional(),
    "allowed-domains": z.array(domain.superRefine(refusePublicSuffix)).optional(),
    // Limits may only be raised: a lower limit leaves the rest of a file unread, which is how a
    // payload would hide. A value below the default is an error (not silently raised) so that whoever
    // wrote it learns it has no effect.
    limits: z
      .object({
        "max-file-bytes": z
          .number()
          .int()
          .min(DEFAULT_LIMITS.maxFileBytes, atLeastDefault(DEFAULT_LIMITS.maxFileBytes))
          .max(256 * MiB)
          .optional(),
        "max-skill-bytes": z
          .number()
          .int()
          .min(DEFAULT_LIMITS.maxSkillBytes, atLeastDefault(DEFAULT_LIMITS.maxSkillBytes))
          .max(1024 * MiB)
          .optional(),
        "max-files-per-skill": z
          .number()
          .int()
          .min(DEFAULT_LIMITS.maxFilesPerSkill, atLeastDefault(DEFAULT_LIMITS.maxFilesPerSkill))
          .max(100_000)
          .optional(),
      })
      .strict()
      .optional(),
    silence: z
      .array(
        z
          .object({
            rule: z.string().min(1),
            reason: z.string().trim().min(10, "must explain in a sentence why this rule does not apply"),
            paths: z.array(z.string()).optional(),
          })
          .strict(),
      )
      .optional(),
    blocklist: z
      .object({
        sha256: z.array(z.string().regex(/^[a-f0-9]{64}$/i)).optional(),
        domains: z.array(domain).optional(),
        ips: z.array(z.string()).optional(),
        authors: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
    appeals: z
      .object({ repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "must be owner/name") })
      .strict()
      .optional(),
    reports: z
      .object({ threshold: z.number().int().min(1).max(100) })
      .strict()
      .optional(),
    "fail-on": z.enum([...SEVERITIES, "none"]).optional(),
    // Operator only (config-trust.ts): a repository naming itself a verified publisher is ignored.
    trust: z
      .object({
        "verified-publishers": z.array(publisher).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ConfigFile = z.output<typeof configFileSchema>;

export interface Silence {
  rule: string;
  reason: string;
  paths?: string[];
}

/** A reviewer's decision, bound to one content hash of one skill (see the App's appeals flow). */
export interface ReviewDecision {
  skillId: string;
  contentHash: string;
  decision: "approved" | "rejected" | "downgraded";
  /** For "downgraded": the level the reviewer set. */
  level?: (typeof SEVERITIES)[number] | "none";
  by: string;
  url?: string;
  /** When the reviewer decided (ISO 8601): the `at` of an audited tier. */
  at?: string;
  /**
   * Set for an entry of the accepted-findings file (ACCEPTED_PATH), the reviewer decision of users
   * without the App: an approval that applies only while the skill is at or below `level`.
   */
  accepted?: AcceptedNote;
}

/** An accepted-findings entry as reports show it: "accepted by <by> on <at>: <reason>". */
export interface AcceptedNote {
  /** The level accepted: the verdict it lowers from; a worse verdict is not covered. */
  level: (typeof SEVERITIES)[number];
  reason: string;
  /** The day it was accepted, YYYY-MM-DD. */
  at: string;
  /** Where the entry was read, e.g. `.github/skill-quarantine-accepted.yml@1a2b3c4d5e6f`. */
  source: string;
}

export interface ScanConfig {
  namespace?: string;
  paths: string[];
  exclude: string[];
  allowedDomains: string[];
  limits: { maxFileBytes: number; maxSkillBytes: number; maxFilesPerSkill: number; maxDepth: number };
  silence: Silence[];
  blocklist: { sha256: string[]; domains: string[]; ips: string[]; authors: string[] };
  appealsRepository?: string;
  reportThreshold: number;
  failOn?: (typeof SEVERITIES)[number] | "none";
  /** Lower-cased logins of publishers the operator vouches for (`trust.verified-publishers`). */
  verifiedPublishers: string[];
}

export function defaultConfig(): ScanConfig {
  return {
    paths: [],
    exclude: [],
    allowedDomains: [],
    limits: { ...DEFAULT_LIMITS },
    silence: [],
    blocklist: { sha256: [], domains: [], ips: [], authors: [] },
    reportThreshold: 3,
    verifiedPublishers: [],
  };
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function normaliseConfig(file: ConfigFile, base: ScanConfig = defaultConfig()): ScanConfig {
  return {
    ...base,
    namespace: file.namespace ?? base.namespace,
    paths: file.paths ?? base.paths,
    exclude: [...base.exclude, ...(file.exclude ?? [])],
    allowedDomains: [...base.allowedDomains, ...(file["allowed-domains"] ?? [])],
    limits: {
      maxFileBytes: file.limits?.["max-file-bytes"] ?? base.limits.maxFileBytes,
      maxSkillBytes: file.limits?.["max-skill-bytes"] ?? base.limits.maxSkillBytes,
      maxFilesPerSkill: file.limits?.["max-files-per-skill"] ?? base.limits.maxFilesPerSkill,
      maxDepth: base.limits.maxDepth,
    },
    silence: [...base.silence, ...(file.silence ?? [])],
    blocklist: {
      sha256: [...base.blocklist.sha256, ...(file.blocklist?.sha256 ?? []).map((s) => s.toLowerCase())],
      domains: [...base.blocklist.domains, ...(file.blocklist?.domains ?? [])],
      ips: [...base.blocklist.ips, ...(file.blocklist?.ips ?? [])],
      authors: [...base.blocklist.authors, ...(file.blocklist?.authors ?? []).map((a) => a.toLowerCase())],
    },
    appealsRepository: file.appeals?.repository ?? base.appealsRepository,
    reportThreshold: file.reports?.threshold ?? base.reportThreshold,
    failOn: file["fail-on"] ?? base.failOn,
    verifiedPublishers: [
      ...base.verifiedPublishers,
      ...(file.trust?.["verified-publishers"] ?? []).map((p) => p.toLowerCase()),
    ],
  };
}

/** Parses a config file's text; throws ConfigError naming the file, the field and the fix. */
export function parseConfigText(text: string, fileName: string, base?: ScanConfig): ScanConfig {
  return normaliseConfig(parseConfigFile(text, fileName), base);
}

/** Validates a config file's text without applying it (who wrote it decides what is taken: config-trust.ts). */
export function parseConfigFile(text: string, fileName: string): ConfigFile {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 50 }) ?? {};
  } catch (err) {
    throw new ConfigError(`${fileName}: not valid YAML (${(err as Error).message.split("\n")[0]})`);
  }
  const r = configFileSchema.safeParse(doc);
  if (!r.success) {
    const msg = r.error.issues
      .map((i) => {
        const field = i.path.join(".") || "(top level)";
        return i.code === "unrecognized_keys"
          ? `${field === "(top level)" ? "" : `${field}: `}unknown key(s) ${i.keys.map((k) => `"${k}"`).join(", ")}; remove or rename them`
          : `field "${field}": ${i.message}`;
      })
      .join("; ");
    throw new ConfigError(`${fileName}: ${msg}`);
  }
  return r.data;
}
