import type { Finding } from "../types.js";

// What a `sudo` runs, by kind of command: the purpose stage (purpose.ts) judges a sudo for the
// skill's own tool, and one that only reads (not persistence), with these.

/** Commands whose next words name what sudo acts on (a service, a file), not a program to run. */
export const SERVICE_CMD = /^(?:systemctl|service|rc-service)$/;
export const FILE_CMD = /^(?:tee|cp|mv|install|mkdir|ln|touch)$/;

/** Programs that only read or show system state: as root they change nothing. */
const READ_ONLY_CMD =
  /^(?:cat|less|head|tail|grep|egrep|zgrep|ls|stat|find|du|df|ss|netstat|lsof|ps|top|htop|journalctl|dmesg|id|whoami|lsblk|blkid|fdisk|lspci|lsusb|dmidecode|iptables-save|nft|true|systemctl)$/;

/**
 * Why a `sudo` only reads system state (`sudo ss -lntp`, `sudo cat /proc/<PID>/cmdline`, `sudo
 * journalctl -u x`, `sudo -n true` to test for rights): every command of the line run as root is a
 * reader, and nothing is written through `tee`, `-exec`/`-delete` or a redirect into a system folder.
 * What such a read touches (/etc/shadow, a key file) is judged by its own rule; the sudo is not
 * persistence. `fdisk`/`nft` only with their listing flags.
 */
export function sudoReadsOnly(f: Finding, line: string): string | undefined {
  if (f.ruleId !== "persist.sudo") return undefined;
  if (/\btee\b|-exec\b|-delete\b|-ok\b|(?:^|[\s;&|])\d?>>?[ \t]*\/(?!dev\/null\b)/.test(line))
    return undefined;
  const runs = [...line.matchAll(/\bsudo[ \t]+((?:-[A-Za-z]+[ \t]+)*)([^\s|;&<>`)"']+)([^|;&\n`]*)/g)];
  if (runs.length === 0) return undefined;
  for (const m of runs) {
    const cmd = (m[2] ?? "").slice((m[2] ?? "").lastIndexOf("/") + 1);
    if (!READ_ONLY_CMD.test(cmd)) return undefined;
    const args = m[3] ?? "";
    if ((cmd === "fdisk" && !/(?:^|\s)-l\b/.test(args)) || (cmd === "nft" && !/\blist\b/.test(args)))
      return undefined;
    if (cmd === "true" && !/(?:^|\s)-n\b/.test(m[1] ?? "")) return undefined;
    if (cmd === "systemctl" && !/^[ \t]*(?:status|show|is-active|is-enabled|list-units)\b/.test(args))
      return undefined;
  }
  const names = [...new Set(runs.map((m) => (m[2] ?? "").slice((m[2] ?? "").lastIndexOf("/") + 1)))];
  return `only reads system state as administrator (${names.join(", ")}); what it reads is judged on its own`;
}
