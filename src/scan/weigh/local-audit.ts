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
