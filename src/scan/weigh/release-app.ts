import type { SkillIdentity } from "../analyze/analysis-context.js";
import type { Finding } from "../types.js";

// A skill about a desktop tool published only as GitHub releases (xbar for an xbar skill) sends the
// reader to that repository: a release of the repository named exactly for the skill is held at
// RISKY — the person installing confirms the download — while any other account's release stays as
// found. A repository named for a word of the description is not enough: that is the lure's cover.

const RELEASES = /github\.com\/([\w.-]{1,100})\/([\w.-]{1,100})\/releases\b/i;

/** Why the releases page is the one of the tool the skill is named after, or undefined. */
export function ownToolRelease(f: Finding, line: string, id: SkillIdentity): string | undefined {
  if (f.ruleId !== "exec.release-app-launch") return undefined;
  const m = RELEASES.exec(line);
  if (!m) return undefined;
  const repo = m[2]!.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (repo.length < 4 || !id.names.includes(repo)) return undefined;
  return `downloads the release of ${m[2]}, the tool the skill is named after (${m[1]}/${m[2]})`;
}
