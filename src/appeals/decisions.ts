import type { ReviewDecision } from "../scan/index.js";
import { APPEAL_LABEL, DECISION_LABELS } from "./labels.js";
import { type AppealMarker, type Author, type MarkerKey, readMarker, writtenBy } from "./markers.js";

// Reading reviewers' decisions back from the appeals repository: one reader for the App
// (src/app/github/appeals-store.ts) and the Action (src/action/decisions.ts), each with its own GitHub client
// behind `IssuesReader`. A decision counts only when everything the App wrote agrees (DESIGN
// "Non-bypassable": a decision lives in the appeals repository, bound to a content hash):
// - a closed `quarantine-appeal` issue written by the App's bot account, whose appeal marker names
//   the scanned repository;
// - a decision label on it (labels alone, which anyone with triage can set, never decide);
// - a decision comment written by the App's bot account whose marker names the same issue, skill,
//   content hash and repository, and matches the label.
// Markers are verified with the App's marker key when the reader has it (`key`); see markers.ts.

/** The fields of a GitHub issue the reader uses (REST `issues.listForRepo`). */
export interface IssueLike {
  number: number;
  html_url: string;
  state?: string;
  body?: string | null;
  user?: Author | null;
  labels: (string | { name?: string })[];
  pull_request?: unknown;
}

/** The fields of a GitHub issue comment the reader uses (REST `issues.listComments`). */
export interface CommentLike {
  html_url: string;
  body?: string | null;
  user?: Author | null;
}

/** The appeals repository through whatever client the surface has: every page of each list. */
export interface IssuesReader {
  issuesLabelled(label: string): Promise<IssueLike[]>;
  comments(issue: number): Promise<CommentLike[]>;
}

export interface AppealIssue {
  number: number;
  htmlUrl: string;
  state: "open" | "closed";
  labels: string[];
  marker: AppealMarker;
}

export type Decided = ReviewDecision & { at: string };

const lower = (s: string) => s.toLowerCase();

export function labelNames(labels: (string | { name?: string })[]): string[] {
  return labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))).filter(Boolean);
}

/**
 * The App's appeals for `skillRepo` (owner/name): the open ones, and the decisions of the closed ones,
 * latest first (the core applies the first decision that matches a skill id and content hash).
 */
export async function readAppealDecisions(
  reader: IssuesReader,
  skillRepo: string,
  /** The App's bot login, or how to learn it (asked only once an issue by a bot is seen). */
  appLogin: string | (() => Promise<string>),
  key: MarkerKey,
): Promise<{ open: AppealIssue[]; decisions: Decided[] }> {
  let login = typeof appLogin === "string" ? appLogin : undefined;
  const me = async () => {
    login ??= await (appLogin as () => Promise<string>)();
    return login;
  };
  const open: AppealIssue[] = [];
  const decisions: Decided[] = [];
  const target = lower(skillRepo);
  for (const issue of await reader.issuesLabelled(APPEAL_LABEL)) {
    if (issue.pull_request || issue.user?.type !== "Bot" || !writtenBy(issue.user, await me())) continue;
    const marker = readMarker("appeal", issue.body, key);
    if (!marker || lower(marker.repo) !== target) continue;
    const labels = labelNames(issue.labels);
    const entry: AppealIssue = {
      number: issue.number,
      htmlUrl: issue.html_url,
      state: issue.state === "open" ? "open" : "closed",
      labels,
      marker,
    };
    if (entry.state === "open") {
      open.push(entry);
      continue;
    }
    if (!Object.values(DECISION_LABELS).some((l) => labels.includes(l))) continue;
    const decision = await decisionOf(reader, entry, await me(), key);
    if (decision) decisions.push(decision);
  }
  decisions.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return { open, decisions };
}

async function decisionOf(
  reader: IssuesReader,
  issue: AppealIssue,
  appLogin: string,
  key: MarkerKey,
): Promise<Decided | undefined> {
  const m = issue.marker;
  let found: Decided | undefined;
  for (const c of await reader.comments(issue.number)) {
    if (!writtenBy(c.user, appLogin)) continue;
    const d = readMarker("decision", c.body, key);
    if (
      !d ||
      d.issue !== issue.number ||
      d.skillId !== m.skillId ||
      d.contentHash !== m.contentHash ||
      lower(d.repo) !== lower(m.repo) ||
      !issue.labels.includes(DECISION_LABELS[d.decision])
    )
      continue;
    found = {
      skillId: d.skillId,
      contentHash: d.contentHash,
      decision: d.decision,
      ...(d.level ? { level: d.level } : {}),
      by: d.by,
      url: c.html_url,
      at: d.at,
    };
  }
  return found;
}

/** The App's bot login for a slug or login: `skill-quarantine` → `skill-quarantine[bot]`. */
export function botLogin(slugOrLogin: string): string {
  const s = slugOrLogin.trim();
  return s.endsWith("[bot]") ? s : `${s}[bot]`;
}
