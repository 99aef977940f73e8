import type { Finding } from "../types.js";

// Incident-response and audit skills list where programs start automatically: `ls -la
// ~/Library/LaunchAgents`, `reg query HKCU\…\Run`, `systemctl --user list-unit-files`, `crontab -l`.
// The persistence rules match the location; a command that only lists or reads it installs nothing.

/** Rules that match a place programs are started from, which a reader may name too. */
const LOCATION_RULES = new Set([
  "persist.launch-agent",
  "persist.systemd-unit",
  "persist.windows-autorun",
  "persist.crontab",
]);

/** Programs that only list or show what is there, with the arguments that keep them so. */
const READERS: Record<string, RegExp | true> = {
  ls: true,
  dir: true,
  cat: true,
  type: true,
  head: true,
  tail: true,
  less: true,
  more: true,
  stat: true,
  file: true,
  du: true,
  grep: true,
  egrep: true,
  rg: true,
  find: true,
  shasum: true,
  sha256sum: true,
  md5: true,
  md5sum: true,
  plutil: /^\s*(?:-p|-lint)\b/,
  defaults: /^\s*read\b/,
  reg: /^\s*query\b/i,
  launchctl: /^\s*(?:list|print)\b/,
  systemctl:
    /^\s*(?:--user\s+)?(?:list-units|list-unit-files|list-timers|status|cat|show|is-enabled|is-active)\b/,
  crontab: /^\s*(?:-u\s+\S+\s+)?-l\b/,
  codesign: /^\s*(?:-dv+|--display|--verify|-v)\b/,
  "get-itemproperty": true,
  "get-childitem": true,
  gci: true,
  gp: true,
  "get-scheduledtask": true,
  "get-ciminstance": true,
};

/** Anything in a command that writes, moves, deletes or runs something else. */
const WRITES = /(?:^|\s)\d?>>?|\btee\b|-exec(?:dir)?\b|-delete\b|-ok\b|\bxargs\b|\$\(/;

/** Filters a listing may be piped through. */
const FILTERS =
  /^\s*(?:grep|egrep|rg|sort|uniq|head|tail|wc|cut|column|less|more|jq|cat|awk\s+'[^'|>]*')(?:\s|$)/;

/** Where commands of a line start and end: inline code spans and shell list operators. */
const COMMAND_SEP = /`|;|&&|\|\|/g;

/**
 * Why a persistence finding is a read: the command holding the match (the inline code span or the
 * part of the line between `;`, `&&` and `||`) is a reader from the table above, whose output goes
 * only through filters, with nothing written, moved or run. Undefined otherwise.
 */
export function persistenceRead(f: Finding, line: string): string | undefined {
  if (!LOCATION_RULES.has(f.ruleId)) return undefined;
  const col = Math.max(0, f.column - 1);
  let start = 0;
  let end = line.length;
  for (const m of line.matchAll(COMMAND_SEP)) {
    const at = m.index ?? 0;
    if (at + m[0].length <= col) start = at + m[0].length;
    else if (at >= col) {
      end = at;
      break;
    }
  }
  const command = line.slice(start, end);
  if (WRITES.test(command)) return undefined;
  const [first = "", ...filters] = command.split("|");
  if (!filters.every((stage) => FILTERS.test(stage))) return undefined;
  const m = /^\s*(?:[-*+]\s+|\d+[.)]\s+|\$\s+)?(?:sudo\s+(?:-\w+\s+)*)?([\w.-]+)(.*)$/s.exec(first);
  const name = m?.[1]?.toLowerCase();
  if (!name) return undefined;
  const args = READERS[name];
  if (args === undefined || (args !== true && !args.test(m?.[2] ?? ""))) return undefined;
  return `only lists or reads where programs start automatically (${name}), installs nothing`;
}
