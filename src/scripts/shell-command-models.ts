// Why one file of ~750 lines: it is one table (what each external command reads, writes, sends,
// runs), the types that say what a row may state, and the one interpreter that applies them; every
// language's walker asks it what a command line does, so a command is modelled once, here, for all
// of them. curl's and wget's flag grammars are http-client-flags.ts.

import { decodeLiteral } from "./decode-literals.js";
import { curlRequest, type HttpRequest, wgetRequest } from "./http-client-flags.js";
import { NETWORK_IN_TEXT, UNKNOWN } from "./paths.js";
import { decodeAnsiC } from "./shell/normalise.js";
import type { Engine } from "./taint-engine.js";
import {
  type CodeLang,
  concat,
  EMPTY,
  isKnown,
  type Label,
  type Loc,
  labelsOf,
  lit,
  unionLabels,
  type Value,
} from "./values.js";

// What one command line does, whatever language built it: a bash command, a subprocess argv list,
// a PowerShell external command. `runCommand` peels the wrappers (sudo, env, nohup…), looks the
// command up in COMMANDS and applies its row; it returns what the command prints (its stdout), with
// taint. A command missing from the table does nothing the engine is told about, except writing to
// a /dev/tcp path named in its arguments.

// ---- the command line -------------------------------------------------------------------------------

/** A command line after its wrappers: the command's name and its arguments, as the walker evaluated them. */
interface CommandLine {
  eng: Engine;
  at: Loc;
  /** Lower case, without its folder and `.exe`. */
  name: string;
  args: readonly Value[];
  /** The arguments that are not flags (operands, and the values of flags). */
  plain: readonly Value[];
  stdin?: Value;
  /** Whether one of these exact words is among the arguments. */
  has: (...flags: string[]) => boolean;
}

/** One of the operands (arguments that are not flags). */
type Operand = "first-operand" | "second-operand" | "last-operand";

/** A test on the command line: every field given must hold. */
interface When {
  /** One of these words is an argument (`crontab -l`, `systemctl enable`). */
  anyOf?: string[];
  /** None of these words is an argument. */
  noneOf?: string[];
  /** Some argument matches. */
  anyArg?: RegExp;
  /** Argument i matches pattern i (`reg add …\CurrentVersion\Run`). */
  argsMatch?: RegExp[];
  /** At least this many operands. */
  minOperands?: number;
}

/** Where a secret-store command's secret comes from, per subcommand. */
interface SecretRule {
  /** The first argument (the subcommand); any when absent. */
  sub?: RegExp;
  /** The item named by the value of one of these flags (`-s github.com`), or by all the arguments after the subcommand. */
  named?: { afterFlag: string[] } | "rest";
  /** What the secret is, in words, when no item is named. */
  store?: string;
}

/** The dump of the environment: always, or when the command line looks like a listing. */
type DumpWhen = "always" | { flags: string[]; orNoArgs?: boolean; withoutOperands?: boolean };

/** What a file-reading command reads and how its output relates to its input. */
interface ReadModel {
  /** The files read: the operands, the operands after a pattern (grep PATTERN FILE…), or `find ROOT -name X`. */
  reads: "operands" | "operands-after-pattern" | "find";
  /** `tar c…`, `zip`, `7z a`: reads the sources, writes the archive (the flag grammar is archive()). */
  archive?: boolean;
  /** A flag that makes it edit its operands in place instead of printing (`sed -i`): it writes them. */
  inPlace?: RegExp;
  /** Passes stdin through, possibly transformed (base64, gzip, tr…). */
  filter?: boolean;
  /**
   * Decodes (`base64 -d`, `xxd -r`, `gunzip`): when every pattern matches some argument, or always.
   * `base64`: the output is labelled base64 and a literal input is decoded; else labelled by the command.
   */
  decodes?: { when: RegExp[] | "always"; base64?: boolean };
  /** Prints its stdin reversed (`rev`): a string written backwards is the command it hides. */
  reverses?: boolean;
  /** Prints its stdin as is when given no file (`cat`). */
  echoesStdin?: boolean;
}

/** What a command does. One row per behaviour; `does` names which part of the interpreter applies it. */
export type CommandModel =
  /** Sends an HTTP request and saves or prints the response. */
  | { does: "http"; request: (c: CommandLine) => HttpRequest }
  /** Talks to a host over a raw socket; with an exec flag, it is a reverse shell. */
  | { does: "socket"; execFlags: string[]; execArg: RegExp }
  /** Copies between this machine and `host:path` operands; `flagsWithValue` names flags followed by a value. */
  | { does: "remote-copy"; flagsWithValue: RegExp }
  /** Looks up names: a labelled argument leaks through DNS. */
  | { does: "dns-lookup" }
  /** Prints its arguments; `options` is a first argument that is an option, not text (`echo -n`). */
  | { does: "print"; options?: RegExp }
  /** Runs its arguments, joined, as shell code (`eval`). */
  | { does: "run-args" }
  /** Runs its first operand as a shell script in the current shell (`source`, `.`). */
  | { does: "run-script" }
  /** Runs its arguments as a command with stdin appended (`xargs`). */
  | { does: "run-with-stdin" }
  /** A shell: `-c CODE`, a script operand, or stdin. */
  | { does: "shell" }
  /** An interpreter of `lang`: `-c`/`-e CODE`, a script operand, or stdin. */
  | { does: "interpreter"; lang: CodeLang | undefined }
  /** PowerShell: `-EncodedCommand`, `-Command`, `-File`, or stdin. */
  | { does: "powershell" }
  /** Installs something that runs later: what, when, and where its content is. */
  | { does: "persist"; what: string; when?: When; from: "args" | "operand-or-stdin" }
  /** Enables a service or agent (systemctl, launchctl…). */
  | { does: "service"; enable: string[]; userFlag?: string }
  /** Prints a secret from a credential store. */
  | { does: "secret"; rules: SecretRule[] }
  /** Prints one environment variable (its first operand) and/or the whole environment. */
  | { does: "environment"; variable?: boolean; dump: DumpWhen }
  /** Writes `target` with `data` (`ln`, `git clone`, `tee`). */
  | {
      does: "write";
      when?: When;
      target: "last-operand" | "each-operand";
      data: "nothing" | "first-operand" | "stdin";
      via: string;
      /** The `via` when one of these flags is given (`tee -a`). */
      appendVia?: { flags: string[]; via: string };
      /** What it prints. */
      prints?: "stdin";
    }
  /** `dd if=IN of=OUT`: operands written as key=value. */
  | { does: "keyed-copy"; input: string; output: string }
  /** Downloads the operand that is a URL to the last operand. */
  | { does: "download" }
  /** certutil: a download (`-urlcache`) or a base64 decode of one file into another (`-decode`). */
  | { does: "download-or-decode"; download: When; decode: When }
  /** Fetches a URL among its arguments and runs it (mshta, regsvr32, rundll32). */
  | { does: "run-remote" }
  /** Reads files; see ReadModel. */
  | ({ does: "read" } & ReadModel)
  /** Copies its operands to the last one: reads them, writes it. */
  | { does: "copy" };

// ---- the table --------------------------------------------------------------------------------------

const COMMANDS = new Map<string, CommandModel>();
const row = (names: string[], model: CommandModel) => {
  for (const n of names) COMMANDS.set(n, model);
};

/** Prefixes that run the command after them (their own flags skipped). `env` is one when a command follows. */
const WRAPPERS = new Set([
  "sudo",
  "doas",
  "nohup",
  "time",
  "nice",
  "ionice",
  "timeout",
  "exec",
  "command",
  "builtin",
  "stdbuf",
  "caffeinate",
  "setsid",
  "torsocks",
  "proxychains",
  "proxychains4",
]);

// network
row(["curl"], { does: "http", request: (c) => curlRequest(c.eng, c.at, c.args, c.stdin) });
row(["wget"], { does: "http", request: (c) => wgetRequest(c.eng, c.at, c.args) });
row(["nc", "ncat", "netcat", "telnet", "socat"], {
  does: "socket",
  execFlags: ["-e", "-c", "--exec", "--sh-exec"],
  execArg: /exec:|system:/i,
});
// Operands only: `-i ~/.ssh/key`, `-e "ssh -i key"` name the login, not the data sent.
row(["scp", "sftp"], { does: "remote-copy", flagsWithValue: /^-[iPoFSlcJD]$/ });
row(["rsync"], {
  does: "remote-copy",
  flagsWithValue: /^-[ef]$|^--(rsh|port|password-file|exclude|include|filter)$/,
});
row(["dig", "nslookup", "host", "drill", "ping"], { does: "dns-lookup" });
row(["certutil"], {
  does: "download-or-decode",
  download: { anyOf: ["-urlcache", "/urlcache"] },
  decode: { anyOf: ["-decode", "/decode", "-decodehex", "/decodehex"], minOperands: 2 },
});
row(["bitsadmin"], { does: "download" });
row(["mshta", "regsvr32", "rundll32"], { does: "run-remote" });

// output and execution
row(["echo"], { does: "print", options: /^-[neE]+$/ });
row(["printf"], { does: "print" });
row(["eval"], { does: "run-args" });
row(["source", "."], { does: "run-script" });
row(["xargs"], { does: "run-with-stdin" });
row(["sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "busybox"], { does: "shell" });
row(["python", "python2", "python3", "py", "pypy", "pypy3"], { does: "interpreter", lang: "python" });
row(["node", "nodejs", "deno", "bun"], { does: "interpreter", lang: "javascript" });
row(["perl", "ruby", "php", "lua", "osascript"], { does: "interpreter", lang: undefined });
row(["pwsh", "powershell"], { does: "powershell" });

// persistence
row(["crontab"], {
  does: "persist",
  what: "scheduled jobs (crontab)",
  when: { noneOf: ["-l", "-r", "-e"] },
  from: "operand-or-stdin",
});
// Enabling an installed service (docker, postgres) is what setup scripts do: a capability. A
// user-level unit or agent made by the skill itself is flagged where its file is written, and
// `systemctl --user enable` of a unit the script names is flagged here.
const ENABLE = ["enable", "link", "load", "bootstrap", "submit", "defaults"];
row(["systemctl"], { does: "service", enable: ENABLE, userFlag: "--user" });
row(["launchctl", "update-rc.d", "chkconfig"], { does: "service", enable: ENABLE });
row(["at"], { does: "persist", what: "a start-up or scheduled job", from: "args" });
row(["schtasks"], {
  does: "persist",
  what: "a Windows scheduled task",
  when: { anyArg: /^[/-]create$/i },
  from: "args",
});
row(["reg"], {
  does: "persist",
  what: "the Windows Run registry key",
  when: { argsMatch: [/^add$/i, /currentversion\\+run/i] },
  from: "args",
});

// secrets and the environment
row(["security"], {
  does: "secret",
  rules: [
    { sub: /^(dump-keychain|export)$/, store: "your macOS keychain" },
    {
      sub: /^find-(generic|internet)-password$/,
      named: { afterFlag: ["-s", "-l", "-a"] },
      store: "passwords saved in your macOS keychain",
    },
  ],
});
row(["secret-tool"], { does: "secret", rules: [{ sub: /^lookup$/, named: "rest" }] });
row(["cmdkey", "vaultcmd"], { does: "secret", rules: [{ store: "saved Windows credentials" }] });
row(["env"], { does: "environment", dump: "always" });
row(["printenv"], { does: "environment", variable: true, dump: "always" });
row(["set", "export", "declare", "typeset"], {
  does: "environment",
  dump: { flags: ["-p", "-x", "-px", "-xp"], orNoArgs: true, withoutOperands: true },
});
row(["compgen"], { does: "environment", dump: { flags: ["-e", "-v"] } });

// files
row(["git"], {
  does: "write",
  when: { argsMatch: [/^clone$/], minOperands: 3 },
  target: "last-operand",
  data: "nothing",
  via: "git clone",
});
row(["ln"], {
  does: "write",
  when: { minOperands: 2 },
  target: "last-operand",
  data: "first-operand",
  via: "ln",
});
row(["tee"], {
  does: "write",
  target: "each-operand",
  data: "stdin",
  via: "tee",
  appendVia: { flags: ["-a", "--append"], via: "tee -a" },
  prints: "stdin",
});
row(["dd"], { does: "keyed-copy", input: "if=", output: "of=" });
row(["cp", "install", "mv", "ditto"], { does: "copy" });
row(["head", "tail", "tac", "nl", "strings", "od", "hexdump", "cut", "sort", "uniq", "fold", "iconv"], {
  does: "read",
  reads: "operands",
  filter: true,
});
row(["less", "more", "sqlite3", "type", "get-content", "gc", "plutil", "defaults"], {
  does: "read",
  reads: "operands",
});
row(["cat"], { does: "read", reads: "operands", filter: true, echoesStdin: true });
row(["rev"], { does: "read", reads: "operands", filter: true, reverses: true });
row(["grep", "egrep", "fgrep", "rg", "awk", "gawk", "jq", "yq"], {
  does: "read",
  reads: "operands-after-pattern",
  filter: true,
});
row(["tr"], { does: "read", reads: "operands-after-pattern", filter: true });
row(["sed"], { does: "read", reads: "operands-after-pattern", filter: true, inPlace: /^-i/ });
row(["find"], { does: "read", reads: "find" });
row(["tar", "zip", "7z", "7za"], { does: "read", reads: "operands", archive: true });
const DECODE_FLAG = /^(-d|-D|--decode|-[a-zA-Z]*d[a-zA-Z]*)$/;
row(["base64"], {
  does: "read",
  reads: "operands",
  filter: true,
  decodes: { when: [DECODE_FLAG], base64: true },
});
row(["base32"], { does: "read", reads: "operands", filter: true, decodes: { when: [DECODE_FLAG] } });
row(["xxd"], { does: "read", reads: "operands", filter: true, decodes: { when: [/^-r|^-[a-z]*r/] } });
row(["openssl"], {
  does: "read",
  reads: "operands",
  filter: true,
  decodes: { when: [/^-d$|^-base64$|^base64$/, /^-d$/], base64: true },
});
row(["gpg"], { does: "read", reads: "operands", filter: true });
row(["gunzip", "zcat"], { does: "read", reads: "operands", filter: true, decodes: { when: "always" } });
row(["gzip", "bzip2", "xz", "zstd"], {
  does: "read",
  reads: "operands",
  filter: true,
  decodes: { when: [/^(-d|--decompress|-dc|-cd)$/] },
});

/** The row for a command name (lower case, as baseName gives it); `python3.12` and the like are Python. */
export function commandModel(name: string): CommandModel | undefined {
  return COMMANDS.get(name) ?? (/^python\d(\.\d+)?$/.test(name) ? COMMANDS.get("python") : undefined);
}

// ---- the interpreter --------------------------------------------------------------------------------

export function baseName(s: string | undefined): string {
  if (!s) return "";
  const clean = s.replace(/\\/g, "/");
  return clean
    .slice(clean.lastIndexOf("/") + 1)
    .toLowerCase()
    .replace(/\.exe$/, "");
}

const isFlag = (v: Value | undefined) => !!v?.text && v.text.length > 1 && v.text.startsWith("-");

function stdoutOf(L: readonly Label[] | undefined, s?: string): Value {
  if (!L?.length && s === undefined) return EMPTY;
  return { text: s ?? UNKNOWN, ...(L?.length ? { labels: L } : {}) };
}

export function runCommand(eng: Engine, at: Loc, argv: readonly Value[], stdin?: Value): Value {
  let i = 0;
  while (i < argv.length) {
    const s = argv[i]?.text ?? "";
    const n = baseName(s);
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(s)) {
      i++;
      continue;
    }
    if (WRAPPERS.has(n)) {
      i++;
      while (i < argv.length && (isFlag(argv[i]) || (n === "timeout" && /^\d/.test(argv[i]?.text ?? ""))))
        i++;
      continue;
    }
    if (n === "env" && i + 1 < argv.length) {
      i++;
      while (i < argv.length && (isFlag(argv[i]) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i]?.text ?? "")))
        i++;
      if (i >= argv.length) return eng.envDump(at);
      continue;
    }
    break;
  }
  const head = argv[i];
  if (!head) return EMPTY;
  const name = baseName(head.text);
  const args = argv.slice(i + 1);
  const c: CommandLine = {
    eng,
    at,
    name,
    args,
    plain: args.filter((a) => !isFlag(a)),
    has: (...flags: string[]) => args.some((a) => a.text !== undefined && flags.includes(a.text)),
    ...(stdin ? { stdin } : {}),
  };
  eng.caps.add("shell");

  const dl = eng.downloaded(head);
  if (dl) {
    eng.execDownloaded(at, dl, `\`${shownWord(head)}\``);
    return EMPTY;
  }
  if (head.labels?.length)
    eng.exec(at, { text: UNKNOWN, labels: head.labels }, "shell", undefined, "a command name built from it");

  if (name === "git") gitCredentials(c);
  const model = commandModel(name);
  if (model) return apply(model, c);
  for (const a of args)
    if (isKnown(a.text) && /^\/dev\/(tcp|udp)\//.test(a.text)) eng.send(at, { body: [stdin] }, name);
  return EMPTY;
}

/**
 * `git remote add NAME URL`, `git clone URL`, `git push URL`: credentials in the URL's user part
 * (`https://x:${GITHUB_TOKEN}@host/…`) go to that host on every push and fetch, as an Authorization
 * header would; the engine judges them as it judges a header (its own vendor's host, or not).
 */
function gitCredentials(c: CommandLine): void {
  const sub = c.plain.find((a) => /^(remote|clone|push|fetch|pull|ls-remote|submodule)$/.test(a.text ?? ""));
  if (!sub) return;
  for (const a of c.plain) {
    const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/@]*)@(.*)$/i.exec(a.text ?? "");
    if (!m || !a.labels?.length) continue;
    c.eng.send(c.at, { url: { text: `${m[1]}${m[3]}` }, headers: [{ labels: a.labels }] }, `git ${sub.text}`);
  }
}

function holds(when: When | undefined, c: CommandLine): boolean {
  if (!when) return true;
  if (when.anyOf && !c.has(...when.anyOf)) return false;
  if (when.noneOf && c.has(...when.noneOf)) return false;
  if (when.anyArg && !c.args.some((a) => when.anyArg?.test(a.text ?? ""))) return false;
  if (when.argsMatch && !when.argsMatch.every((re, k) => re.test(c.args[k]?.text ?? ""))) return false;
  if (when.minOperands !== undefined && c.plain.length < when.minOperands) return false;
  return true;
}

function operand(c: CommandLine, which: Operand): Value | undefined {
  if (which === "first-operand") return c.plain[0];
  if (which === "second-operand") return c.plain[1];
  return c.plain[c.plain.length - 1];
}

/** Applies one row of the table to a command line. */
function apply(m: CommandModel, c: CommandLine): Value {
  const { eng, at, name, args, plain, stdin } = c;
  switch (m.does) {
    case "http": {
      const req = m.request(c);
      if (req.sends)
        eng.send(at, { url: req.url, body: req.body, other: req.other, headers: req.headers }, name);
      if (req.saveTo === "stdout") return eng.fetched(at, req.url);
      if (req.saveTo !== "nowhere") eng.download(at, req.saveTo, req.url);
      return EMPTY;
    }
    case "socket":
      if (c.has(...m.execFlags) || args.some((a) => m.execArg.test(a.text ?? ""))) {
        const l = eng.fetched(at, undefined).labels ?? [];
        eng.exec(at, { text: UNKNOWN, labels: l }, "shell", undefined, `a reverse shell (${name})`);
        return EMPTY;
      }
      eng.send(at, { body: [stdin], other: args }, name);
      return eng.fetched(at, undefined);
    case "remote-copy": {
      const operands = withoutFlagValues(args, m.flagsWithValue);
      const isRemote = (a: Value) => /^[^/\s]*:/.test(a.text ?? "") && !/^[a-z]:[\\/]/i.test(a.text ?? "");
      if (!operands.some(isRemote)) return copy(eng, at, operands, name);
      const sent: Value[] = [];
      for (const a of operands) if (!isRemote(a)) sent.push({ labels: eng.read(at, a, name) });
      eng.send(at, { body: sent, other: operands }, name);
      return EMPTY;
    }
    case "dns-lookup":
      if (labelsOf(args)?.length) eng.send(at, { other: args }, `a DNS lookup (${name})`);
      return EMPTY;
    case "print":
      if (name === "printf" && isKnown(args[0]?.text) && !args[0].text.startsWith("-"))
        return printf(args[0].text, args.slice(1));
      return concat(
        args.filter((a, k) => !(k === 0 && m.options?.test(a.text ?? ""))),
        " ",
      );
    case "run-args":
      return eng.exec(at, concat(args, " "), "shell", "shell", name);
    case "run-script": {
      const target = plain[0];
      if (!target) return EMPTY;
      const d = eng.downloaded(target);
      if (d) eng.execDownloaded(at, d, name);
      else if (target.labels?.length)
        eng.exec(at, { text: UNKNOWN, labels: target.labels }, "shell", undefined, name);
      else eng.read(at, target, name);
      return EMPTY;
    }
    case "run-with-stdin": {
      const rest = args.filter((a, k) => !(isFlag(a) && k === 0));
      return runCommand(eng, at, [...rest, stdin ?? { text: UNKNOWN }], undefined);
    }
    case "shell":
      return shell(eng, at, name, args, stdin);
    case "interpreter":
      return interpreter(eng, at, name, m.lang, args, stdin);
    case "powershell":
      return pwsh(eng, at, args, stdin);
    case "persist": {
      if (!holds(m.when, c)) return EMPTY;
      if (m.from === "args") eng.persist(at, m.what, concat(args, " "));
      else {
        const file = plain[0];
        eng.persist(at, m.what, !file || file.text === "-" ? stdin : file);
      }
      return EMPTY;
    }
    case "service": {
      if (!c.has(...m.enable)) return EMPTY;
      if (m.userFlag && c.has(m.userFlag)) eng.persist(at, "a systemd user service", concat(args, " "));
      else {
        eng.caps.add("persistence");
        const text = concat(args, " ");
        if (NETWORK_IN_TEXT.test((text.text ?? "").replaceAll(UNKNOWN, " ")))
          eng.persist(at, "a start-up service", text);
      }
      return EMPTY;
    }
    case "secret": {
      const sub = args[0]?.text ?? "";
      const rule = m.rules.find((r) => !r.sub || r.sub.test(sub));
      if (!rule) return EMPTY;
      if (rule.named === "rest") return eng.namedSecret(at, concat(args.slice(1), " ").text ?? "");
      if (rule.named) {
        const flags = rule.named.afterFlag;
        const k = args.findIndex((a) => a.text !== undefined && flags.includes(a.text));
        const item = k >= 0 ? args[k + 1]?.text : undefined;
        if (isKnown(item)) return eng.namedSecret(at, item);
      }
      return rule.store ? stdoutOf([eng.secretSource(at, rule.store)]) : EMPTY;
    }
    case "environment": {
      if (m.variable && plain.length) return eng.envVar(at, plain[0]?.text);
      const d = m.dump;
      const dump =
        d === "always" ||
        ((!d.withoutOperands || !plain.length) && ((d.orNoArgs && args.length === 0) || c.has(...d.flags)));
      return dump ? eng.envDump(at) : EMPTY;
    }
    case "write": {
      if (!holds(m.when, c)) return EMPTY;
      const data = m.data === "nothing" ? undefined : m.data === "stdin" ? stdin : operand(c, m.data);
      const via = m.appendVia && c.has(...m.appendVia.flags) ? m.appendVia.via : m.via;
      const targets = m.target === "each-operand" ? plain : [operand(c, m.target) ?? EMPTY];
      for (const t of targets) eng.write(at, t, data, via);
      return m.prints === "stdin" ? (stdin ?? EMPTY) : EMPTY;
    }
    case "keyed-copy": {
      let out: readonly Label[] | undefined = stdin?.labels;
      for (const a of args) {
        if (a.text?.startsWith(m.input))
          out = unionLabels(
            out,
            eng.read(at, { text: a.text.slice(m.input.length), labels: a.labels }, name),
          );
        if (a.text?.startsWith(m.output))
          eng.write(at, { text: a.text.slice(m.output.length), labels: a.labels }, stdoutOf(out), name);
      }
      return stdoutOf(out);
    }
    case "download":
      return download(c, true);
    case "download-or-decode":
      if (holds(m.download, c)) return download(c, false);
      if (holds(m.decode, c)) {
        eng.write(
          at,
          operand(c, "second-operand") ?? EMPTY,
          eng.decoded(at, { labels: eng.read(at, operand(c, "first-operand") ?? EMPTY, name) }, "base64"),
          name,
        );
      }
      return EMPTY;
    case "run-remote": {
      const url = args.find((a) => /https?:\/\//i.test(a.text ?? ""));
      if (url) eng.exec(at, eng.fetched(at, url), "shell", undefined, name);
      return EMPTY;
    }
    case "read":
      return read(m, c);
    case "copy":
      return copy(eng, at, plain, name);
  }
}

/**
 * `printf FORMAT ARGS…`: the format's escapes decoded (`printf '\x63\x75\x72\x6c'` prints `curl`, a
 * way to spell a command name no reader sees) and its `%s`-like conversions filled in order.
 */
function printf(format: string, args: readonly Value[]): Value {
  const pieces = decodeAnsiC(format).text.split(/(%[-+ #0-9.]*[sbdiqcxXo%])/);
  const parts: Value[] = [];
  let k = 0;
  for (const p of pieces) {
    if (!p) continue;
    if (p === "%%") parts.push(lit("%"));
    else if (/^%[-+ #0-9.]*[sbdiqcxXo]$/.test(p)) parts.push(args[k++] ?? lit(""));
    else parts.push(lit(p));
  }
  // Arguments past the format's conversions are printed with it again: their taint stays.
  const rest = args.slice(k);
  return rest.length ? concat([...parts, ...rest]) : concat(parts);
}

/**
 * `bitsadmin /transfer job URL OUT`, `certutil -urlcache -f URL OUT`: the URL saved to the last
 * operand. certutil saves even when its URL is not written as one (`needsUrl` false).
 */
function download(c: CommandLine, needsUrl: boolean): Value {
  const url = c.plain.find((a) => /^https?:/i.test(a.text ?? ""));
  const out = c.plain[c.plain.length - 1];
  if ((url || !needsUrl) && out && out !== url) c.eng.download(c.at, out, url);
  return EMPTY;
}

/** Arguments that are neither flags nor the values of the flags matched by `valueFlags`. */
function withoutFlagValues(args: readonly Value[], valueFlags: RegExp): Value[] {
  const out: Value[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (!a) continue;
    if (isFlag(a)) {
      if (valueFlags.test(a.text ?? "")) k++;
      continue;
    }
    out.push(a);
  }
  return out;
}

function read(m: ReadModel, c: CommandLine): Value {
  const { eng, at, name, args, plain, stdin } = c;
  if (m.archive) {
    const made = archive(eng, at, name, args);
    if (made) return made;
  }
  let L: readonly Label[] | undefined;
  let targets = m.reads === "operands-after-pattern" ? plain.slice(1) : plain;
  if (m.reads === "find") {
    const root = plain[0];
    const k = args.findIndex((a) => a.text === "-name" || a.text === "-iname" || a.text === "-path");
    const pattern = k >= 0 ? args[k + 1] : undefined;
    targets = root ? [pattern ? concat([root, pattern], "/**/") : root] : [];
  }
  if (m.inPlace && args.some((a) => m.inPlace?.test(a.text ?? ""))) {
    for (const t of targets) eng.write(at, t, plain[0], `${name} -i`);
    return EMPTY;
  }
  for (const t of targets) if (t.text !== "-") L = unionLabels(L, eng.read(at, t, name));
  if (m.filter && stdin) L = unionLabels(L, stdin.labels);
  if (m.reverses && !targets.length && isKnown(stdin?.text)) {
    const text = stdin.text
      .split("\n")
      .map((l) => [...l].reverse().join(""))
      .join("\n");
    return eng.decoded(at, { labels: L }, "reversed text", text.trim());
  }
  const d = m.decodes;
  if (d && (d.when === "always" || d.when.every((re) => args.some((a) => re.test(a.text ?? ""))))) {
    const input = stdin ?? EMPTY;
    const text = d.base64 && isKnown(input.text) ? decodeLiteral(input.text.trim(), "base64") : undefined;
    return eng.decoded(at, { labels: L }, d.base64 ? "base64" : name, text);
  }
  if (m.echoesStdin && !targets.length && stdin) return stdin;
  return stdoutOf(L);
}

/** `tar czf out.tgz a b`, `zip -r out.zip a`, `7z a out.7z a`: reads the sources, writes the archive. */
function archive(eng: Engine, at: Loc, name: string, args: readonly Value[]): Value | undefined {
  let out: Value | undefined;
  const sources: Value[] = [];
  if (name === "tar") {
    const mode = args[0]?.text ?? "";
    if (!/^-?[a-zA-Z]*c/.test(mode) && !args.some((a) => a.text === "--create")) return undefined;
    for (let k = 0; k < args.length; k++) {
      const a = args[k];
      const s = a?.text ?? "";
      if (!a) continue;
      if (s.startsWith("--file=")) out = { text: s.slice(7), labels: a.labels };
      else if ((k === 0 || s.startsWith("-")) && /^-?[a-zA-Z]*f$/.test(s)) out = args[++k];
      else if (s === "-C" || s === "--directory" || s === "--exclude" || s === "-X") k++;
      else if (!s.startsWith("-") && k > 0) sources.push(a);
    }
  } else if (name === "zip") {
    const plain = withoutFlagValues(args, /^-[xib]$/);
    out = plain[0];
    sources.push(...plain.slice(1));
  } else {
    if (args[0]?.text !== "a") return undefined;
    const plain = withoutFlagValues(args.slice(1), /^-o$/);
    out = plain[0];
    sources.push(...plain.slice(1));
  }
  let L: readonly Label[] | undefined;
  for (const src of sources) L = unionLabels(L, unionLabels(src.labels, eng.read(at, src, name)));
  if (!out || out.text === "-") return stdoutOf(L);
  eng.write(at, out, stdoutOf(L), name);
  return EMPTY;
}

function copy(eng: Engine, at: Loc, plain: readonly Value[], name: string): Value {
  if (plain.length < 2) return EMPTY;
  let L: readonly Label[] | undefined;
  for (const src of plain.slice(0, -1)) L = unionLabels(L, eng.read(at, src, name));
  eng.write(at, plain[plain.length - 1] ?? EMPTY, stdoutOf(L), name);
  return EMPTY;
}

function shell(eng: Engine, at: Loc, name: string, args: readonly Value[], stdin?: Value): Value {
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    const s = a?.text ?? "";
    if (/^-[a-z]*c[a-z]*$/.test(s) && !s.startsWith("--")) {
      const code = args[k + 1];
      if (code) return eng.exec(at, code, "shell", "shell", `${name} -c`);
      return EMPTY;
    }
    if (s === "-s" || s === "-") break;
    if (isFlag(a)) continue;
    if (a) return runScript(eng, at, a, name);
  }
  if (stdin && (stdin.labels?.length || isKnown(stdin.text)))
    return eng.exec(at, stdin, "shell", "shell", `a pipe into ${name}`);
  return EMPTY;
}

/** A word as a reader wrote it: `$f/x.sh` for a path known only at run time (Value.ident). */
function shownWord(v: Value): string {
  if (isKnown(v.text)) return v.text;
  if (v.ident !== undefined) return `$${v.ident.replace(/@\d+/, "")}`;
  return (v.text ?? "").replaceAll(UNKNOWN, "…");
}

function runScript(eng: Engine, at: Loc, script: Value, name: string): Value {
  const dl = eng.downloaded(script);
  if (dl) eng.execDownloaded(at, dl, `${name} ${shownWord(script)}`.trim());
  else if (script.labels?.length)
    eng.exec(at, { text: UNKNOWN, labels: script.labels }, "shell", undefined, name);
  return EMPTY;
}

function interpreter(
  eng: Engine,
  at: Loc,
  name: string,
  lang: CodeLang | undefined,
  args: readonly Value[],
  stdin?: Value,
): Value {
  for (let k = 0; k < args.length; k++) {
    const s = args[k]?.text ?? "";
    if (
      s === "-c" ||
      s === "-e" ||
      s === "--eval" ||
      s === "-p" ||
      s === "--print" ||
      s === "-E" ||
      s === "-r"
    ) {
      const code = args[k + 1];
      if (code) return eng.exec(at, code, "code", lang, `${name} ${s}`);
      return EMPTY;
    }
    if (s === "-m") return EMPTY;
    if (s === "-") break;
    if (s.startsWith("-")) continue;
    const a = args[k];
    if (a) return runScript(eng, at, a, name);
  }
  if (stdin && (stdin.labels?.length || isKnown(stdin.text)))
    return eng.exec(at, stdin, "code", lang, `a pipe into ${name}`);
  return EMPTY;
}

function pwsh(eng: Engine, at: Loc, args: readonly Value[], stdin?: Value): Value {
  for (let k = 0; k < args.length; k++) {
    const s = (args[k]?.text ?? "").toLowerCase();
    const next = args[k + 1];
    if (/^[-/]e(nc(odedcommand)?|c)?$/.test(s) && next) {
      const text = isKnown(next.text) ? decodeLiteral(next.text, "base64-utf16le") : undefined;
      return eng.exec(
        at,
        eng.decoded(at, next, "base64 (-EncodedCommand)", text),
        "code",
        "powershell",
        "powershell -EncodedCommand",
      );
    }
    if (/^[-/]c(ommand)?$/.test(s) && next)
      return eng.exec(at, concat(args.slice(k + 1), " "), "code", "powershell", "powershell -Command");
    if (/^[-/]f(ile)?$/.test(s) && next) return runScript(eng, at, next, "powershell -File");
  }
  if (stdin && (stdin.labels?.length || isKnown(stdin.text)))
    return eng.exec(at, stdin, "code", "powershell", "a pipe into powershell");
  return EMPTY;
}
