// A repository named as the App, the appeal markers and `skill-quarantine appeals sweep --repo` name it.

export interface RepoRef {
  owner: string;
  repo: string;
}

export const fullName = (r: RepoRef) => `${r.owner}/${r.repo}`;

export function parseFullName(s: string): RepoRef {
  const [owner, repo] = s.split("/");
  if (!owner || !repo) throw new Error(`not owner/name: ${s}`);
  return { owner, repo };
}

export const sameRepo = (a: RepoRef, b: RepoRef) => fullName(a).toLowerCase() === fullName(b).toLowerCase();
