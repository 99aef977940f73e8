import { Context, type ProbotOctokit } from "probot";
import type { AppealMarker } from "../../appeals/markers.js";
import { parseFullName, type RepoRef, sameRepo } from "../../appeals/repo-ref.js";
import type { AppEnv, CheckRequest } from "../env.js";

// Acting on a repository other than the one the webhook came from: the appeals repository (config
// `appeals.repository`) from a skill repository's event, and the skill repository (from the appeal's
// marker) from a comment in the appeals repository.

export function eventRepo(context: Context): RepoRef | undefined {
  const r = (context.payload as { repository?: { owner?: { login?: string }; name?: string } }).repository;
  return r?.owner?.login && r.name ? { owner: r.owner.login, repo: r.name } : undefined;
}

/**
 * An octokit that can act on `target`: the delivery's installation when the owner is the same
 * account, else the installation of `target` found with the App's JWT (so an organisation can keep
 * its appeals repository under another account where the App is installed too).
 */
export async function octokitFor(context: Context, env: AppEnv, target: RepoRef): Promise<ProbotOctokit> {
  const own = eventRepo(context);
  if (!own || own.owner.toLowerCase() === target.owner.toLowerCase() || !env.installationOctokit)
    return context.octokit;
  return env.installationOctokit(target.owner, target.repo);
}

/** A Probot context for `target` (its config file, its check runs), with this delivery's id and log. */
export function contextFor(context: Context, octokit: ProbotOctokit, target: RepoRef): Context {
  const own = eventRepo(context);
  if (own && sameRepo(own, target) && octokit === context.octokit) return context;
  const event = {
    id: context.id,
    name: context.name,
    payload: { repository: { owner: { login: target.owner }, name: target.repo } },
  };
  return new Context(event as never, octokit, context.log);
}

/** The commit an appeal is about, as its marker records it: what a re-run of its check needs. */
export function checkRequestOf(marker: AppealMarker): CheckRequest & { author: string } {
  return {
    ...parseFullName(marker.repo),
    sha: marker.sha,
    baseSha: marker.base,
    author: marker.author,
    htmlUrl: marker.html,
    appealUrl: marker.url,
  };
}
