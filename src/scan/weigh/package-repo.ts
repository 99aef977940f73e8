import { parse as parseHost } from "tldts";
import type { SkillIdentity } from "../analyze/analysis-context.js";
import type { Finding } from "../types.js";

// Vendors document their Linux packages as a signed repository: create the keyrings folder, save the
// key there, add a sources line, `apt update`, install (cli.github.com's gh, Docker, HashiCorp…).
// Each step runs as root. The folder, the key and the index refresh change nothing by themselves;
// the sources line decides where packages come from, so it is lowered only when its host is named
// for what the skill says it is (cli.github.com in github-cli-setup). Any other host keeps RISKY.

const KEYRINGS = String.raw`(?:/etc/apt/keyrings|/usr/share/keyrings|/etc/apt/trusted\.gpg\.d)`;
const HOUSEKEEPING = [
  new RegExp(
    String.raw`^sudo\s+(?:-\w+\s+)*mkdir\s+(?:-[pm]\s+(?:\d{3,4}\s+)?)*${KEYRINGS}/?\s*(?:$|[\\&;|)])`,
  ),
  new RegExp(
    String.raw`^sudo\s+(?:-\w+\s+)*chmod\s+(?:go\+r|a\+r|0?644)\s+${KEYRINGS}/[\w.-]+\.(?:gpg|asc)\b`,
  ),
  new RegExp(
    String.raw`^sudo\s+(?:-\w+\s+)*(?:tee|cp|install\s+-m\s*\d+)\s+(?:\S+\s+)?${KEYRINGS}/[\w.-]+\.(?:gpg|asc)\b`,
  ),
  new RegExp(
    String.raw`^sudo\s+(?:-\w+\s+)*gpg\s+(?:--\w+\s+)*--dearmor\s+(?:--\w+\s+)*-o\s+${KEYRINGS}/[\w.-]+\.gpg\b`,
  ),
  /^sudo\s+(?:-\w+\s+)*apt(?:-get)?\s+(?:-\w+\s+)*update\b/,
];
const SOURCES_LINE =
  /^sudo\s+(?:-\w+\s+)*tee\s+(?:-a\s+)?\/etc\/apt\/sources\.list\.d\/[\w.-]+\.(?:list|sources)\b/;
const REPO_ADD =
  /^sudo\s+(?:-\w+\s+)*(?:dnf|yum)\s+config-manager\s+(?:--add-repo|addrepo)\s+(https?:\/\/[^\s'"`]+)/;
const DEB_URL = /\bdeb\s+(?:\[[^\]]{0,300}\]\s+)?(https?:\/\/[^\s'"`]+)/;

/**
 * The host of `url` is named for the skill: its registrable domain's label is one of the skill's
 * words (github for cli.github.com in a GitHub CLI skill), never on a throwaway top-level domain.
 */
function hostNamedForSkill(url: string, id: SkillIdentity, abusedTlds: readonly string[]): boolean {
  const p = parseHost(url);
  if (!p.domainWithoutSuffix || !p.isIcann) return false;
  if (abusedTlds.includes(p.publicSuffix?.split(".").pop() ?? "")) return false;
  const label = p.domainWithoutSuffix.toLowerCase();
  return label.length >= 4 && [...id.names, ...(id.words ?? [])].includes(label);
}

/** Why a sudo step is part of adding the skill's own vendor's package repository, or undefined. */
export function vendorPackageRepo(
  f: Finding,
  line: string,
  id: SkillIdentity,
  abusedTlds: readonly string[] = [],
): string | undefined {
  if (f.ruleId !== "persist.sudo") return undefined;
  const at = line.slice(Math.max(0, f.column - 1));
  // The match starts at what precedes sudo (`&& sudo`, `(sudo`, `$ sudo`).
  const cmd = /^[\s;&|(`$]*(sudo\b.*)$/.exec(at)?.[1];
  if (!cmd) return undefined;
  if (HOUSEKEEPING.some((re) => re.test(cmd)))
    return "prepares a signed package repository (keyring folder, signing key, index refresh)";
  const added = REPO_ADD.exec(cmd)?.[1] ?? (SOURCES_LINE.test(cmd) ? DEB_URL.exec(line)?.[1] : undefined);
  if (added && hostNamedForSkill(added, id, abusedTlds))
    return `adds the package repository of what the skill is about (${new URL(added).host})`;
  return undefined;
}
