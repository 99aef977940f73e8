import type { Finding } from "../types.js";

// What a `sudo` runs, by kind of command: the purpose stage (purpose.ts) judges a sudo for the
// skill's own tool, and one that only reads (not persistence), with these.

/** Commands whose next words name what sudo acts on (a service, a file), not a program to run. */
export const SERVICE_CMD = /^(?:systemctl|service|rc-service|launchctl)$/;
/** Commands that add a package repository or its signing key: what they name is whose repository. */
export const REPO_CMD = /^(?:apt-key|add-apt-repository|yum-config-manager|rpm|zypper)$/;
export const FILE_CMD = /^(?:tee|cp|mv|install|mkdir|ln|touch)$/;

/** Programs that only read or show system state: as root they change nothing. */
const READ_ONLY_CMD =
  /^(?:cat|less|head|tail|grep|egrep|zgrep|ls|stat|find|du|df|ss|netstat|lsof|ps|top|htop|journalctl|dmesg|id|whoami|lsblk|blkid|fdisk|lspci|lsusb|dmidecode|iptables-save|nft|true|systemctl|launchctl|awk|gawk|mawk)$/;

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
    // awk's program can write files, pipe to commands and run them: only a program that prints.
    // The program text may hold `|` and `;`, so the rest of the line is read, not the arguments.
    const program = line.slice((m.index ?? 0) + (m[0]?.length ?? 0) - args.length);
    if (
      /^[gm]?awk$/.test(cmd) &&
      /\bsystem\s*\(|\|&?\s*["']|>|\bgetline\b|\bfflush\b|\s-f\b|\s-i\b/.test(
        program.replace(/<[A-Za-z_]{1,30}>/g, ""),
      )
    )
      return undefined;
    if (cmd === "launchctl" && !/^[ \t]*(?:list|print|blame)\b/.test(args)) return undefined;
  }
  const names = [...new Set(runs.map((m) => (m[2] ?? "").slice((m[2] ?? "").lastIndexOf("/") + 1)))];
  return `only reads system state as administrator (${names.join(", ")}); what it reads is judged on its own`;
}

/**
 * Programs that, run as root, change the system or run arbitrary code: shells and interpreters,
 * package runners and builders, fetchers, anything that writes, moves or deletes files, edits users,
 * rights, services, scheduled tasks, kernel modules, firewalls or mounts, and wrappers that run
 * another command. A sudo of one of these is never "just the tool" (see sudoRunsTool).
 */
const ELEVATING_CMD = new Set(
  (
    "sh bash zsh dash ksh fish csh tcsh pwsh powershell python python2 python3 node nodejs deno bun perl " +
    "ruby php lua osascript java jshell go cargo rustc gcc cc make cmake ninja npm npx pnpm pnpx yarn bunx " +
    "pip pip3 pipx uv uvx gem composer docker podman nerdctl ctr kubectl helm curl wget fetch aria2c scp " +
    "sftp rsync git svn nc ncat netcat socat ssh telnet ftp tee cp mv install ln dd rm rmdir shred " +
    "truncate chmod chown chgrp chattr setfacl setcap touch mkdir mktemp sed awk gawk vi vim nvim nano " +
    "emacs ed echo printf cat useradd usermod userdel adduser deluser groupadd groupmod gpasswd passwd " +
    "chpasswd visudo su sudo doas dscl dseditgroup sysadminctl security systemctl service launchctl " +
    "crontab at atq update-rc.d chkconfig rc-update rc-service insmod modprobe rmmod kextload kextunload " +
    "kmutil defaults spctl csrutil nvram pfctl iptables ip6tables nft ufw firewall-cmd sysctl mount " +
    "umount losetup mkfs fdisk parted diskutil env xargs nohup exec eval time nice ionice timeout " +
    "stdbuf watch strace ltrace gdb lldb kill pkill killall reboot shutdown halt poweroff init " +
    "apt apt-get dpkg rpm yum dnf zypper pacman apk snap flatpak brew port open xdg-open start " +
    "source tar unzip 7z gunzip bzip2 xz zip apt-key add-apt-repository yum-config-manager " +
    "update-ca-certificates trust certutil keytool"
  ).split(" "),
);

/**
 * The programs a `sudo` line runs when every one is a named tool that needs root for its own work
 * (`sudo lynis audit system`, `sudo airodump-ng wlan0mon`, `sudo samply record ./bin`, `sudo msfdb
 * init`), or undefined. Never a shell, interpreter, fetcher, file writer, account, service or
 * firewall command (ELEVATING_CMD), never a program given by path (`./setup`, `/tmp/x`, `$BIN`), never
 * `sudo -s`/`-i`, and nothing is written into a system folder by a redirect. The program must already
 * be installed: a step that downloads it is its own finding.
 */
export function sudoRunsTool(f: Finding, line: string): string[] | undefined {
  if (f.ruleId !== "persist.sudo") return undefined;
  if (/-exec\b|-delete\b|(?:^|[\s;&|])\d?>>?[ \t]*(?:\/(?!dev\/null\b|tmp\/)|~|\$)/.test(line))
    return undefined;
  // A pipe into a shell or interpreter after the tool runs what the tool prints.
  if (/\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b|\|\s*(?:python3?|perl|ruby|node|eval|xargs|source)\b/.test(line))
    return undefined;
  const runs = [...line.matchAll(/\bsudo[ \t]+((?:-[A-Za-z]+[ \t]+)*)([^\s|;&<>`)"']+)/g)];
  if (runs.length === 0) return undefined;
  const names: string[] = [];
  for (const m of runs) {
    if (/-[A-Za-z]*[siE]/.test(m[1] ?? "") || /-u\b/.test(m[1] ?? "")) return undefined;
    const cmd = m[2] ?? "";
    if (!/^[a-z][a-z0-9._+-]{1,40}$/.test(cmd) || ELEVATING_CMD.has(cmd)) return undefined;
    if (/^(?:python|pip|perl|ruby|php|node|lua)\d/.test(cmd)) return undefined;
    names.push(cmd);
  }
  return [...new Set(names)];
}
