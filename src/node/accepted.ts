import { readFile, stat } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ACCEPTED_PATH, type ReviewDecision, type ScanResult, SEVERITIES } from "../scan/index.js";
import { isSafeRef } from "../sources/git.js";
import {
  type AtCommit,
  ConfigLoadError,
  type ConfigOrigin,
  payloadField,
  pullRequestBase,
  readAtCommit,
} from "./config-file.js";

// The accepted-findings file (.github/skill-quarantine-accepted.yml): the reviewer decision of users
// without the App. Who may write it is the reviewer, so it is read only where the change under review
// cannot write it (README "Threat model"): the Action reads it from the pull request's base commit or
// the default branch's tip, never from the working tree; the CLI only from `--accepted <file>`, the
// operator's own file. Each entry is an approval bound to one skill id and one content hash, and it
// goes into the scan as a ReviewDecision, the path the App's `/approve` takes (src/scan/verdict.ts
// `decide`): any byte changed in the skill and the entry no longer applies.

export { ACCEPTED_PATH };
export const MAX_ACCEPTED_BYTES = 256 * 1024;

const day = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v.trim()))
  .pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date such as 2026-12-06"));

const entrySchema = z
  .object({
    skill: z.string().trim().min(1, "must be the skill's id: its folder's path from the repository root"),
    contentHash: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[0-9a-f]{64}$/, "must be the skill's contentHash (64 hex digits) from the JSON report"),
    level: z.enum(SEVERITIES).refine((l) => l !== "MALICIOUS", {
      message: "MALICIOUS cannot be accepted (the App's /approve cannot lower it either); remove the skill",
    }),
    reason: z.string().trim().min(10, "must explain in a sentence why this is acceptable"),
    by: z.string().trim().min(1, "must name who accepted it"),
    at: day,
  })
  .strict();

const fileSchema = z.object({ accepted: z.array(entrySchema) }).strict();

export type AcceptedEntry = z.output<typeof entrySchema>;

export class AcceptedError extends Error {
  override name = "AcceptedError";
}

/** Parses the file's text; errors name the file, the entry (1-based) and the field. */
export function parseAccepted(text: string, fileName: string): AcceptedEntry[] {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 50 }) ?? { accepted: [] };
  } catch (err) {
    throw new AcceptedError(`${fileName}: not valid YAML (${(err as Error).message.split("\n")[0]})`);
  }
  const r = fileSchema.safeParse(doc);
  if (r.success) return r.data.accepted;
  const msg = r.error.issues
    .map((i) => {
      const [top, index, field] = i.path;
      const where =
        top === "accepted" && typeof index === "number"
          ? `entry ${index + 1}${field !== undefined ? `, field "${String(field)}"` : ""}`
          : `field "${i.path.join(".") || "(top level)"}"`;
      const what =
        i.code === "unrecognized_keys"
          ? `unknown key(s) ${i.keys.map((k) => `"${k}"`).join(", ")}; the keys are skill, contentHash, level, reason, by, at`
          : i.message;
      return `${where}: ${what}`;
    })
    .join("; ");
  throw new AcceptedError(`${fileName}: ${msg}`);
}

/** The CLI's `--accepted <file>`: the user's own file, read from disk. */
export async function readAcceptedFile(path: string): Promise<AcceptedEntry[]> {
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile())
    throw new AcceptedError(
      `accepted-findings file ${path} does not exist; pass an existing file to --accepted`,
    );
  if (st.size > MAX_ACCEPTED_BYTES)
    throw new AcceptedError(`accepted-findings file ${path} is larger than ${MAX_ACCEPTED_BYTES} bytes`);
  return parseAccepted(await readFile(path, "utf8"), path);
}

/**
 * A skill's id in a scan of `prefix` (the scanned folder's path from the repository root, "" for the
 * root) for an entry's repository id; undefined when the skill is outside the scanned folder.
 */
export function scanIdOf(entrySkill: string, prefix: string, namespace?: string): string | undefined {
  let path = entrySkill.replace(/^\.\//, "").replace(/\/+$/, "");
  if (namespace) {
    if (!path.startsWith(`${namespace}/`)) return undefined;
    path = path.slice(namespace.length + 1);
  }
  if (prefix) {
    if (!path.startsWith(`${prefix}/`)) return undefined;
    path = path.slice(prefix.length + 1);
  }
  return namespace ? `${namespace}/${path}` : path;
}

/** The entries as reviewer decisions for the core (`ScanOptions.decisions`). */
export function acceptedDecisions(
  entries: AcceptedEntry[],
  source: string,
  where: { prefix?: string; namespace?: string } = {},
): ReviewDecision[] {
  const out: ReviewDecision[] = [];
  for (const e of entries) {
    const skillId = scanIdOf(e.skill, where.prefix ?? "", where.namespace);
    if (skillId === undefined) continue;
    out.push({
      skillId,
      contentHash: e.contentHash,
      decision: "approved",
      by: e.by,
      at: e.at,
      accepted: { level: e.level, reason: e.reason, at: e.at, source },
    });
  }
  return out;
}

export interface AcceptedUse {
  applied: { entry: AcceptedEntry; skillId: string }[];
  /** The skill was scanned but its content hash differs (it changed), or it is now worse than accepted. */
  stale: { entry: AcceptedEntry; skillId: string; why: string }[];
  /** No skill of that id in this scan. */
  unmatched: AcceptedEntry[];
}

/** Which entries decided a verdict in `result`, which are stale, which matched no skill. */
export function acceptedUse(
  entries: AcceptedEntry[],
  result: ScanResult,
  where: { prefix?: string; namespace?: string } = {},
): AcceptedUse {
  const use: AcceptedUse = { applied: [], stale: [], unmatched: [] };
  const byId = new Map(result.skills.map((s) => [s.id, s]));
  for (const entry of entries) {
    const id = scanIdOf(entry.skill, where.prefix ?? "", where.namespace);
    const skill = id === undefined ? undefined : byId.get(id);
    if (!skill || id === undefined) {
      use.unmatched.push(entry);
      continue;
    }
    if (skill.contentHash !== entry.contentHash)
      use.stale.push({
        entry,
        skillId: id,
        why: `its content changed (contentHash ${skill.contentHash.slice(0, 12)}…, accepted ${entry.contentHash.slice(0, 12)}…); review it again and update the entry`,
      });
    else if (
      skill.accepted &&
      skill.accepted.at === entry.at &&
      skill.accepted.by === entry.by &&
      skill.accepted.reason === entry.reason
    )
      use.applied.push({ entry, skillId: id });
    else
      use.stale.push({
        entry,
        skillId: id,
        why: `it is now ${skill.severity ?? "clean"} without the entry, above the accepted ${entry.level}; review it again`,
      });
  }
  return use;
}

/** One line per stale or unmatched entry, for stderr, notices and the job summary. */
export function acceptedNotes(use: AcceptedUse, fileName: string): string[] {
  return [
    ...use.stale.map(
      (s) => `${fileName}: the entry for ${s.entry.skill} is stale and was ignored: ${s.why}.`,
    ),
    ...use.unmatched.map(
      (e) => `${fileName}: the entry for ${e.skill} matched no skill in this scan and was ignored.`,
    ),
  ];
}

/** The accepted-findings file as the Action reads it: entries, where they came from, and notes. */
export interface AcceptedAtCommit {
  entries: AcceptedEntry[];
  /** `path@commit` when a file was read. */
  source?: string;
  notes: string[];
}

/**
 * Reads ACCEPTED_PATH where the change under review cannot have written it: a pull request's base
 * commit; on any other event the default branch's tip as fetched (`origin/<default branch>`), else
 * not at all. Never the working tree: a pull request that adds or edits the file gets no effect.
 * Throws AcceptedError for an invalid file (failing loudly rather than scanning without it).
 */
export async function readAcceptedAtOperatorCommit(origin: ConfigOrigin): Promise<AcceptedAtCommit> {
  const label = ACCEPTED_PATH;
  let commit: string | undefined;
  let where: string;
  if (origin.eventName.startsWith("pull_request")) {
    commit = pullRequestBase(origin);
    where = commit ? `the pull request's base commit ${commit.slice(0, 12)}` : "the pull request's base";
    if (!commit)
      return {
        entries: [],
        notes: [
          `The event payload has no pull_request.base.sha, so ${label} was not read: no entry applied.`,
        ],
      };
  } else {
    const branch = payloadField(origin.payload, "repository", "default_branch");
    if (typeof branch !== "string" || !isSafeRef(branch))
      return {
        entries: [],
        notes: [
          `The event payload names no default branch, so ${label} was not read (it is read only from the default branch or a pull request's base): no entry applied.`,
        ],
      };
    commit = `refs/remotes/origin/${branch}`;
    where = `the default branch's tip (origin/${branch})`;
  }
  let read: AtCommit;
  try {
    read = await readAtCommit(origin.repoRoot, commit, ACCEPTED_PATH, label, MAX_ACCEPTED_BYTES);
  } catch (err) {
    if (err instanceof ConfigLoadError) throw new AcceptedError(err.message);
    throw err;
  }
  if (read.state === "no-commit")
    return {
      entries: [],
      notes: [
        `${where} is not in the checkout, so ${label} was not read: no entry applied. Use \`fetch-depth: 0\` on actions/checkout.`,
      ],
    };
  if (read.state === "absent") return { entries: [], notes: [] };
  return { entries: parseAccepted(read.text, read.fileName), source: read.fileName, notes: [] };
}
