import type { Context } from "probot";
import { ConfigError, defaultConfig, parseConfigText, type ScanConfig } from "../scan/config.js";

// The per-repository config, `.github/skill-quarantine.yml`, read through Probot's config loader:
// from the repository's default branch (a pull request cannot relax its own check), falling back to
// the same path in the owner's `.github` repository, with `_extends: other-repo` supported.
// Validation is the core's (one schema for every surface). An invalid file never stops the scan:
// the scan runs with the defaults and the check run says what is wrong.

export const CONFIG_FILE = "skill-quarantine.yml";
export const CONFIG_PATH = `.github/${CONFIG_FILE}`;

export interface RepoConfig {
  config: ScanConfig;
  /** Set when the file could not be read or is invalid: the message for the check run. */
  problem?: string;
}

type ConfigContext = Pick<Context, "config">;

export async function loadRepoConfig(context: ConfigContext): Promise<RepoConfig> {
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
    return { config: defaultConfig(), problem: `${CONFIG_PATH}: ${what}` };
  }
  if (raw === null || raw === undefined) return { config: defaultConfig() };
  try {
    // JSON is YAML: the core's parser then gives the same messages as for the CLI and the Action.
    return { config: parseConfigText(JSON.stringify(raw), CONFIG_PATH) };
  } catch (err) {
    if (err instanceof ConfigError) return { config: defaultConfig(), problem: err.message };
    throw err;
  }
}

function cleanMessage(message: string): string {
  return message
    .replace(/^\[@probot\/octokit-plugin-config\]\s*/, "")
    .replace(/https:\/\/api\.github\.com\/repos\//, "");
}
