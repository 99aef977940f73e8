import { CHECKS } from "../code-checks.js";
import { findingAt } from "../findings.js";
import type { Finding } from "../types.js";
import type { TextFile } from "./analysis-context.js";
import { contextOf } from "./rules.js";

// Cyrillic and Greek letters drawn like Latin ones (Unicode confusables, the common subset): `сurl`
// with a Cyrillic "с" reads as curl to a person and to the agent, but no rule keyword matches it.
// Only letters that look the same in ordinary fonts are listed; a look-alike that needs squinting
// (Cyrillic "п" for "n") is not a disguise anyone relies on.
const LATIN_OF: Record<string, string> = {
  // Cyrillic lower case
  а: "a",
  е: "e",
  о: "o",
  р: "p",
  с: "c",
  у: "y",
  х: "x",
  і: "i",
  ј: "j",
  ѕ: "s",
  ԁ: "d",
  һ: "h",
  ӏ: "l",
  ԛ: "q",
  ԝ: "w",
  к: "k",
  ь: "b",
  ѵ: "v",
  ɡ: "g",
  // Cyrillic upper case
  А: "A",
  В: "B",
  Е: "E",
  К: "K",
  М: "M",
  Н: "H",
  О: "O",
  Р: "P",
  С: "C",
  Т: "T",
  Х: "X",
  У: "Y",
  І: "I",
  Ј: "J",
  Ѕ: "S",
  Ԁ: "D",
  Ԛ: "Q",
  Ԝ: "W",
  // Greek
  α: "a",
  ο: "o",
  ρ: "p",
  ν: "v",
  ι: "i",
  κ: "k",
  υ: "u",
  χ: "x",
  ε: "e",
  τ: "t",
  Α: "A",
  Β: "B",
  Ε: "E",
  Ζ: "Z",
  Η: "H",
  Ι: "I",
  Κ: "K",
  Μ: "M",
  Ν: "N",
  Ο: "O",
  Ρ: "P",
  Τ: "T",
  Υ: "Y",
  Χ: "X",
};

/** Commands and interpreters a payload is written with: a look-alike spelling of one is a disguise. */
const COMMANDS = new Set([
  "curl",
  "wget",
  "bash",
  "sh",
  "zsh",
  "dash",
  "sudo",
  "su",
  "powershell",
  "pwsh",
  "iex",
  "iwr",
  "irm",
  "invoke-expression",
  "invoke-webrequest",
  "python",
  "python3",
  "node",
  "perl",
  "ruby",
  "chmod",
  "chown",
  "eval",
  "exec",
  "base64",
  "nc",
  "ncat",
  "netcat",
  "socat",
  "ssh",
  "scp",
  "rm",
  "osascript",
  "certutil",
  "mshta",
  "regsvr32",
  "rundll32",
  "bitsadmin",
  "crontab",
  "launchctl",
  "xattr",
  "cmd",
  "start-process",
]);

const SCRIPT_CHARS = /[\u0370-\u03ff\u0400-\u052f]/;
const TOKEN = /[\p{L}\p{N}._-]{2,200}/gu;
const LATIN = /[A-Za-z]/;
const HOST = /^[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,8}\.[a-z]{2,24}$|^[a-z0-9-]{1,63}\.[a-z]{2,24}$/;
const MAX_PER_FILE = 20;

/** The token with every listed look-alike replaced by its Latin letter. */
export function toLatin(s: string): string {
  let out = "";
  for (const ch of s) out += LATIN_OF[ch] ?? ch;
  return out;
}

/** Whether a token mixes Latin letters with Cyrillic or Greek look-alikes (what a disguise looks like). */
function mixed(token: string): boolean {
  if (!LATIN.test(token)) return false;
  for (const ch of token) if (LATIN_OF[ch] !== undefined) return true;
  return false;
}

/**
 * `text` with every Latin word that is spelled with look-alike letters ("Sеnd" with a Cyrillic "е")
 * written in Latin letters, and where each such word starts; undefined when there is none. Real
 * Cyrillic or Greek words stay as they are, also next to a Latin abbreviation ("API-ключ"): only a
 * token that becomes plain ASCII is a Latin word in disguise. Each replaced letter is one UTF-16 unit
 * as its Latin letter is, so offsets into the result are offsets into `text`.
 */
export function spellLatin(text: string): { text: string; at: number[] } | undefined {
  if (!SCRIPT_CHARS.test(text)) return undefined;
  const at: number[] = [];
  let out = "";
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    if (!mixed(m[0])) continue;
    const latin = toLatin(m[0]);
    if (!/^[\x21-\x7e]+$/.test(latin)) continue;
    out += text.slice(last, m.index) + latin;
    last = m.index + m[0].length;
    at.push(m.index);
  }
  return at.length === 0 ? undefined : { text: out + text.slice(last), at };
}

/** What a disguised token stands for: a command name or a host, or undefined for ordinary text. */
function disguised(token: string): { what: "command" | "host"; latin: string } | undefined {
  const latin = toLatin(token);
  // Anything still outside ASCII is a real word in that script (a Russian word next to a Latin
  // abbreviation), not a Latin word in disguise.
  if (/[^\x20-\x7e]/.test(latin)) return undefined;
  const lower = latin.toLowerCase().replace(/[._-]+$/, "");
  // A disguised host keeps its real top-level domain: "nginx.Все" (a missing space before a Russian
  // word) spells "nginx.bce" in Latin letters but is no address.
  const tld = token.slice(token.lastIndexOf(".") + 1);
  if (HOST.test(lower) && /^[a-z]{2,24}[._-]*$/.test(tld)) return { what: "host", latin };
  if (lower.split(/[./]/).some((part) => COMMANDS.has(part))) return { what: "command", latin };
  return undefined;
}

// The rescan entries are hidden.ts's HiddenText, spelled out: hidden.ts reads look-alike words with
// spellLatin, and a type import back would make an import cycle.
type LineInLatin = { text: string; encoding: string; offset: number };

/**
 * Commands and hosts spelled with Cyrillic or Greek look-alike letters: each is a SUSPICIOUS finding,
 * and each line holding one is handed back in Latin spelling so that the caller rescans it with every
 * rule (`сurl … | bаsh` is then caught as what it is).
 */
export function analyzeConfusables(file: TextFile): { findings: Finding[]; hidden: LineInLatin[] } {
  const findings: Finding[] = [];
  const hidden: LineInLatin[] = [];
  const { text } = file;
  if (!SCRIPT_CHARS.test(text)) return { findings, hidden };
  const lines = new Set<number>();
  for (const m of text.matchAll(TOKEN)) {
    const token = m[0];
    if (!mixed(token)) continue;
    const d = disguised(token);
    if (!d) continue;
    const offset = m.index;
    findings.push(
      findingAt(
        CHECKS.homoglyph,
        {
          file: file.path,
          index: file.lines,
          offset,
          length: token.length,
          context: contextOf(file, offset),
        },
        {
          excerpt: `"${token}" is spelled with look-alike letters; it reads as the ${d.what} "${d.latin}"`,
        },
      ),
    );
    const line = file.lines.position(offset).line;
    if (!lines.has(line)) {
      lines.add(line);
      const start = file.lines.lineStart(line);
      hidden.push({ text: toLatin(file.lines.lineText(line)), encoding: "homoglyph", offset: start });
    }
    if (findings.length >= MAX_PER_FILE) break;
  }
  return { findings, hidden };
}
