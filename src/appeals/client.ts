import type { Octokit } from "@octokit/rest";

// What the appeals code needs of a GitHub client: the REST methods and pagination. The App passes
// its Probot Octokit, the CLI an @octokit/rest Octokit; both carry these.
export type GitHubClient = Pick<Octokit, "paginate" | "rest">;
