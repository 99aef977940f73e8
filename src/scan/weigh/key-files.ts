import type { Finding } from "../types.js";

// Key files named but not read (purpose stage, src/scan/weigh/purpose.ts): an existence test, a
// listing of where keys are, a placeholder key shown where a real one goes.

/** Path rules whose match can be a mere mention of the file's path. */
const PATH_RULES = new Set([
  "cred.ssh-private-keys",
  "cred.cloud-credentials",
  "cred.package-registry-tokens",
]);
const FILE_TEST =
  /\[\[?\s+!?\s*-[efrsd]\s|\btest\s+-[efrsd]\s|os\.path\.(?:exists|isfile)\(|\.(?:exists|is_file)\(\)|\bexistsSync\(|\bTest-Path\b|^\s*(?:echo|printf)\s+["']?[^\s|;&<>`]+["']?\s*$/;
const READS_IT =
  /\b(?:cat|cp|scp|rsync|read\w*|open|source|base64|xxd|tar|zip|curl|wget|nc|less|more|head|tail|grep|strings|Get-Content|send|upload|post)\b|[<|]|\$\(/;

/** `find / -name "id_rsa" 2>/dev/null`: prints paths, with no -exec, -delete, -print0 or pipe. */
const FIND_BY_NAME =
  /^\s*(?:\$\s+)?find\s+[^\s|;&<>`]+\s+(?:-(?:type|maxdepth|mindepth|xdev)\s+\S+\s+)*-i?name\s+["']?[\w.*-]{1,60}["']?(?:\s+-type\s+\w)?\s*(?:2>\s*\/dev\/null)?\s*$/;

/**
 * A key appended to authorized_keys that is a stand-in, not a key: `ssh-rsa AAAAB3...`, `<your
 * public key>`, `$(cat my_key.pub)` is judged on its own. Run as written it lets nobody in; the
 * reader puts their own key there. A full key literal is a backdoor and keeps its level.
 */
export function placeholderKey(f: Finding, line: string): string | undefined {
  if (f.ruleId !== "persist.authorized-keys-write") return undefined;
  const m =
    /^\s*echo\s+(["'])((?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-\S+)\s+[^"']{0,200})\1\s*>>?\s*\S*authorized_keys\s*$/.exec(
      line,
    );
  const key = m?.[2]?.split(/\s+/)[1] ?? "";
  if (
    !m ||
    !/(?:\.{3}|\u2026|<[^>]{1,40}>|\bKEY\b|X{4,})/.test(m[2] ?? "") ||
    key.replace(/[^A-Za-z0-9+/=]/g, "").length >= 40
  )
    return undefined;
  return "appends a placeholder key (it is cut short or a <name>): as written it lets nobody in";
}

/**
 * Why a key-file finding only tests that the file exists (or prints its path for ssh -i), or
 * undefined. `[[ -f ~/.ssh/id_ed25519 ]]` chooses which key ssh should use; it reads nothing.
 */
export function existenceOnly(f: Finding, line: string): string | undefined {
  if (PATH_RULES.has(f.ruleId) && FIND_BY_NAME.test(line))
    return "only lists where key files are (find -name); nothing reads them";
  if (!PATH_RULES.has(f.ruleId) || !FILE_TEST.test(line)) return undefined;
  const rest = line
    .replace(/\[\[?[^\]]*\]\]?/g, " ")
    .replace(/^\s*(?:el)?if\b|\bthen\b|\bfi\b|\becho\b/g, " ");
  return READS_IT.test(rest)
    ? undefined
    : "only tests that the key file exists or names its path; nothing reads it";
}
