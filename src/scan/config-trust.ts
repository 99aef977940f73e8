import { parseLevel } from "./levels.js";
import { type ConfigFile, normaliseConfig, parseConfigFile, type ScanConfig } from "./scan-config.js";

// Who wrote a config decides what it may do (DESIGN "Non-bypassable: who controls what").
//
// - operator: whoever the gate protects: the App's environment and the policy file it names, the
//   Action's config read from the base commit, the CLI user's own file and flags. Everything applies.
// - repository: the repository under scan (the App's `.github/skill-quarantine.yml` in the skill's
//   repository, whatever it `_extends`). Its author controls every byte under scan, so its file can
//   only add strictness: more blocked hashes, hosts, IPs and authors, and a stricter `fail-on`.
//   Everything else would let the content under scan decide how it is scanned, and is ignored:
//     paths / exclude       skip skills or files (`exclude: ["**"]` → nothing scanned → success)
//     allowed-domains       allow the attacker's host (MALICIOUS exfiltration → RISKY)
//     limits                leave the payload unread (lower) or make the scan slow (higher)
//     silence               hide findings
//     reports               raise the threshold so user reports never count
//     appeals               make a repository the author controls the reviewers' repository
//     namespace             skill ids change, and reviewers' decisions are keyed by skill id
//     trust                 name its own owner a verified publisher
//     fail-on (looser)      let a worse level pass

export type ConfigSource = "operator" | "repository";

export const IGNORED_REASON = "set by the repository under scan";

export interface MergedConfig {
  config: ScanConfig;
  /** One line per ignored key: `<key>: ignored: set by the repository under scan (<why>)`. */
  ignored: string[];
  /** The keys alone, for a one-line summary. */
  ignoredKeys: string[];
}

// Keys a repository file may not set, each with the reason shown in the check run.
const OPERATOR_ONLY: { key: keyof ConfigFile; why: string }[] = [
  { key: "paths", why: "only the operator chooses what is scanned" },
  { key: "exclude", why: "only the operator chooses what is skipped" },
  { key: "allowed-domains", why: "only the operator allows hosts" },
  { key: "limits", why: "only the operator sets limits" },
  { key: "silence", why: "only the operator silences rules" },
  { key: "reports", why: "only the operator sets the report threshold" },
  { key: "appeals", why: "only the operator names the appeals repository" },
  { key: "namespace", why: "skill ids, which reviewers' decisions are bound to, are the operator's" },
  { key: "trust", why: "only the operator names verified publishers" },
];

/** The level at which a scan fails; "none" (never fails) is the loosest. Operator default: SUSPICIOUS. */
function strictness(failOn: ScanConfig["failOn"]): number {
  const n = parseLevel(failOn ?? "SUSPICIOUS") ?? 3;
  return n === 0 ? 5 : n;
}

/**
 * Applies a repository's config file on top of the operator's config, taking only what adds
 * strictness. Never throws; `ignored` lists every key that was not taken, for the report.
 */
export function mergeRepositoryConfig(operator: ScanConfig, repoFile: ConfigFile): MergedConfig {
  const ignored: string[] = [];
  const ignoredKeys: string[] = [];
  const ignore = (key: string, why: string) => {
    ignoredKeys.push(key);
    ignored.push(`${key}: ignored: ${IGNORED_REASON} (${why})`);
  };
  for (const { key, why } of OPERATOR_ONLY) if (repoFile[key] !== undefined) ignore(key, why);

  let failOn = operator.failOn;
  const wanted = repoFile["fail-on"];
  if (wanted !== undefined) {
    if (strictness(wanted) < strictness(operator.failOn)) failOn = wanted;
    else if (strictness(wanted) > strictness(operator.failOn))
      ignore(
        "fail-on",
        `${wanted} is looser than the operator's ${operator.failOn ?? "SUSPICIOUS"}; a repository may only make it stricter`,
      );
  }

  // Only the blocklist goes through normaliseConfig: it appends to the operator's lists.
  const withBlocklist = normaliseConfig({ blocklist: repoFile.blocklist }, operator);
  return { config: { ...operator, blocklist: withBlocklist.blocklist, failOn }, ignored, ignoredKeys };
}

/** Parses and merges a repository's config file text; a ConfigError (invalid file) propagates. */
export function parseRepositoryConfig(operator: ScanConfig, text: string, fileName: string): MergedConfig {
  return mergeRepositoryConfig(operator, parseConfigFile(text, fileName));
}
