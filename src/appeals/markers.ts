import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { SEVERITIES } from "../scan/index.js";

// Hidden markers: the App's only state, kept in the issues and comments it writes
// (`<!-- skill-quarantine:<kind> {json} -->` as the first line). Anyone who can edit an issue can
// edit a marker (EXAMPLES §4), and in the default setup the appeals repository is the skill's own
// repository, so its author can edit the App's issues. Two checks, both required by every reader:
// 1. who wrote it: the issue or comment's user is the App's bot (see `writtenBy`);
// 2. what it says: each marker carries an HMAC-SHA256 of its kind and JSON under the App's marker
//    key (MARKER_SECRET, else WEBHOOK_SECRET), so an edited or copied-in marker does not verify.
// A marker is read only at the very start of the text: the App writes author-controlled text
// (justifications, reasons) only escaped and only after its own marker.

/** A marker's ISO date as the day issues and comments show (YYYY-MM-DD). */
export const day = (iso: string | Date) => (typeof iso === "string" ? iso : iso.toISOString()).slice(0, 10);

export const MARKER_PREFIX = "skill-quarantine:";
const MARKER_RE = /^<!-- skill-quarantine:([a-z-]+) (\{[^\n]*\}) -->/;

const severity = z.enum(SEVERITIES);
const login = z.string().min(1).max(100);

const appeal = z.object({
  v: z.literal(1),
  skillId: z.string().min(1),
  contentHash: z.string().min(1),
  /** The skill's repository, owner/name. */
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
  sha: z.string().regex(/^[0-9a-f]{40}$/),
  /** The baseline the scan compared with (PR base, parent commit), for the re-run after a decision. */
  base: z.string().optional(),
  level: severity,
  /** The login the scan checks against the blocklist: PR author, else the repository owner. */
  author: login,
  /** Who appealed (absent for a review opened by user reports). */
  appellant: login.optional(),
  /** The GitHub user who authored the appealed commit, when known: never a reviewer either. */
  pusher: login.optional(),
  opened: z.string(),
  /** Review deadline range for the level, ISO instants: [earliest, latest]. */
  due: z.tuple([z.string(), z.string()]),
  /** Where the appeal was asked (pull request, commit, issue): the check run's details link. */
  url: z.string(),
  /** The skill repository's web URL. */
  html: z.string(),
  /** Finding keys (rule@file) at the time of the appeal, to report what a re-scan changed. */
  findings: z.array(z.string()),
  /** The id of the comment that opened it (redelivery). */
  source: z.number().optional(),
  via: z.enum(["appeal", "report"]),
});

const decision = z.object({
  v: z.literal(1),
  skillId: z.string(),
  contentHash: z.string(),
  repo: z.string(),
  issue: z.number(),
  decision: z.enum(["approved", "rejected", "downgraded"]),
  level: z.enum([...SEVERITIES, "none"]).optional(),
  by: login,
  at: z.string(),
  blocked: login.optional(),
  to: z.number(),
});

const reports = z.object({ v: z.literal(1), skillId: z.string(), repo: z.string() });
const report = z.object({
  v: z.literal(1),
  skillId: z.string(),
  repo: z.string(),
  user: login,
  userId: z.number(),
  to: z.number(),
});
const reply = z.object({ v: z.literal(1), to: z.number() });
const rescan = z.object({
  v: z.literal(1),
  sha: z.string(),
  contentHash: z.string(),
  level: z.enum([...SEVERITIES, "none"]),
  findings: z.array(z.string()),
});
const overdue = z.object({ v: z.literal(1), due: z.string() });

const SCHEMAS = { appeal, decision, reports, report, reply, rescan, overdue } as const;
export type MarkerKind = keyof typeof SCHEMAS;
export type MarkerData<K extends MarkerKind> = z.output<(typeof SCHEMAS)[K]>;
export type AppealMarker = MarkerData<"appeal">;
export type DecisionMarker = MarkerData<"decision">;
export type ReportMarker = MarkerData<"report">;
export type RescanMarker = MarkerData<"rescan">;

/** `null`: read without verifying (only for harmless uses such as the overdue sweep, which has no key). */
export type MarkerKey = string | null;

function mac(kind: string, json: string, key: string): string {
  return createHmac("sha256", key).update(`${kind}\n${json}`).digest("hex");
}

/** `<`, `>` and `&` as JSON escapes: the JSON can then never close the HTML comment. */
const htmlSafe = (json: string) =>
  json.replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** A marker that its own reader would refuse: writing it would lose the App's state for that issue. */
export class MarkerError extends Error {
  override name = "MarkerError";
}

/**
 * The marker text. Checked with the reader's schema first: a marker written without a field its
 * reader requires (a URL GitHub did not return) would be ignored when read back, and the next command
 * would open a duplicate. Throws MarkerError naming the kind and the fields.
 */
export function writeMarker<K extends MarkerKind>(
  kind: K,
  data: Omit<MarkerData<K>, "v">,
  key: string,
): string {
  const body = { v: 1, ...data };
  const checked = SCHEMAS[kind].safeParse(body);
  if (!checked.success)
    throw new MarkerError(
      `the ${kind} marker cannot be written: ${checked.error.issues.map((i) => `${i.path.join(".") || "(root)"} ${i.message.toLowerCase()}`).join("; ")}`,
    );
  const sig = mac(kind, JSON.stringify(body), key);
  return `<!-- ${MARKER_PREFIX}${kind} ${htmlSafe(JSON.stringify({ ...body, sig }))} -->`;
}

function parse(text: string | null | undefined, key: MarkerKey): { kind: string; data: unknown } | undefined {
  const m = MARKER_RE.exec(text ?? "");
  if (!m) return undefined;
  let obj: unknown;
  try {
    obj = JSON.parse(m[2]!);
  } catch {
    return undefined;
  }
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) return undefined;
  const { sig, ...rest } = obj as Record<string, unknown>;
  if (key !== null) {
    if (typeof sig !== "string" || !/^[0-9a-f]{64}$/.test(sig)) return undefined;
    const want = Buffer.from(mac(m[1]!, JSON.stringify(rest), key), "hex");
    if (!timingSafeEqual(want, Buffer.from(sig, "hex"))) return undefined;
  }
  return { kind: m[1]!, data: rest };
}

/** The marker of `kind` at the start of `text`, verified with `key` and shape-checked; else undefined. */
export function readMarker<K extends MarkerKind>(
  kind: K,
  text: string | null | undefined,
  key: MarkerKey,
): MarkerData<K> | undefined {
  const p = parse(text, key);
  if (!p || p.kind !== kind) return undefined;
  const r = SCHEMAS[kind].safeParse(p.data);
  return r.success ? (r.data as MarkerData<K>) : undefined;
}

/** The command comment id a marker answers (`to`), whatever its kind: how redeliveries are recognised. */
export function answeredComment(text: string | null | undefined, key: MarkerKey): number | undefined {
  const p = parse(text, key);
  const to = (p?.data as { to?: unknown } | undefined)?.to;
  return typeof to === "number" ? to : undefined;
}

export interface Author {
  login?: string | null;
  type?: string | null;
}

/** True when `user` is the App's own bot account (a `[bot]` login cannot be registered by a person). */
export function writtenBy(user: Author | null | undefined, appLogin: string): boolean {
  return user?.type === "Bot" && (user.login ?? "").toLowerCase() === appLogin.toLowerCase();
}
