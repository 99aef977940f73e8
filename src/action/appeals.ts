import type { ActionDecisions } from "./decisions.js";
import type { ActionInputs } from "./inputs.js";

// Reviewer decisions from the GitHub App's appeals repository, when one is named. The reader and its
// GitHub client (src/action/decisions.ts: @actions/github, Octokit, undici) are imported only when
// there is a token to read with, so a cold start without an appeals repository never compiles them.

export async function readFromAppealsRepository(
  inputs: ActionInputs,
  repository: string,
  skillRepo: string,
  where: { prefix: string; namespace?: string },
): Promise<ActionDecisions> {
  const token = inputs["github-token"];
  if (!token)
    return {
      decisions: [],
      open: [],
      notes: [
        `No token to read the appeals repository ${repository}: set \`github-token\`. No reviewer decision was applied.`,
      ],
    };
  // Loaded only here (a chunk of its own in the bundle): most runs name no appeals repository.
  const { readActionDecisions } = await import("./decisions.js");
  return readActionDecisions({
    repository,
    token,
    app: inputs["app-slug"],
    markerSecret: inputs["marker-secret"],
    skillRepo,
    ...where,
  });
}
