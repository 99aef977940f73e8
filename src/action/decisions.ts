import { getOctokit } from "@actions/github";
import { botLogin, type Decided, type IssuesReader, readAppealDecisions } from "../appeals/decisions.js";
import { parseFullName } from "../appeals/repo-ref.js";
import { scanIdOf } from "../node/accepted.js";
import type { ReviewDecision } from "../scan/index.js";

// Reviewers' decisions for the Action, read from the GitHub App's appeals repository with the reader
// the App uses (src/appeals/decisions.ts): only issues and comments written by the App's bot account
// count, and with `marker-secret` each marker is verified as the App verifies it. Without the secret a
// marker is trusted on its author alone: only the bot and those who may edit its comments (writers of
// the appeals repository, who are its reviewers) can write one.

export interface DecisionsRequest {
  /** owner/name of the appeals repository. */
  repository: string;
  token: string;
  /** The App's slug or bot login. */
  app: string;
  /** The App's MARKER_SECRET; undefined reads markers unverified (see above). */
  markerSecret?: string;
  /** owner/name of the scanned repository (the appeals name it). */
  skillRepo: string;
  /** The scanned folder's path from the repository root, and the operator's namespace. */
  prefix: string;
  namespace?: string;
}

export interface ActionDecisions {
  decisions: ReviewDecision[];
  /** Open appeals for skills of this repository, by skill id. */
  open: { skillId: string; url: string }[];
  notes: string[];
}

const status = (err: unknown) => (err as { status?: number }).status;

export async function readActionDecisions(req: DecisionsRequest): Promise<ActionDecisions> {
  const octokit = getOctokit(req.token);
  const { owner, repo } = parseFullName(req.repository);
  const reader: IssuesReader = {
    issuesLabelled: (labels) =>
      octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, labels, state: "all", per_page: 100 }),
    comments: (issue_number) =>
      octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 }),
  };
  let read: Awaited<ReturnType<typeof readAppealDecisions>>;
  try {
    read = await readAppealDecisions(reader, req.skillRepo, botLogin(req.app), req.markerSecret ?? null);
  } catch (err) {
    const s = status(err);
    const why =
      s === 401 || s === 403 || s === 404
        ? `GitHub answered ${s}: the token in \`github-token\` cannot read its issues (the workflow's own GITHUB_TOKEN reaches only this repository; give a token with issues: read there)`
        : `${err instanceof Error ? err.message : String(err)}`;
    return {
      decisions: [],
      open: [],
      notes: [
        `The appeals repository ${req.repository} could not be read (${why}): no reviewer decision was applied.`,
      ],
    };
  }
  const toScan = (d: Decided): ReviewDecision | undefined => {
    const skillId = scanIdOf(d.skillId, req.prefix, req.namespace);
    if (skillId === undefined) return undefined;
    const { at: _at, ...decision } = d;
    return { ...decision, skillId };
  };
  const notes = req.markerSecret
    ? []
    : [
        `Reviewer decisions from ${req.repository} were trusted on their author (${botLogin(req.app)}) alone; set \`marker-secret\` to the App's MARKER_SECRET to verify them as the App does.`,
      ];
  return {
    decisions: read.decisions.map(toScan).filter((d): d is ReviewDecision => d !== undefined),
    open: read.open.map((o) => ({ skillId: o.marker.skillId, url: o.htmlUrl })),
    notes,
  };
}
