import type { Finding } from "../types.js";

// Auditors, incident-response kits and secret scanners read exactly what stealers read (agent
// configs, browser history, key files): that they *send* nothing is what tells them apart. A read
// in a skill whose description announces the audit, or names the file, and in which nothing fetches,
// sends or exfiltrates, is held at RISKY: the person installing it still confirms what it reads.

const AUDIT_PURPOSE =
  /\b(?:audit(?:s|ing|or)?|forensics?|incident[- ]response|dfir|triage|investigat(?:e|es|ion|ing)|evidence|inventor(?:y|ies)|security (?:review|check|scan|posture)|scan(?:s|ning)? (?:for|your|the)|secret[- ]scann(?:er|ing)|detect(?:s|ion|ing)?|hunt(?:s|ing)?|report(?:s|ing)? (?:risky|on|security))\b/i;

/** Dot-folder paths the description names: "~/.claude/projects", ".cursor/mcp.json". */
const NAMED_PATH = /(?:~\/)?(\.[\w-]{2,40}(?:\/[\w.-]{1,60}){1,4})/g;

/** Why a local read is what the skill's announced audit does, or undefined. */
export function announcedLocalRead(
  f: Finding,
  line: string,
  description: string,
  sendsAnything: boolean,
): string | undefined {
  if (sendsAnything) return undefined;
  if (!f.ruleId.startsWith("cred.") && f.ruleId !== "script.read-sensitive") return undefined;
  const purpose = AUDIT_PURPOSE.exec(description)?.[0];
  if (purpose)
    return `reads it locally for what its description announces ("${purpose}"); nothing in the skill sends data away`;
  // `Path.home() / ".claude" / "projects"` is the "~/.claude/projects" the description names.
  const joined = line.replace(/["'`\s]/g, "").replace(/[,+]/g, "/");
  for (const m of description.matchAll(NAMED_PATH)) {
    const path = m[1]!.replace(/\.$/, "");
    if (joined.includes(path))
      return `reads ${m[0].replace(/\.$/, "")}, which its description names; nothing in the skill sends data away`;
  }
  return undefined;
}

/** Rules that match a place programs start from (the place, not what is done there). */
const AUTOSTART_RULES = new Set([
  "persist.launch-agent",
  "persist.windows-autorun",
  "persist.systemd-unit",
  "persist.crontab",
]);
/** A write into the place, on the line: copying, linking, loading or registering something there. */
const AUTOSTART_WRITE =
  /\b(?:cp|mv|install|ln|tee|rsync|ditto|New-Item|Copy-Item|Move-Item|Set-ItemProperty|New-ItemProperty|Set-Content|Out-File|reg\s+add|schtasks\s+\/create|launchctl\s+(?:load|bootstrap|enable)|systemctl\s+(?:--user\s+)?(?:enable|link)|crontab\s+(?!-l\b)\S)|(?<![<&\d])>(?!\s*&)|\bsudo\b/i;

/**
 * Why naming an autostart place is the inventory a forensics or hunting skill announces, or
 * undefined: the description says it audits or hunts, nothing in the skill sends data, and the line
 * writes nothing into the place (a redirect of a listing into the case folder is the report).
 */
export function announcedAutostartAudit(
  f: Finding,
  line: string,
  description: string,
  sendsAnything: boolean,
): string | undefined {
  if (sendsAnything || !AUTOSTART_RULES.has(f.ruleId)) return undefined;
  const purpose = AUDIT_PURPOSE.exec(description)?.[0];
  if (!purpose) return undefined;
  // `ls -la "$d" >> "$OUT/…txt"`: a listing written to the report is no write into the place.
  const withoutReport = line.replace(/>>?\s*["']?\$\{?OUT\w*\}?[^\s;|&]*/g, "");
  if (AUTOSTART_WRITE.test(withoutReport)) return undefined;
  return `names where programs start, for what its description announces ("${purpose}"); nothing here writes there or sends data`;
}
