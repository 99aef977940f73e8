import type { TextFile } from "../analyze/analysis-context.js";
import { fencesOf } from "../markdown/context.js";
import type { Finding } from "../types.js";
import type { Judgement } from "./judgement.js";

// Offensive-security guides (purpose stage, src/scan/weigh/purpose.ts): a technique the guide
// documents for use against a target, told apart from one aimed at the local user, and harmless
// proof-of-concept payloads. Only in instructions; never downloads, exfiltration or scripts.

/** A description that says the skill is an offensive-security guide (pentest, red team, CTF). */
export const OFFENSIVE_PURPOSE =
  /\b(?:penetration[- ]test(?:s|ing|ers?)?|pen-?test(?:s|ing|ers?)?|red[- ]team(?:s|ing)?|ctfs?|capture[- ]the[- ]flag|offensive[- ]security|ethical[- ]hack(?:ing|ers?)?|post-exploitation|privilege[- ]escalation|privesc|password (?:audit(?:ing|s)?|recovery|cracking)|hash[- ]cracking|reverse[- ]shells?|bind[- ]shells?|exploit(?:ing|ation)?\s+(?:[\w-]+\s+){0,3}(?:vulnerabilit(?:y|ies)|flaws|misconfigurations?)|(?:cross-site scripting|xss|sql injection)\s+attacks)\b/i;

const SETUP_HEADING =
  /\b(set ?up|install(?:ation|ing)?|prerequisites?|requirements?|quick ?start|getting started|before you (?:begin|start)|bootstrap|first[- ]time|initiali[sz](?:e|ation))\b/i;

/** The nearest Markdown heading above `line`, outside fenced blocks. */
function headingAbove(file: TextFile, line: number): string {
  let inFence = false;
  const heads: string[] = [];
  for (let n = 1; n < line; n++) {
    const t = file.lines.lineText(n);
    if (/^\s{0,3}(?:`{3,}|~{3,})/.test(t)) inFence = !inFence;
    else if (!inFence && /^\s{0,3}#{1,6}\s/.test(t)) heads.push(t);
  }
  return heads.at(-1) ?? "";
}

/** The categories an offensive guide documents against a target; never downloads or exfiltration. */
const AGAINST_TARGET = new Set(["credential-access", "persistence", "remote-access"]);

/**
 * What belongs to the local user rather than to a target: their home folder, key and cloud folders,
 * browser stores, keychains and the agent's own configuration. A technique aimed at these is never
 * lowered below RISKY, whatever the guide says it is for.
 */
const LOCAL_USER =
  /~[/\\]|\$\{?HOME\b|%USERPROFILE%|\$env:USERPROFILE|%APPDATA%|\$env:APPDATA|\/Users\/|\/home\/|\/root\/|\.ssh\b|\.aws\b|\.azure\b|\.kube\b|gcloud|\.gnupg|\.netrc|\.npmrc|\.pypirc|\.docker[/\\]config|Login Data|logins\.json|key[34]\.db|Cookies|Local State|keychain|\.claude|\.codex|\.cursor|\.gemini|\.config[/\\]/i;

/**
 * Credential rules whose technique reads a system's credential store (shadow, SAM, LSASS, NTDS), the
 * target of a password audit or a privilege escalation, not a person's own keys or tokens.
 */
const SYSTEM_STORE_RULES = new Set(["cred.os-credential-dump"]);

/** The words of the description that declare the offensive purpose ("penetration testing"). */
export function offensivePurpose(text: string): string | undefined {
  return OFFENSIVE_PURPOSE.exec(text)?.[0]?.toLowerCase();
}

/**
 * The judgement for an offensive guide's technique: against a target that is not the local user —
 * a system credential store, a shell sent to a placeholder address, persistence in a passage that
 * names its target — it is what the guide is for (LOW_QUALITY, "uses attack techniques for …");
 * anything touching the local user's own files, or persistence with no target named, is held at RISKY.
 */
export function againstTargetOf(
  f: Finding,
  file: TextFile,
  line: string,
  purposeWords: string | undefined,
): Judgement | undefined {
  const why = againstTarget(f, file, purposeWords !== undefined);
  if (!why) return undefined;
  const aimed =
    !LOCAL_USER.test(line) &&
    (f.category === "remote-access" ||
      (f.category === "credential-access" && SYSTEM_STORE_RULES.has(f.ruleId)) ||
      (f.category === "persistence" && why.includes("names a placeholder target")));
  return aimed
    ? { why, to: "LOW_QUALITY", does: `uses attack techniques for ${purposeWords}` }
    : { why, to: "RISKY" };
}

/**
 * Data leaving for a real host: a URL or address that is not a placeholder, documentation or private
 * range. In such a block the technique is not aimed at a lab target but at somewhere real.
 */
const URL_HOST = /\b(?:https?|ftp|wss?):\/\/([^\s/"'`<>:)]+)/gi;
const PLACEHOLDER_HOST =
  /^(?:localhost|127\.|10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|192\.0\.2\.|198\.51\.100\.|203\.0\.113\.|0\.0\.0\.0|\$|\{|<|x+\.|attacker|target|victim|your|evil|lhost|rhost)|(?:^|\.)(?:example(?:\.com|\.org|\.net)?|local|test|invalid|lan|internal|corp|htb|thm)$/i;
const SEND_TOOL =
  /\b(?:curl|wget|scp|rsync|nc|ncat|netcat|socat|ftp|sftp|Invoke-WebRequest|iwr|Invoke-RestMethod)\b/i;
const PLACEHOLDER_TEXT =
  /<[A-Za-z][\w -]{0,30}>|\b(?:TARGET|RHOST|LHOST|ATTACKER|VICTIM)(?:_\w+)?\b|\b(?:domain|corp|target|victim)\.(?:local|com|htb)\b|\b10\.10\.\d+\.\d+\b|\b(?:mimikatz|meterpreter|msf\d?|beacon)\s*>/;

/** Whether a fenced block sends anything to a real host (then nothing in it is lowered). */
export function sendsToRealHost(block: string): boolean {
  for (const m of block.matchAll(URL_HOST)) if (!PLACEHOLDER_HOST.test(m[1] ?? "")) return true;
  for (const line of block.split("\n")) {
    if (!SEND_TOOL.test(line)) continue;
    // A send to a bare host or IP: every host-like word on the line must be a placeholder.
    const hosts = line.match(
      /\b(?:\d{1,3}(?:\.\d{1,3}){3}|[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})*\.[a-z]{2,24})\b/gi,
    );
    for (const h of hosts ?? []) {
      if (/\.(?:sh|py|txt|zip|gz|tar|ps1|exe|dll|bin|json|xml|conf|key|pem|pub|db|log|hash|hashes)$/i.test(h))
        continue;
      if (!PLACEHOLDER_HOST.test(h)) return true;
    }
  }
  return false;
}

/**
 * Why a finding in an offensive-security guide documents a technique for use against a target, or
 * undefined. Only in instructions (never scripts), only in a fenced block or a table row / inline span,
 * only credential access, persistence and remote access, and only when nothing in the block sends
 * data to a real host.
 */
export function againstTarget(f: Finding, file: TextFile, offensive: boolean): string | undefined {
  if (!offensive || !AGAINST_TARGET.has(f.category) || f.ruleId.startsWith("script.")) return undefined;
  // A fixed public key planted in authorized_keys is a real backdoor, never a placeholder.
  if (f.ruleId === "persist.authorized-keys-backdoor") return undefined;
  if (file.kind !== "instructions" || f.decoded) return undefined;
  // Setup and install sections run on the user's own machine, not against a target.
  if (SETUP_HEADING.test(headingAbove(file, f.line))) return undefined;
  const line = file.lines.lineText(f.line);
  let passage: string;
  if (f.context === "code-block") {
    const block = fencesOf(file.text).find((b) => {
      const first = b.line + 2;
      return f.line >= first && f.line < first + b.content.split("\n").length;
    });
    if (!block) return undefined;
    passage = block.content;
  } else if (f.context === "inline-code" || /^\s*\|/.test(line)) passage = line;
  else return undefined;
  if (sendsToRealHost(passage)) return undefined;
  const target = PLACEHOLDER_TEXT.test(passage) ? " (it names a placeholder target)" : "";
  return `an offensive-security technique the guide documents for use against a target${target}`;
}

/** A proof-of-concept payload: a dialog or a log line showing the code ran, and nothing else. */
const POC =
  /^\s*(?:alert|prompt|confirm|print|console\.log)\s*(?:\(\s*[\w'". ]{0,40}\s*\)|`[\w ]{0,40}`)\s*;?\s*$/;

/**
 * Why an encoded-and-run snippet in an offensive guide is a proof of concept, or undefined: every
 * encoded literal on the line decodes to `alert(1)`-like text (an XSS filter-bypass example). Anything
 * else encoded — a fetch, a cookie sent away, more decoding — stays as detected.
 */
export function proofOfConcept(f: Finding, file: TextFile, offensive: boolean): string | undefined {
  if (!offensive || f.category !== "obfuscation" || file.kind !== "instructions") return undefined;
  if (f.context !== "code-block" && f.context !== "inline-code") return undefined;
  const line = file.lines.lineText(f.line);
  const encoded = [...line.matchAll(/(["'`])([A-Za-z0-9+/]{4,400}={0,2})\1/g)].map((m) => m[2] ?? "");
  if (encoded.length === 0) return undefined;
  for (const e of encoded) {
    const text = Buffer.from(e, "base64").toString("latin1");
    if (!POC.test(text)) return undefined;
  }
  return "a proof-of-concept payload (it decodes to a harmless dialog) in an offensive-security guide";
}
