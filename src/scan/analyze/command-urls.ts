import { parse as parseHost } from "tldts";
import { findUrls } from "./hosts.js";

// What a shell or PowerShell command fetches: the addresses given to curl, wget, irm and iwr, and
// whether the address is only known when the command runs.

// `curl -fsLS get.chezmoi.io`, `irm bun.sh/install.ps1`: curl, wget and PowerShell's fetchers take an
// address without a scheme.
const FETCH_CMD = /\b(?:curl|wget|irm|iwr|invoke-restmethod|invoke-webrequest)\b[^|;&\n]{0,400}/gi;
const BARE_HOST = /^["']?([a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9][a-z0-9-]{0,62})+)(\/[^\s"']*)?["']?$/i;

/** The addresses a command fetches from: URLs with a scheme and bare host names given to curl or wget. */
export function commandUrls(text: string): string[] {
  const out = findUrls(text).map((u) => u.url);
  for (const m of text.matchAll(FETCH_CMD)) {
    let optionValue = false;
    for (const arg of m[0].split(/[ \t]+/).slice(1)) {
      // The value of an option that names a file or a header (`-o install.sh`, `-OutFile x.ps1`) is no address.
      const skip = optionValue;
      optionValue = VALUE_FLAGS.has(arg) || PS_VALUE_FLAG.test(arg);
      if (skip || arg.startsWith("-") || arg.includes("://")) continue;
      const b = BARE_HOST.exec(arg.replace(/[)"'`]+$/, ""));
      if (!b) continue;
      const p = parseHost(b[1]!);
      // A file name (install.sh) is no host: its "suffix" must be a real top-level domain, and a name
      // that reads as a file counts only with a path after it (bun.sh/install, astral.sh/uv).
      if (!p.isIcann || !p.domain) continue;
      if (
        !b[2]?.slice(1) &&
        b[1]!.split(".").length < 3 &&
        /\.(sh|py|ps1|js|json|txt|zip|gz|tgz)$/i.test(b[1]!)
      )
        continue;
      out.push(`https://${b[1]}${b[2] ?? "/"}`);
    }
  }
  return out;
}

// Flags of curl and wget whose next word is a value (a header, a referrer, an output file), not the
// address fetched.
const PS_VALUE_FLAG = /^-(?:OutFile|Headers|Body|InFile|UserAgent|Method|Proxy)$/i;
const VALUE_FLAGS = new Set(
  "-H --header -e --referer -o --output -O --output-document -d --data --data-raw --data-binary -u --user -A --user-agent -x --proxy -b --cookie -c --cookie-jar -w --write-out -X --request -m --max-time --retry -P --directory-prefix -T --upload-file -F --form --connect-timeout".split(
    " ",
  ),
);

/**
 * A fetch whose address is only known when it runs (`curl -e https://vendor.dev "$PAYLOAD" | sh`): an
 * official address elsewhere in the command says nothing about where the code comes from.
 */
export function fetchesOpaqueAddress(text: string): boolean {
  for (const m of text.matchAll(FETCH_CMD)) {
    // A quoted argument is one word; it is a variable when it starts with one ("$URL", "${SRC}/x").
    const words = m[0]
      .replace(/"([^"\n]*)"|'([^'\n]*)'/g, (_q, a?: string, b?: string) =>
        /^\s*(?:\$|`)/.test(a ?? b ?? "") ? "$Q" : "Q",
      )
      .split(/[ \t]+/)
      .slice(1);
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      if (VALUE_FLAGS.has(w)) {
        i++;
        continue;
      }
      if (w.startsWith("-")) continue;
      if (/^["']?(?:\$|`)/.test(w)) return true;
    }
  }
  return false;
}
