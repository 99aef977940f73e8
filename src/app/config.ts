import type { Context } from "probot";
import { parseFullName, type RepoRef } from "../appeals/repo-ref.js";
import {
  CONFIG_PATH,
  ConfigError,
  defaultConfig,
  parseConfigText,
  parseRepositoryConfig,
  type ScanConfig,
} from "../scan/index.js";
import type { AppEnv } from "./env.js";
import { readContent } from "./github/contents.js";
import { octokitFor } from "./github/repos.js";

// Two configs, by who wrote them (DESIGN "Non-bypassable: who controls what"):
//
// - The operator's policy: the App's environment (APPEALS_REPOSITORY) and, when the operator names
//   one, a policy file (POLICY_REPOSITORY, POLICY_PATH, default `.github/skill-quarantine-policy.yml`)
//   read from that repository's default branch. POLICY_REPOSITORY may be `{owner}/.github` to take
//   each organisation's `.github` repository: then whoever administers that organisation is its
//   operator. Everything in it applies, like the CLI user's own file.
// - The repository's own `.github/skill-quarantine.yml`, read through Probot's config loader (default
//   branch, the owner's `.github` repository as fallback, `_extends` followed). Every byte of it,
//   whatever it extends, is repository content: it goes through mergeRepositoryConfig, which takes
//   only what adds strictness; the rest is listed in the check run as ignored.
//
// The policy file has its own name so that the `.github` fallback of a repository's file never reads
// the operator's policy as repository content. An invalid repository file never stops the scan (the
// operator's config is used and the run says what is wrong); an unreadable or invalid policy stops it,
// since scanning without the operator's blocklist would be a silent pass.

export { CONFIG_PATH };
// Probot's loader takes the name inside .github/.
export const CONFIG_FILE = CONFIG_PATH.replace(/^\.github\//, "");
export const DEFAULT_POLICY_PATH = ".github/skill-quarantine-policy.yml";
const MAX_POLICY_BYTES = 256 * 1024;

export interface RepoConfig {
  config: ScanConfig;
  /** Set when the file could not be read or is invalid: the message for the check run. */
  problem?: string;
  /** Lines naming what the repository's file set and was not taken (set by the content under scan). */
  ignored: string[];
  ignoredKeys: string[];
}

/** Where the operator's policy file is; `{owner}` in `repository` is the scanned repository's owner. */
export type { PolicySource } from "./env.js";

/** The operator's policy could not be read or is invalid: the scan stops rather than run without it. */
export class PolicyError extends Error {
  override name = "PolicyError";
}

type ConfigContext = Pick<Context, "config">;

/** The repository's own file, merged onto the operator's config (only what adds strictness is taken). */
export async function loadRepoConfig(context: ConfigContext, operator: ScanConfig): Promise<RepoConfig> {
  const none = { ignored: [], ignoredKeys: [] };
  let raw: unknown;
  try {
    raw = await context.config(CONFIG_FILE);
  } catch (err) {
    const status = (err as { status?: number }).status;
    // An API failure (not a bad file) is not the author's fault, but it still must not pass silently.
    const what =
      status !== undefined
        ? `could not be read (GitHub answered ${status})`
        : cleanMessage((err as Error).message);
    return { config: operator, problem: `${CONFIG_PATH}: ${what}`, ...none };
  }
  if (raw === null || raw === undefined) return { config: operator, ...none };
  try {
    // JSON is YAML: the core's parser then gives the same messages as for the CLI and the Action.
    return parseRepositoryConfig(operator, JSON.stringify(raw), CONFIG_PATH);
  } catch (err) {
    if (err instanceof ConfigError) return { config: operator, problem: err.message, ...none };
    throw err;
  }
}

/** The policy file for `skillRepo`, when the operator named one. */
export function policyFor(
  env: Pick<AppEnv, "policy">,
  skillRepo: RepoRef,
): (RepoRef & { path: string }) | undefined {
  if (!env.policy) return undefined;
  const name = env.policy.repository.replace(/^\{owner\}\//, `${skillRepo.owner}/`);
  return { ...parseFullName(name), path: env.policy.path };
}

/**
 * The operator's config for a scan of `skillRepo`: the defaults, the policy file when one is named,
 * then APPEALS_REPOSITORY. A missing policy file is the defaults (with a note); anything else that
 * keeps it from being read, or an invalid file, is a PolicyError.
 */
export async function loadOperatorConfig(
  context: Context,
  env: Pick<AppEnv, "policy" | "appealsRepository" | "installationOctokit">,
  skillRepo: RepoRef,
): Promise<{ config: ScanConfig; notes: string[] }> {
  let config = defaultConfig();
  const notes: string[] = [];
  const where = policyFor(env, skillRepo);
  if (where) {
    const name = `${where.owner}/${where.repo}/${where.path}`;
    let data: unknown;
    try {
      const octokit = await octokitFor(context, env as AppEnv, where);
      data = await readContent(octokit, where, where.path);
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status !== 404)
        throw new PolicyError(
          `the operator's policy ${name} could not be read (${status !== undefined ? `GitHub answered ${status}` : (err as Error).message})`,
        );
      notes.push(`The operator's policy ${name} does not exist: the default settings were used.`);
    }
    if (data !== undefined) {
      const file = data as { type?: string; content?: string; size?: number };
      if (file.type !== "file" || typeof file.content !== "string")
        throw new PolicyError(`the operator's policy ${name} is not a file`);
      if ((file.size ?? 0) > MAX_POLICY_BYTES)
        throw new PolicyError(`the operator's policy ${name} is larger than ${MAX_POLICY_BYTES} bytes`);
      try {
        config = parseConfigText(Buffer.from(file.content, "base64").toString("utf8"), name);
      } catch (err) {
        if (err instanceof ConfigError)
          throw new PolicyError(`the operator's policy is invalid: ${err.message}`);
        throw err;
      }
    }
  }
  if (env.appealsRepository) config.appealsRepository = env.appealsRepository;
  return { config, notes };
}

function cleanMessage(message: string): string {
  return message
    .replace(/^\[@probot\/octokit-plugin-config\]\s*/, "")
    .replace(/https:\/\/api\.github\.com\/repos\//, "");
}
