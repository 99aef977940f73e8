import type { SkillIdentity, TextFile } from "../analyze/analysis-context.js";
import { identityOf } from "../analyze/provenance.js";
import { levelOf } from "../levels.js";
import { fencesOf } from "../markdown/context.js";
import type { Finding } from "../types.js";
import { adjust, cappedAt } from "./adjust.js";
import { confinedPermission } from "./agent-scope.js";
import { confirmationElsewhere } from "./confirmation.js";
import type { Judgement } from "./judgement.js";
import { existenceOnly, placeholderKey } from "./key-files.js";
import { announcedAutostartAudit, announcedLocalRead } from "./local-audit.js";
import { againstTargetOf, offensivePurpose, proofOfConcept } from "./offensive-guide.js";
import { vendorPackageRepo } from "./package-repo.js";
import { inertProfileBlock, toolchainPath } from "./path-export.js";
import { persistenceRead } from "./persistence-reads.js";
import { projectAgentConfig } from "./project-config.js";
import { ownToolRelease } from "./release-app.js";
import { shippedUnit } from "./shipped-unit.js";
import type { Stage, Weighed, WeighInput } from "./stage.js";
import { FILE_CMD, REPO_CMD, SERVICE_CMD, sudoReadsOnly, sudoRunsTool } from "./sudo-reads.js";

export type { Judgement } from "./judgement.js";
export { existenceOnly, placeholderKey } from "./key-files.js";
export { againstTarget, OFFENSIVE_PURPOSE, offensivePurpose, sendsToRealHost } from "./offensive-guide.js";

// The skill's declared purpose (issue 12, precision round 2). Things a real skill does that malware
// also does, told apart by whose thing it is: a tool installing ITS OWN service, a skill reading ITS
// OWN keychain item, and an offensive-security guide documenting a technique for use against a target.
// A skill that only does what it says is not RISKY: where the judgement is certain (the service is
// named for the skill itself, the technique aims at a named target and not at the local user) the
// finding goes to LOW_QUALITY and the summary says what the skill does; where it is weaker it is held
// at RISKY (a person confirms). None is ever silenced, and none applies to script code, downloads that
// run code, or data sent away — those are judged as they are.

/** Words a unit, plist or binary name carries whatever it belongs to: they identify nobody. */
const UNIT_NOISE = new Set(
  (
    "com org net io dev app apps plist service services timer socket path mount target desktop usr bin sbin " +
    "local opt etc lib library launchagents launchdaemons system systemd user users home sudo setcap cap " +
    "agent agents daemon daemons helper helpers update updater updates sync launcher login startup boot " +
    "apple google microsoft mozilla chrome task tasks job jobs cron run runner main core monitor watch " +
    "the and eip raw admin net_raw net_admin"
  ).split(" "),
);

/** Unit files, plists and the programs setcap/chmod +s act on, as they appear on the finding's line. */
const UNIT_NAME = /[\w.@-]{2,200}\.(?:plist|service|timer|socket)\b/g;
const SETUID_TARGET =
  /\b(?:setcap\s+\S+\s+|chmod\s+(?:[ugoa]*\+s|[0-7]?[4-7][0-7]{3})\s+|chown\s+root\S*\s+)["']?([^\s"';|&]{1,300})/g;

function tokens(name: string): string[] {
  return name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length >= 4 && !UNIT_NOISE.has(t) && !/^\d+$/.test(t));
}

/**
 * Does a name on the line belong to the skill? A token equals one of the skill's names or subjects,
 * or extends one (osqueryd is osquery's daemon). Subjects (description words) count only from five
 * letters: short description words are too often ordinary ones.
 */
function owned(token: string, id: SkillIdentity): string | undefined {
  for (const n of id.names) if (n.length >= 4 && (token === n || token.startsWith(n))) return n;
  for (const s of id.subjects)
    if (s.length >= 5 && !UNIT_NOISE.has(s) && (token === s || token.startsWith(s))) return s;
  return undefined;
}

/** The names a persistence finding's line installs or elevates (unit files, plists, binaries). */
export function installedNames(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(UNIT_NAME)) out.push(m[0]);
  for (const m of line.matchAll(SETUID_TARGET)) if (m[1]) out.push(m[1].slice(m[1].lastIndexOf("/") + 1));
  return out;
}

const OWN_SERVICE_RULES = new Set(["persist.launch-agent", "persist.systemd-unit", "persist.setuid"]);
/**
 * System services and privileges installed for the tool the skill is named after may go to
 * LOW_QUALITY; a per-user LaunchAgent is where malware persists on a Mac, so it stays at RISKY.
 */
const OWN_SERVICE_LOW = new Set(["persist.systemd-unit", "persist.setuid"]);

/**
 * Why a persistence finding installs the skill's own service, or undefined. Every name the line
 * installs must be the skill's: `cp osqueryd.plist …; cp helper.plist …` is not osquery's alone.
 */
export function ownService(f: Finding, line: string, id: SkillIdentity): string | undefined {
  return ownServiceOf(f, line, id)?.why;
}

/**
 * The judgement for a tool's own service: named after the skill's own name (tshark for
 * "analysis-tshark") it is what the skill says it installs (LOW_QUALITY); named only after a word of
 * the description it is held at RISKY. Only in instructions: a script installing a service is judged
 * by the script engine.
 */
export function ownServiceOf(
  f: Finding,
  line: string,
  id: SkillIdentity,
  file?: TextFile,
): Judgement | undefined {
  if (!OWN_SERVICE_RULES.has(f.ruleId)) return undefined;
  const names = installedNames(line);
  if (names.length === 0) return undefined;
  let subject: string | undefined;
  let unit: string | undefined;
  let byName = true;
  for (const n of names) {
    const hits = tokens(n)
      .map((t) => owned(t, id))
      .filter((h): h is string => h !== undefined);
    if (hits.length === 0) return undefined;
    if (!hits.some((h) => id.names.includes(h))) byName = false;
    subject ??= `${n} (${hits[0]})`;
    unit ??= n;
  }
  const why = `installs the skill's own service: ${subject} is named for the skill`;
  // A LaunchDaemon is a system service like a systemd unit (root installs it, every user sees it);
  // only the per-user LaunchAgents folder, where Mac malware persists, is held at RISKY.
  const systemDaemon =
    f.ruleId === "persist.launch-agent" &&
    /\/Library\/LaunchDaemons\//.test(line) &&
    !/LaunchAgents/.test(line);
  if (byName && file?.kind === "instructions" && (OWN_SERVICE_LOW.has(f.ruleId) || systemDaemon))
    return { why, to: "LOW_QUALITY", does: `installs its own tool's service (${unit})` };
  return { why, to: "RISKY" };
}

/** Keychain commands that read no item: unlocking, listing, showing settings. */
const KEYCHAIN_NO_READ =
  /\bsecurity\s+(?:unlock-keychain|lock-keychain|list-keychains|default-keychain|login-keychain|show-keychain-info|set-keychain-settings|create-keychain)\b/;
const KEYCHAIN_READ =
  /\b(?:find-internet-password|dump-keychain|security\s+export|find-certificate|secret-tool|cmdkey|vaultcmd|kwallet-query)\b/;
const GENERIC_PASSWORD = /\bsecurity\s+find-generic-password\b([^\n|;&]*)/;

/**
 * Why a keychain finding reads only the skill's own item (or no item), or undefined. A named generic
 * password (`-s telegram-bot-token`) the skill's identity owns is its own token; `-g` (print the
 * password of an item found by account or label alone), browser items and dumps are theft.
 */
export function ownSecret(f: Finding, line: string, id: SkillIdentity): string | undefined {
  if (f.ruleId !== "cred.keychain-access") return undefined;
  if (KEYCHAIN_READ.test(line)) return undefined;
  const g = GENERIC_PASSWORD.exec(line);
  if (!g) {
    return KEYCHAIN_NO_READ.test(line)
      ? "unlocks or lists the keychain; it reads no item from it"
      : undefined;
  }
  const args = g[1] ?? "";
  if (/(^|\s)-\w*g\b/.test(args)) return undefined;
  const service = /(?:^|\s)-s\s+(?:"([^"]{1,120})"|'([^']{1,120})'|([^\s"']{1,120}))/.exec(args);
  const name = service?.[1] ?? service?.[2] ?? service?.[3];
  if (!name || /[$`*]/.test(name)) return undefined;
  // Browser and system stores are never a skill's own item, whatever the skill calls itself.
  if (/safe storage|chrome|chromium|firefox|brave|edge|opera|safari|icloud|airport|wifi/i.test(name))
    return undefined;
  const hit = tokens(name)
    .map((t) => owned(t, id))
    .find(Boolean);
  return hit ? `reads the skill's own keychain item "${name}" (${hit})` : undefined;
}

/**
 * A keychain command that reads no item and types no password (`security unlock-keychain` with
 * macOS's own prompt, `list-keychains`): nothing secret reaches the agent. `-p <password>` on the
 * line (a password the skill already holds, as stealers do after phishing it) keeps the finding.
 */
function keychainNoRead(f: Finding, line: string): Judgement | undefined {
  if (f.ruleId !== "cred.keychain-access" || KEYCHAIN_READ.test(line) || GENERIC_PASSWORD.test(line))
    return undefined;
  if (!KEYCHAIN_NO_READ.test(line) || /\s-p\b|\bpassword\b|\$\(|`/.test(line.replace(/^[^`]*`|`[^`]*$/g, "")))
    return undefined;
  return {
    why: "unlocks or lists the keychain with the system's own password prompt; it reads no item from it",
    to: "LOW_QUALITY",
    does: "unlocks the keychain (the system asks for the password)",
  };
}

const HISTORY_REWRITE = /\b(?:git[ \t]+filter-repo|filter-repo|bfg|git[ \t]+filter-branch)\b/i;
const SECRET_TARGET =
  /--replace-text\b|--delete-files\b|\b(?:secrets?|credentials?|passwords?|passwd|tokens?|leak(?:ed)?|api[_-]?keys?|private[_ -]?keys?|id_rsa|id_ed25519)\b|\.env\b|\.pem\b/i;

/**
 * Why a force-push publishes a history rewrite that removes a leaked secret, or undefined. After
 * git filter-repo or BFG every branch must be force-pushed: that is the remediation, announced by the
 * passage itself (the same fenced block). Rewriting history to drop
 * arbitrary files is not this: the rewrite must name a secret (a secrets file, --replace-text).
 * Still RISKY — it rewrites shared history, a person confirms.
 */
export function secretPurge(f: Finding, file: TextFile): string | undefined {
  if (f.ruleId !== "destroy.force-push-shared-branch" || file.kind !== "instructions") return undefined;
  const block = fencesOf(file.text).find((b) => {
    const first = b.line + 2;
    return f.line >= first && f.line < first + b.content.split("\n").length;
  });
  if (!block) return undefined;
  const rewrite = block.content
    .split("\n")
    .filter((l) => HISTORY_REWRITE.test(l) && !/^\s*(?:pip|brew|apt(?:-get)?|npm)\s/.test(l));
  if (rewrite.length === 0) return undefined;
  // The rewrite itself must name the secret: a heading saying "leaked secret" above a rewrite that
  // drops src/ would otherwise pass.
  if (!rewrite.some((l) => SECRET_TARGET.test(l))) return undefined;
  return "publishes a history rewrite that removes a leaked secret (git filter-repo/BFG in the same block)";
}

/** Agent session logs (Claude Code's projects/*.jsonl, Codex sessions), as the read's path shows. */
const SESSION_LOG = /\.(?:claude|codex)\/(?:projects|sessions)\/[^`]*\.jsonl\b/;
const ABOUT_SESSIONS = /\bsessions?\b|\btranscripts?\b|conversation (?:history|logs?)/i;

/**
 * Why a script's read of agent session logs is what the skill is about, or undefined: a session
 * search or provenance tool reads transcripts by design. Only the read is held at RISKY; sending
 * them anywhere is its own finding and is not touched here.
 */
export function sessionLogs(f: Finding, description: string): string | undefined {
  if (f.ruleId !== "script.read-sensitive" || !SESSION_LOG.test(f.explanation)) return undefined;
  return ABOUT_SESSIONS.test(description)
    ? "reads the agent session logs its description says it works on"
    : undefined;
}

/**
 * A session-log reader that has no way to send anything anywhere does what it says (search, index,
 * summarise the user's own transcripts): LOW_QUALITY. With any network path in the skill, held at
 * RISKY: transcripts hold everything the user ever pasted.
 */
function sessionLogsOf(why: string | undefined, sendsAnything: boolean): Judgement | undefined {
  if (!why) return undefined;
  return sendsAnything
    ? { why, to: "RISKY" }
    : {
        why: `${why}, and nothing in the skill sends data anywhere`,
        to: "LOW_QUALITY",
        does: "reads the agent's session logs it works on, locally",
      };
}

/** `cp "$PROJECT_DIR/.npmrc" "$DEPS_DIR/"`: a project-scoped registry config copied to a local folder. */
const PROJECT_NPMRC_COPY =
  /^\s*(?:\S+\s*(?:&&|;)\s*)?cp\s+(?:-\w+\s+)*["']?\$\{?((?![A-Z_]*HOME)[A-Z_]*(?:WORKSPACE|PROJECT|REPO|ROOT|SRC|APP|CLIENT|PKG|PACKAGE)[A-Z_]*)\}?\/\.npmrc["']?\s+["']?(?:\$\{?[A-Z_]+\}?|\.)[\w./${}-]*["']?\s*$/;

/**
 * Why a .npmrc finding copies the project's own registry config within the project, or undefined:
 * the source is the workspace's .npmrc (a variable named for the project, never HOME) and the
 * destination a local folder; nothing is read into the script or sent. The user's ~/.npmrc is
 * untouched by this.
 */
export function projectNpmrc(f: Finding, line: string): string | undefined {
  if (f.ruleId !== "script.read-sensitive" && f.ruleId !== "cred.package-registry-tokens") return undefined;
  const m = PROJECT_NPMRC_COPY.exec(line);
  return m
    ? `copies the project's own .npmrc ($${m[1]}) to a local folder; it is not the user's token file`
    : undefined;
}

/** The finding's line with the lines a trailing backslash continues it onto (a few at most). */
function lineOf(input: WeighInput, f: Finding): { file: TextFile; line: string } | undefined {
  const file = input.texts.get(f.file);
  if (!file) return undefined;
  let line = file.lines.lineText(f.line);
  for (let n = f.line + 1; n <= f.line + 4 && /\\\s*$/.test(line); n++)
    line = `${line.replace(/\\\s*$/, " ")}${file.lines.lineText(n)}`;
  return { file, line };
}

const risky = (why: string | undefined): Judgement | undefined => (why ? { why, to: "RISKY" } : undefined);
const low = (why: string | undefined, does: string): Judgement | undefined =>
  why ? { why, to: "LOW_QUALITY", does } : undefined;

/**
 * Own services, own keychain items, offensive guides' techniques and the rest: each judgement lowers
 * to LOW_QUALITY when the skill only does what it says, else holds at RISKY. A finding lowered to
 * LOW_QUALITY proves no capability (the technique aims at a target, the file is only tested, the
 * service is the tool's own), so it cannot make the skill "do more than it says" either.
 */
export const purpose: Stage = {
  name: "purpose",
  run: (w: Weighed, i: WeighInput): Weighed => {
    if (!w.findings.some((f) => levelOf(f.level) >= levelOf("RISKY"))) return w;
    // Read once by detection (frontmatter and the commands SKILL.md runs); derived only when absent.
    const id = i.identity ?? identityOf(i.texts.get(i.skillMd)?.text);
    // The description's words first ("privilege escalation" rather than the name's "privesc").
    const purposeWords = offensivePurpose(`${i.manifest.description ?? ""} ${i.manifest.name ?? ""}`);
    const offensive = purposeWords !== undefined;
    const installs = installLines(w.findings);
    // Whether anything in the skill can send data away: the network seen by script analysis or a
    // finding still weighing RISKY or more that fetches, sends or exfiltrates (a link in prose, or an
    // illustration already lowered, is no way out).
    const sendsAnything =
      i.used.has("network") ||
      w.findings.some(
        (f) =>
          levelOf(f.level) >= levelOf("RISKY") &&
          (f.capabilities?.includes("network") ||
            f.category === "exfiltration" ||
            f.category === "download-execute"),
      );
    let changed = false;
    const findings = w.findings.map((f) => {
      if (levelOf(f.level) < levelOf("RISKY")) return f;
      const at = lineOf(i, f);
      if (!at) return f;
      // Every judgement that applies is asked; a certain one (LOW_QUALITY) wins over a hold at RISKY.
      const j = strongest([
        () => ownServiceOf(f, at.line, id, at.file),
        () => keychainNoRead(f, at.line),
        () => risky(ownSecret(f, at.line, id)),
        () => low(sudoReadsOnly(f, at.line), "reads system state as administrator"),
        () => low(persistenceRead(f, at.line), "lists where programs start automatically (an audit)"),
        () => sudoToolOf(f, at),
        () =>
          low(
            at.file.kind === "instructions" ? toolchainPath(f, at.line) : undefined,
            "adds its toolchain's bin folder, completion or alias to the shell profile",
          ),
        () => risky(inertProfileBlock(f, at.file)),
        () => risky(confinedPermission(f, at.file, at.line)),
        () => risky(shippedUnit(f, at, i.skillMd, i.texts)),
        () => low(projectAgentConfig(f, at.file, at.line), "edits the project's own agent configuration"),
        () => risky(announcedLocalRead(f, at.line, i.manifest.description ?? "", sendsAnything)),
        () =>
          low(
            announcedAutostartAudit(f, at.line, i.manifest.description ?? "", sendsAnything),
            "lists where programs start automatically (an audit)",
          ),
        () =>
          low(
            confirmationElsewhere(
              f,
              at.line,
              () => passageAbove(at.file, f.line),
              () => passageBelow(at.file, f.line),
            ),
            "decides itself when to ask the user for confirmation",
          ),
        () => againstTargetOf(f, at.file, at.line, purposeWords),
        () => low(secretPurge(f, at.file), "removes a leaked secret from the repository's history"),
        () => low(existenceOnly(f, at.line), "only checks which key file exists"),
        () =>
          low(
            at.file.kind === "instructions" ? placeholderKey(f, at.line) : undefined,
            "shows where a public key goes, with a placeholder key",
          ),
        () => sessionLogsOf(sessionLogs(f, i.manifest.description ?? ""), sendsAnything),
        () =>
          low(
            proofOfConcept(f, at.file, offensive),
            `shows harmless proof-of-concept payloads for ${purposeWords}`,
          ),
        () => sudoForOwnTool(f, at, id, installs),
        () => risky(ownToolRelease(f, at.line, id)),
        () =>
          low(
            vendorPackageRepo(f, at.line, id, i.domains?.abusedTlds),
            "adds its vendor's package repository",
          ),
        () => risky(projectNpmrc(f, at.line)),
      ]);
      if (!j) return f;
      if (j.to === "RISKY") {
        const c = cappedAt(f, "RISKY", j.why);
        if (c !== f) changed = true;
        return c;
      }
      changed = true;
      const { capabilities: _none, ...rest } = f;
      return { ...adjust(rest, "LOW_QUALITY", j.why), ...(j.does ? { does: j.does } : {}) };
    });
    return changed ? { ...w, findings } : w;
  },
};

/**
 * A sudo in the instructions that runs an installed tool needing root for its own work (a scanner, a
 * profiler, an audit): the skill does what it says. Scripts are not lowered: they run unattended.
 */
function sudoToolOf(f: Finding, at: { file: TextFile; line: string }): Judgement | undefined {
  if (at.file.kind !== "instructions") return undefined;
  const tools = sudoRunsTool(f, at.line);
  if (!tools) return undefined;
  return {
    why: `runs ${tools.join(", ")} as administrator; nothing is downloaded, written to a system folder or started at boot`,
    to: "LOW_QUALITY",
    does: "runs installed tools that need administrator rights",
  };
}

/**
 * Up to six lines above `line` in the same passage: stops at a heading, a fence or a second blank
 * line, so a confirmation written in another section does not count.
 */
function passageAbove(file: TextFile, line: number): string {
  const out: string[] = [];
  let blanks = 0;
  for (let n = line - 1; n >= 1 && out.length < 6; n--) {
    const t = file.lines.lineText(n);
    if (/^\s{0,3}(?:#{1,6}\s|`{3,}|~{3,})/.test(t)) break;
    if (t.trim() === "") {
      if (++blanks > 1) break;
      continue;
    }
    out.push(t);
  }
  return out.join("\n");
}

/** The next few lines of the same list or paragraph (up to 4, to a heading, fence or blank line). */
function passageBelow(file: TextFile, line: number): string {
  const out: string[] = [];
  for (let n = line + 1; n <= Math.min(file.lines.lineCount, line + 4); n++) {
    const t = file.lines.lineText(n);
    if (t.trim() === "" || /^\s{0,3}(?:#{1,6}\s|`{3,}|~{3,})/.test(t)) break;
    out.push(t);
  }
  return out.join("\n");
}

/** The first LOW_QUALITY judgement, else the first that holds at RISKY (each asked in order). */
function strongest(judges: readonly (() => Judgement | undefined)[]): Judgement | undefined {
  let hold: Judgement | undefined;
  for (const judge of judges) {
    const j = judge();
    if (j?.to === "LOW_QUALITY") return j;
    hold ??= j;
  }
  return hold;
}

/** `file:line` of every download-and-run lowered as the vendor's own installer the skill names. */
function installLines(findings: Finding[]): Set<string> {
  return new Set(
    findings
      .filter((f) => f.category === "download-execute" && f.does !== undefined && f.level === "LOW_QUALITY")
      .map((f) => `${f.file}:${f.line}`),
  );
}

/**
 * Why a `sudo` runs, restarts or writes the configuration of the tool the skill is about (`sudo
 * osqueryi`, `sudo systemctl restart datadog-agent`, `sudo tee /etc/datadog-agent/datadog.yaml`), or
 * runs the vendor's installer already judged as such on the same line: the skill does what it says.
 * Only in instructions, and only the sudo itself — what it writes or starts (a unit, a LaunchDaemon,
 * sudoers, a cron entry, setuid) is its own finding and is judged on its own.
 */
function sudoForOwnTool(
  f: Finding,
  at: { file: TextFile; line: string },
  id: SkillIdentity,
  installs: ReadonlySet<string>,
): Judgement | undefined {
  if (f.ruleId !== "persist.sudo" || at.file.kind !== "instructions") return undefined;
  if (installs.has(`${f.file}:${f.line}`))
    return {
      why: "runs the vendor's installer of the tool the skill is about as administrator",
      to: "LOW_QUALITY",
      does: "runs its tool's installer as administrator",
    };
  const m = /\bsudo[ \t]+(?:-\w+[ \t]+)*([^\s|;&<>`)"']{1,200})([^|;&\n`]{0,300})/.exec(
    at.line.slice(Math.max(0, f.column - 1)),
  );
  if (!m?.[1]) return undefined;
  const cmd = m[1].slice(m[1].lastIndexOf("/") + 1);
  const args = (m[2] ?? "").split(/[ \t]+/).filter((a) => a && !a.startsWith("-"));
  const named = SERVICE_CMD.test(cmd) || FILE_CMD.test(cmd) || REPO_CMD.test(cmd) ? args : [cmd];
  for (const n of named) {
    const hit = tokens(n)
      .map((t) => owned(t, id))
      .find(Boolean);
    if (hit)
      return {
        why: `runs or configures ${hit}, the tool the skill is about, as administrator (${n})`,
        to: "LOW_QUALITY",
        does: `runs ${hit}, the tool it is about, as administrator`,
      };
  }
  return undefined;
}
