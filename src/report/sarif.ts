import { createHash } from "node:crypto";
import type { Confidence, Finding, ScanResult, Severity, Trust } from "../scan/index.js";
import { levelOf, PRESENTATION, trustText } from "../scan/index.js";
import { adjustmentLines } from "./adjustments.js";
import { compareFindings, repoPath } from "./annotations.js";
import { surfaceLocation } from "./archive-members.js";

// SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif). What GitHub reads:
// tool.driver.rules[] (shortDescription, fullDescription, help, properties.tags,
// properties.security-severity, properties.precision), results[] with ruleId, level, message.text,
// one physical location relative to the repository root, and partialFingerprints to follow an
// alert across commits. test/sarif.test.ts validates the output against the OASIS JSON schema.

export const SARIF_SCHEMA_URI =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/** GitHub maps these to critical (≥ 9.0), high (7.0–8.9), medium (4.0–6.9) and low (0.1–3.9). */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  MALICIOUS: "9.5",
  SUSPICIOUS: "7.5",
  RISKY: "5.0",
  LOW_QUALITY: "2.0",
};

export const SARIF_LEVEL = (severity: Severity): "error" | "warning" | "note" => PRESENTATION[severity].sarif;

const PRECISION: Record<Confidence, string> = { high: "high", medium: "medium", low: "low" };

/** Key of our fingerprint in `partialFingerprints`; bump the version if the recipe ever changes. */
export const FINGERPRINT_KEY = "skillQuarantine/v1";

export const DEFAULT_INFORMATION_URI = "https://github.com/skill-quarantine/skill-quarantine";

export interface SarifOptions {
  /** The scanned folder relative to the repository root ("" or "." for the root). */
  pathPrefix?: string;
  /** Where people read about the tool (the Action passes its own repository's URL). */
  informationUri?: string;
}

// Only the parts of the SARIF object model this renderer writes.
export interface SarifMessage {
  text: string;
  markdown?: string;
}
export interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: SarifMessage;
  helpUri?: string;
  defaultConfiguration: { level: "error" | "warning" | "note" };
  properties: { tags: string[]; "security-severity": string; precision: string; "problem.severity": string };
}
export interface SarifLocation {
  id?: number;
  physicalLocation: {
    artifactLocation: { uri: string };
    region: { startLine: number; startColumn: number; endLine?: number; snippet?: { text: string } };
  };
  message?: SarifMessage;
}
export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: "error" | "warning" | "note";
  message: SarifMessage;
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
  partialFingerprints: Record<string, string>;
  properties: Record<string, unknown>;
}
export interface SarifLog {
  $schema: string;
  version: "2.1.0";
  runs: {
    tool: {
      driver: {
        name: string;
        version: string;
        semanticVersion: string;
        informationUri: string;
        rules: SarifRule[];
      };
    };
    invocations: {
      executionSuccessful: boolean;
      toolExecutionNotifications: { level: "error"; message: SarifMessage }[];
    }[];
    columnKind: "utf16CodeUnits";
    results: SarifResult[];
    /** Every skill's level and trust tier, including skills without a result. */
    properties: { skills: { id: string; path: string; severity: Severity | null; trust: Trust }[] };
  }[];
}

/** RFC 3986 path: each segment percent-encoded, so any file name gives a valid uri-reference. */
export function toUri(path: string): string {
  return path
    .split("/")
    .map((seg) =>
      encodeURIComponent(seg).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join("/");
}

/** The excerpt without what changes when nearby text moves: whitespace runs and the … cut marks. */
export function normaliseExcerpt(excerpt: string): string {
  return excerpt.replace(/^…|…$/g, "").replace(/\s+/g, " ").trim();
}

export function fingerprintOf(ruleId: string, file: string, excerpt: string): string {
  return createHash("sha256")
    .update(`${ruleId}\0${file}\0${normaliseExcerpt(excerpt)}`)
    .digest("hex")
    .slice(0, 32);
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

// SARIF help markdown is rendered by GitHub; rule text comes from rule files (possibly user-supplied).
const mdEscape = (s: string) => oneLine(s).replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (c) => `\\${c}`);

function ruleOf(f: Finding, level: Severity): SarifRule {
  const tags = ["security", "agent-skill", f.category, ...(f.references ?? [])]
    .map((t) => oneLine(t))
    .filter((t, i, a) => t && a.indexOf(t) === i);
  const refs = f.references?.length ? `\n\nReferences: ${f.references.map(oneLine).join(", ")}` : "";
  const refsMd = f.references?.length ? `\n\n**References:** ${f.references.map(mdEscape).join(", ")}` : "";
  return {
    id: f.ruleId,
    name: ruleName(f.ruleId),
    shortDescription: { text: oneLine(f.title) },
    fullDescription: { text: oneLine(f.explanation) },
    help: {
      text: `${oneLine(f.explanation)}\n\nHow to fix: ${oneLine(f.remediation)}\n\nQuarantine level: ${level}.${refs}`,
      markdown: `${mdEscape(f.explanation)}\n\n**How to fix:** ${mdEscape(f.remediation)}\n\n**Quarantine level:** ${level}${refsMd}`,
    },
    defaultConfiguration: { level: SARIF_LEVEL(level) },
    properties: {
      tags,
      "security-severity": SECURITY_SEVERITY[level],
      precision: PRECISION[f.confidence],
      "problem.severity": SARIF_LEVEL(level) === "note" ? "recommendation" : SARIF_LEVEL(level),
    },
  };
}

function location(prefix: string | undefined, file: string, line: number, column: number, endLine?: number) {
  const at = surfaceLocation(file, line, column, endLine);
  const startLine = Math.max(1, at.line);
  const region: SarifLocation["physicalLocation"]["region"] = {
    startLine,
    startColumn: Math.max(1, at.column),
  };
  if (at.endLine && at.endLine > startLine) region.endLine = at.endLine;
  return {
    physicalLocation: {
      artifactLocation: { uri: toUri(repoPath(prefix, at.file)) },
      region,
    },
  };
}

/** A report written before tiers existed (read back by `merge`) is unverified. */
const trustOf = (t: Trust | undefined): Trust => t ?? { tier: "unverified", by: null, at: null };

/** A ScanResult as a SARIF 2.1.0 log with one run. */
export function toSarif(result: ScanResult, opts: SarifOptions = {}): SarifLog {
  const entries = result.skills
    .flatMap((skill) => skill.findings.map((f) => ({ skill, f })))
    .sort((a, b) => compareFindings(a.f, b.f));

  // One rule descriptor per rule id; its severity is the highest level any of its findings has here.
  const rulesById = new Map<string, { finding: Finding; level: Severity }>();
  for (const { f } of entries) {
    const seen = rulesById.get(f.ruleId);
    if (!seen || levelOf(f.level) > levelOf(seen.level))
      rulesById.set(f.ruleId, { finding: f, level: f.level });
  }
  const ruleIds = [...rulesById.keys()].sort();
  const rules = ruleIds.map((id) => {
    const r = rulesById.get(id)!;
    return ruleOf(r.finding, r.level);
  });
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));

  const occurrences = new Map<string, number>();
  const results: SarifResult[] = entries.map(({ skill, f }) => {
    const file = repoPath(opts.pathPrefix, f.file);
    const base = fingerprintOf(f.ruleId, file, f.excerpt);
    // The same rule, file and excerpt twice (e.g. one line repeated) stay two alerts: number them in order.
    const n = (occurrences.get(base) ?? 0) + 1;
    occurrences.set(base, n);
    const text = [
      `${surfaceLocation(f.file, f.line, f.column).prefix}${f.level}: ${oneLine(f.title)}. ${oneLine(f.explanation)}`,
      f.excerpt ? `Found: ${oneLine(f.excerpt)}` : "",
      ...adjustmentLines(f).map((a) => `Level changed ${a}`),
      `Fix: ${oneLine(f.remediation)}`,
      `Skill: ${skill.id} (trust: ${trustText(skill.trust)})`,
    ]
      .filter(Boolean)
      .join("\n");
    const res: SarifResult = {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId)!,
      level: SARIF_LEVEL(f.level),
      message: { text },
      locations: [location(opts.pathPrefix, f.file, f.line, f.column, f.endLine)],
      partialFingerprints: { [FINGERPRINT_KEY]: n === 1 ? base : `${base}:${n}` },
      properties: {
        skill: skill.id,
        skillPath: repoPath(opts.pathPrefix, skill.path === "." ? "" : skill.path) || ".",
        quarantineLevel: f.level,
        trust: trustOf(skill.trust),
        confidence: f.confidence,
        context: f.context,
        ...(f.trigger ? { trigger: f.trigger } : {}),
        ...(f.capabilities?.length ? { capabilities: f.capabilities } : {}),
        ...(skill.accepted
          ? { accepted: `accepted by ${skill.accepted.by} on ${skill.accepted.at}: ${skill.accepted.reason}` }
          : {}),
      },
    };
    if (f.related?.length) {
      res.relatedLocations = f.related.map((r, i) => ({
        id: i + 1,
        ...location(opts.pathPrefix, r.file, r.line, r.column ?? 1),
        message: { text: oneLine(r.note) || "related" },
      }));
    }
    return res;
  });

  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: result.tool.name,
            version: result.tool.version,
            semanticVersion: result.tool.version,
            informationUri: opts.informationUri ?? DEFAULT_INFORMATION_URI,
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: result.errors.length === 0,
            toolExecutionNotifications: result.errors.map((e) => ({
              level: "error" as const,
              message: { text: oneLine(e) },
            })),
          },
        ],
        columnKind: "utf16CodeUnits",
        results,
        properties: {
          skills: result.skills.map((s) => ({
            id: s.id,
            path: repoPath(opts.pathPrefix, s.path === "." ? "" : s.path) || ".",
            severity: s.severity,
            trust: trustOf(s.trust),
          })),
        },
      },
    ],
  };
}

export function renderSarif(result: ScanResult, opts: SarifOptions = {}): string {
  return `${JSON.stringify(toSarif(result, opts), null, 2)}\n`;
}
