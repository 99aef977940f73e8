import type { ProbotOctokit } from "probot";

// Who may do what, from GitHub's collaborator-permission API
// (GET /repos/{owner}/{repo}/collaborators/{username}/permission). `permission` is the legacy base
// role (admin, write, read, none; maintain → write, triage → read); `role_name` names the role
// itself. Every failure (5xx after retries, 404, network) is an answer of "no": a command whose
// permission cannot be checked is refused, never let through.

export type Access = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export type AccessCheck = { ok: true; access: Access } | { ok: false; status?: number };

const ROLES: readonly Access[] = ["admin", "maintain", "write", "triage", "read", "none"];

export async function accessOf(
  octokit: ProbotOctokit,
  owner: string,
  repo: string,
  username: string,
): Promise<AccessCheck> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username });
    const role = (ROLES as readonly string[]).includes(data.role_name)
      ? (data.role_name as Access)
      : undefined;
    // A custom role is judged by its base permission.
    const base = (ROLES as readonly string[]).includes(data.permission)
      ? (data.permission as Access)
      : "none";
    return { ok: true, access: role ?? base };
  } catch (err) {
    return { ok: false, status: (err as { status?: number }).status };
  }
}

/** Reviewers: write, maintain or admin on the appeals repository. */
export const canReview = (a: Access) => a === "admin" || a === "maintain" || a === "write";

/** Reviewers in the skill's own repository (no operator appeals repository): maintain or admin only. */
export const canMaintain = (a: Access) => a === "admin" || a === "maintain";

/**
 * Appellants: access to the skill's repository. Write, maintain and admin always count. Read and
 * triage count for a private repository, or for the skill's author (a pull request's author on a
 * public repository has only read); on a public repository everybody has read, so read alone proves
 * nothing.
 */
export function canAppeal(a: Access, opts: { isPrivate: boolean; isAuthor: boolean }): boolean {
  if (canReview(a)) return true;
  if (a === "read" || a === "triage") return opts.isPrivate || opts.isAuthor;
  return false;
}
