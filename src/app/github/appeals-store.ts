import type { Context, ProbotOctokit } from "probot";
import { Document, isSeq, parseDocument, type YAMLSeq } from "yaml";
import {
  type AppealIssue,
  type Decided,
  type IssuesReader,
  readAppealDecisions,
} from "../../appeals/decisions.js";
import { APPEAL_LABEL, REPORT_LABEL } from "../../appeals/labels.js";
import { readMarker, writtenBy } from "../../appeals/markers.js";
import { fullName, parseFullName, type RepoRef } from "../../appeals/repo-ref.js";
import type { ScanConfig } from "../../scan/index.js";
import type { AppEnv } from "../env.js";
import { octokitFor } from "./repos.js";

// Everything the App knows about appeals, decisions, reports and blocked authors is read back from
// the appeals repository at scan time; nothing is kept locally (DESIGN "Non-bypassable": a decision
// lives in the appeals repository, bound to a content hash).
//
// - decisions: closed `quarantine-appeal` issues written by the App, carrying a decision label and a
//   decision comment written by the App whose signed marker names the same skill, content hash,
//   repository and issue. Labels alone (anyone with triage can set them) never make a decision.
// - reports: one `skill-report` issue per skill written by the App; each report is a comment written
//   by the App with a signed marker naming the reporter; distinct reporter ids are counted.
// - blocked authors: `.github/skill-quarantine-blocklist.yml` in the appeals repository, committed by
//   `/block-author` (and editable by its maintainers, who are the reviewers).

export const BLOCKLIST_PATH = ".github/skill-quarantine-blocklist.yml";

/** The appeals repository could not be read: the scan stops rather than skip blocklist or reports. */
export class AppealsError extends Error {
  override name = "AppealsError";
}

export interface AppealsRepo extends RepoRef {
  octokit: ProbotOctokit;
}

export type { AppealIssue, Decided };

export interface ReportTracker {
  number: number;
  htmlUrl: string;
  skillId: string;
  /** Reporter user id → login and the command comment that recorded it. */
  reporters: Map<number, { login: string; to: number }>;
}

export interface AppealsState {
  /** Undefined when the appeals repository could not be reached (then a note says so). */
  repo?: AppealsRepo;
  /** Open appeal issues for skills of the scanned repository. */
  open: AppealIssue[];
  /** Latest first. */
  decisions: Decided[];
  /** Skill id → distinct reporters. */
  reports: Record<string, number>;
  trackers: ReportTracker[];
  blockedAuthors: string[];
  /** Plain sentences for the check run. */
  notes: string[];
}

const status = (err: unknown) => (err as { status?: number }).status;
const lower = (s: string) => s.toLowerCase();

/** The appeals repository for `skillRepo`: the operator's pin, else the repository's config, else itself. */
export function appealsRepoName(env: AppEnv, config: ScanConfig, skillRepo: RepoRef): string {
  return env.appealsRepository ?? config.appealsRepository ?? fullName(skillRepo);
}

export async function openAppealsRepo(
  context: Context,
  env: AppEnv,
  config: ScanConfig,
  skillRepo: RepoRef,
): Promise<AppealsRepo> {
  const ref = parseFullName(appealsRepoName(env, config, skillRepo));
  return { ...ref, octokit: await octokitFor(context, env, ref) };
}

export async function loadAppealsState(
  context: Context,
  env: AppEnv,
  config: ScanConfig,
  skillRepo: RepoRef,
): Promise<AppealsState> {
  const state: AppealsState = {
    open: [],
    decisions: [],
    reports: {},
    trackers: [],
    blockedAuthors: [],
    notes: [],
  };
  const name = appealsRepoName(env, config, skillRepo);
  const unreachable = (s: number | undefined) => {
    state.notes.push(
      `The appeals repository ${name} could not be read (GitHub answered ${s}): reviewer decisions, user reports and blocked authors kept there were not applied.`,
    );
    return state;
  };
  let repo: AppealsRepo;
  try {
    repo = await openAppealsRepo(context, env, config, skillRepo);
  } catch (err) {
    if (status(err) === 404) return unreachable(404);
    throw new AppealsError(`the appeals repository ${name} could not be reached (${describe(err)})`);
  }

  const blocklist = await readBlocklist(repo);
  state.blockedAuthors = blocklist.authors;

  let appealIssues: Awaited<ReturnType<typeof listLabelled>>;
  try {
    appealIssues = await listLabelled(repo, APPEAL_LABEL);
  } catch (err) {
    if (status(err) === 404 || status(err) === 410) return unreachable(status(err));
    throw new AppealsError(`the appeals in ${name} could not be read (${describe(err)})`);
  }
  state.repo = repo;
  const key = env.markerKey;
  const target = lower(fullName(skillRepo));
  let login: string | undefined;
  const me = async () => {
    login ??= await env.appLogin();
    return login;
  };

  // The decisions: the reader the Action shares (src/appeals/decisions.ts), over the list read above.
  const reader: IssuesReader = {
    issuesLabelled: async (label) => (label === APPEAL_LABEL ? appealIssues : listLabelled(repo, label)),
    comments: (issue) =>
      repo.octokit.paginate(repo.octokit.rest.issues.listComments, {
        owner: repo.owner,
        repo: repo.repo,
        issue_number: issue,
        per_page: 100,
      }),
  };
  const appeals = await readAppealDecisions(reader, fullName(skillRepo), me, key);
  state.open = appeals.open;
  state.decisions = appeals.decisions;

  for (const issue of await listLabelled(repo, REPORT_LABEL)) {
    if (issue.pull_request || issue.user?.type !== "Bot" || !writtenBy(issue.user, await me())) continue;
    const marker = readMarker("reports", issue.body, key);
    if (!marker || lower(marker.repo) !== target) continue;
    const tracker: ReportTracker = {
      number: issue.number,
      htmlUrl: issue.html_url,
      skillId: marker.skillId,
      reporters: new Map(),
    };
    const comments = await repo.octokit.paginate(repo.octokit.rest.issues.listComments, {
      owner: repo.owner,
      repo: repo.repo,
      issue_number: issue.number,
      per_page: 100,
    });
    for (const c of comments) {
      if (!writtenBy(c.user, await me())) continue;
      const r = readMarker("report", c.body, key);
      if (!r || r.skillId !== marker.skillId || lower(r.repo) !== target) continue;
      if (!tracker.reporters.has(r.userId)) tracker.reporters.set(r.userId, { login: r.user, to: r.to });
    }
    state.trackers.push(tracker);
  }
  const reporters = new Map<string, Set<number>>();
  for (const t of state.trackers) {
    const set = reporters.get(t.skillId) ?? new Set<number>();
    for (const id of t.reporters.keys()) set.add(id);
    reporters.set(t.skillId, set);
  }
  for (const [skillId, set] of reporters) state.reports[skillId] = set.size;
  return state;
}

function listLabelled(repo: AppealsRepo, label: string) {
  return repo.octokit.paginate(repo.octokit.rest.issues.listForRepo, {
    owner: repo.owner,
    repo: repo.repo,
    labels: label,
    state: "all",
    per_page: 100,
  });
}

function describe(err: unknown): string {
  const s = status(err);
  return s !== undefined ? `GitHub answered ${s}` : (err as Error).message;
}

// ---- the blocklist file --------------------------------------------------------------------------

export interface BlocklistFile {
  authors: string[];
  text?: string;
  sha?: string;
}

const LOGIN = /^[a-z0-9](?:[a-z0-9-]{0,38})(?:\[bot\])?$/;

export async function readBlocklist(repo: AppealsRepo): Promise<BlocklistFile> {
  let data: unknown;
  try {
    ({ data } = await repo.octokit.rest.repos.getContent({
      owner: repo.owner,
      repo: repo.repo,
      path: BLOCKLIST_PATH,
    }));
  } catch (err) {
    if (status(err) === 404) return { authors: [] };
    throw new AppealsError(
      `${fullName(repo)}/${BLOCKLIST_PATH} (blocked authors) could not be read (${describe(err)})`,
    );
  }
  const file = data as { type?: string; content?: string; encoding?: string; sha?: string };
  if (file.type !== "file" || typeof file.content !== "string")
    throw new AppealsError(`${fullName(repo)}/${BLOCKLIST_PATH} is not a file`);
  const text = Buffer.from(file.content, "base64").toString("utf8");
  const doc = parseDocument(text);
  const authors = doc.errors.length
    ? undefined
    : (doc.toJS({ maxAliasCount: 50 }) as { authors?: unknown } | null)?.authors;
  if (
    doc.errors.length ||
    (authors !== undefined && authors !== null && !Array.isArray(authors)) ||
    (Array.isArray(authors) && authors.some((a) => typeof a !== "string" || !LOGIN.test(a.toLowerCase())))
  )
    throw new AppealsError(
      `${fullName(repo)}/${BLOCKLIST_PATH} is not valid: it must hold \`authors:\`, a list of GitHub logins`,
    );
  return {
    authors: ((authors as string[] | null | undefined) ?? []).map(lower),
    text,
    sha: file.sha,
  };
}

const HEADER = [
  " Authors blocked by skill-quarantine reviewers (`/block-author` on an appeal issue).",
  " Every skill by these authors is MALICIOUS with trigger `blocklist`. Maintainers of this",
  " repository may edit this file; the App reads it on every scan.",
].join("\n");

/** Adds `author` with a comment saying who and why; returns false when it was already there. */
export async function addToBlocklist(
  repo: AppealsRepo,
  author: string,
  note: { by: string; at: Date; url: string },
): Promise<boolean> {
  const current = await readBlocklist(repo);
  if (current.authors.includes(lower(author))) return false;
  const doc = current.text ? parseDocument(current.text) : new Document({ authors: [] });
  if (!current.text) doc.commentBefore = HEADER;
  let seq = doc.get("authors");
  if (!isSeq(seq)) {
    seq = doc.createNode([]);
    doc.set("authors", seq);
  }
  const node = doc.createNode(lower(author));
  node.comment = ` blocked by @${note.by} on ${note.at.toISOString().slice(0, 10)}: ${note.url}`;
  (seq as YAMLSeq).items.push(node);
  await repo.octokit.rest.repos.createOrUpdateFileContents({
    owner: repo.owner,
    repo: repo.repo,
    path: BLOCKLIST_PATH,
    message: `Block skill author ${lower(author)} (skill-quarantine, by @${note.by})`,
    content: Buffer.from(doc.toString()).toString("base64"),
    ...(current.sha ? { sha: current.sha } : {}),
  });
  return true;
}
