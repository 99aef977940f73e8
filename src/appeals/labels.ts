import type { Severity } from "../scan/index.js";
import type { GitHubClient } from "./client.js";

// The labels of the appeals repository, created with a colour and a description when missing.
// One listing per command; a label created meanwhile by another delivery (422 already_exists) is fine.

export const APPEAL_LABEL = "quarantine-appeal";
export const REPORT_LABEL = "skill-report";
export const PENDING = "review:pending";
export const OVERDUE = "review:overdue";
export const RESOLVED = "review:resolved";
export const RESCAN_CLEAN = "rescan:clean";
export const RESCAN_FLAGGED = "rescan:still-flagged";
export const DECISION_LABELS = {
  approved: "review:approved",
  rejected: "review:rejected",
  downgraded: "review:downgraded",
} as const;

export const severityLabel = (s: Severity) => `severity:${s}`;

const DEFS: Record<string, { color: string; description: string }> = {
  [APPEAL_LABEL]: { color: "5319e7", description: "Appeal or review of a skill-quarantine verdict" },
  [REPORT_LABEL]: { color: "c2e0c6", description: "User reports about a skill (skill-quarantine)" },
  [severityLabel("MALICIOUS")]: { color: "b60205", description: "Quarantined: never installable" },
  [severityLabel("SUSPICIOUS")]: { color: "d93f0b", description: "Blocked until a reviewer decides" },
  [severityLabel("RISKY")]: { color: "fbca04", description: "Installable after explicit confirmation" },
  [severityLabel("LOW_QUALITY")]: { color: "c5def5", description: "Installable; metadata needs work" },
  [PENDING]: { color: "ededed", description: "Waiting for a reviewer's decision" },
  [DECISION_LABELS.approved]: { color: "0e8a16", description: "Reviewer approved this version" },
  [DECISION_LABELS.rejected]: { color: "b60205", description: "Reviewer rejected the appeal" },
  [DECISION_LABELS.downgraded]: { color: "1d76db", description: "Reviewer set a lower level" },
  [OVERDUE]: { color: "e99695", description: "Past its review deadline" },
  [RESOLVED]: { color: "0e8a16", description: "Resolved by a later commit" },
  [RESCAN_CLEAN]: { color: "0e8a16", description: "The latest scan found nothing; a reviewer still decides" },
  [RESCAN_FLAGGED]: { color: "d93f0b", description: "The latest scan still flags the skill" },
};

export function labelDefinition(name: string): { color: string; description: string } {
  return DEFS[name] ?? { color: "ededed", description: "skill-quarantine" };
}

export async function ensureLabels(
  octokit: GitHubClient,
  owner: string,
  repo: string,
  names: string[],
): Promise<void> {
  const existing = await octokit.paginate(octokit.rest.issues.listLabelsForRepo, {
    owner,
    repo,
    per_page: 100,
  });
  const have = new Set(existing.map((l) => l.name.toLowerCase()));
  for (const name of new Set(names)) {
    if (have.has(name.toLowerCase())) continue;
    try {
      await octokit.rest.issues.createLabel({ owner, repo, name, ...labelDefinition(name) });
    } catch (err) {
      if (!alreadyExists(err)) throw err;
    }
  }
}

/** 422 with `errors: [{code: "already_exists"}]`: another delivery created the label first. */
function alreadyExists(err: unknown): boolean {
  const e = err as { status?: number; response?: { data?: { errors?: { code?: string }[] } } };
  return e.status === 422 && (e.response?.data?.errors ?? []).some((x) => x.code === "already_exists");
}

/** Removes a label from an issue; absent already (404) is fine. */
export async function removeLabel(
  octokit: GitHubClient,
  owner: string,
  repo: string,
  issue: number,
  name: string,
): Promise<void> {
  try {
    await octokit.rest.issues.removeLabel({ owner, repo, issue_number: issue, name });
  } catch (err) {
    if ((err as { status?: number }).status !== 404) throw err;
  }
}
