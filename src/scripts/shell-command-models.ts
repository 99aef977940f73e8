// Why one file of ~800 lines: it is a table, one case per external command (curl, wget, base64,
// tar, …), each a few independent lines over the same argv helpers; every language's walker asks it
// what a command does, so a command is modelled once, here, for all of them.

import { decodeLiteral } from "./decode-literals.js";
import { NETWORK_IN_TEXT, UNKNOWN } from "./paths.js";
import type { Engine } from "./taint-engine.js";
import {
  type CodeLang,
  concat,
  EMPTY,
  isKnown,
  type Label,
  type Loc,
  labelsOf,
  unionLabels,
  type Value,
} from "./values.js";

// What one command line does, whatever language built it: a bash command, a subprocess argv list,
// a PowerShell external command. Returns what the command prints (its stdout), with taint.

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
const SHELLS = new Set(["sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "busybox"]);
const INTERPRETERS: Record<string, CodeLang | undefined> = {
  python: "python",
  python2: "python",
  python3: "python",
  py: "python",
  pypy: "python",
  pypy3: "python",
  node: "javascript",
  nodejs: "javascript",
  deno: "javascript",
  bun: "javascript",
  perl: undefined,
  ruby: undefined,
  php: undefined,
  lua: undefined,
  osascript: undefined,
};
/** Commands that read the files named in their arguments and print (some of) their content. */
const READERS = new Set([
  "cat",
  "head",
  "tail",
  "less",
  "more",
  "tac",
  "nl",
  "strings",
  "xxd",
  "od",
  "hexdump",
  "base64",
  "base32",
  "gzip",
  "bzip2",
  "xz",
  "zstd",
  "zip",
  "tar",
  "7z",
  "7za",
  "sqlite3",
  "grep",
  "egrep",
  "fgrep",
  "rg",
  "awk",
  "gawk",
  "sed",
  "jq",
  "yq",
  "openssl",
  "gpg",
  "cut",
  "sort",
  "uniq",
  "tr",
  "rev",
  "fold",
  "gunzip",
  "zcat",
  "iconv",
  "type",
  "get-content",
  "gc",
  "find",
  "cp",
  "install",
  "mv",
  "rsync",
  "ditto",
  "plutil",
  "defaults",
]);
/** Readers that pass stdin through (possibly transformed). */
const FILTERS = new Set([
  "base64",
  "base32",
  "gzip",
  "bzip2",
  "xz",
  "zstd",
  "gunzip",
  "zcat",
  "xxd",
  "openssl",
  "gpg",
  "cut",
  "sort",
  "uniq",
  "tr",
  "rev",
  "fold",
  "sed",
  "awk",
  "gawk",
  "jq",
  "yq",
  "head",
  "tail",
  "grep",
  "egrep",
  "fgrep",
  "rg",
  "iconv",
  "tee",
  "cat",
  "tac",
  "nl",
  "od",
  "hexdump",
  "strings",
  "xargs",
]);
const CURL_VALUE_FLAGS = new Set("dFTXHuobAexmwKEQrYyzCcDP".split(""));
const CURL_DATA_LONG = new Set([
  "--data",
  "--data-binary",
  "--data-raw",
  "--data-ascii",
  "--data-urlencode",
  "--json",
]);
const CURL_FORM_LONG = new Set(["--form", "--form-string"]);
const CURL_VALUE_LONG = new Set([
  "--request",
  "--header",
  "--user",
  "--cookie",
  "--user-agent",
  "--referer",
  "--proxy",
  "--output",
  "--url",
  "--connect-timeout",
  "--max-time",
  "--retry",
  "--write-out",
  "--config",
  "--cert",
  "--key",
  "--cacert",
  "--resolve",
  "--range",
  "--limit-rate",
  "--oauth2-bearer",
  "--upload-file",
  "--output-dir",
  "--dump-header",
  "--cookie-jar",
  "--retry-delay",
  "--retry-max-time",
  "--max-filesize",
  "--interface",
  "--dns-servers",
]);

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
  const plain = args.filter((a) => !isFlag(a));
  const has = (...flags: string[]) => args.some((a) => a.text !== undefined && flags.includes(a.text));
  eng.caps.add("shell");

  const dl = eng.downloaded(head);
  if (dl) {
    eng.execDownloaded(at, dl, `\`${head.text}\``);
    return EMPTY;
  }
  if (head.labels?.length)
    eng.exec(at, { text: UNKNOWN, labels: head.labels }, "shell", undefined, "a command name built from it");

  switch (name) {
    case "curl":
      return curl(eng, at, args, stdin);
    case "wget":
      return wget(eng, at, args);
    case "nc":
    case "ncat":
    case "netcat":
    case "telnet":
    case "socat": {
      if (has("-e", "-c", "--exec", "--sh-exec") || args.some((a) => /exec:|system:/i.test(a.text ?? ""))) {
        const l = eng.fetched(at, undefined).labels ?? [];
        eng.exec(at, { text: UNKNOWN, labels: l }, "shell", undefined, `a reverse shell (${name})`);
        return EMPTY;
      }
      eng.send(at, { body: [stdin], other: args }, name);
      return eng.fetched(at, undefined);
    }
    case "scp":
    case "sftp":
    case "rsync": {
      // Operands only: `-i ~/.ssh/key`, `-e "ssh -i key"` name the login, not the data sent.
      const operands = withoutFlagValues(
        args,
        name === "rsync" ? /^-[ef]$|^--(rsh|port|password-file|exclude|include|filter)$/ : /^-[iPoFSlcJD]$/,
      );
      const isRemote = (a: Value) => /^[^/\s]*:/.test(a.text ?? "") && !/^[a-z]:[\\/]/i.test(a.text ?? "");
      if (!operands.some(isRemote)) return copy(eng, at, operands, name);
      const sent: Value[] = [];
      for (const a of operands) if (!isRemote(a)) sent.push({ labels: eng.read(at, a, name) });
      eng.send(at, { body: sent, other: operands }, name);
      return EMPTY;
    }
    case "dig":
    case "nslookup":
    case "host":
    case "drill":
    case "ping":
      if (labelsOf(args)?.length) eng.send(at, { other: args }, `a DNS lookup (${name})`);
      return EMPTY;
    case "echo":
    case "printf": {
      const words = args.filter((a, k) => !(name === "echo" && k === 0 && /^-[neE]+$/.test(a.text ?? "")));
      return concat(words, " ");
    }
    case "eval":
      return eng.exec(at, concat(args, " "), "shell", "shell", "eval");
    case "source":
    case ".": {
      const target = plain[0];
      if (!target) return EMPTY;
      const d = eng.downloaded(target);
      if (d) eng.execDownloaded(at, d, name);
      else if (target.labels?.length)
        eng.exec(at, { text: UNKNOWN, labels: target.labels }, "shell", undefined, name);
      else eng.read(at, target, name);
      return EMPTY;
    }
    case "xargs": {
      const rest = args.filter((a, k) => !(isFlag(a) && k === 0));
      return runCommand(eng, at, [...rest, stdin ?? { text: UNKNOWN }], undefined);
    }
    case "crontab": {
      if (has("-l", "-r", "-e")) return EMPTY;
      const file = plain[0];
      if (!file || file.text === "-") eng.persist(at, "scheduled jobs (crontab)", stdin);
      else eng.persist(at, "scheduled jobs (crontab)", file);
      return EMPTY;
    }
    case "systemctl":
    case "launchctl":
    case "update-rc.d":
    case "chkconfig": {
      // Enabling an installed service (docker, postgres) is what setup scripts do: a capability.
      // A user-level unit or agent made by the skill itself is flagged where its file is written,
      // and `systemctl --user enable` of a unit the script names is flagged here.
      if (!has("enable", "link", "load", "bootstrap", "submit", "defaults")) return EMPTY;
      if (name === "systemctl" && has("--user")) eng.persist(at, "a systemd user service", concat(args, " "));
      else {
        eng.caps.add("persistence");
        const text = concat(args, " ");
        if (NETWORK_IN_TEXT.test((text.text ?? "").replaceAll(UNKNOWN, " ")))
          eng.persist(at, "a start-up service", text);
      }
      return EMPTY;
    }
    case "at":
      eng.persist(at, "a start-up or scheduled job", concat(args, " "));
      return EMPTY;
    case "schtasks":
      if (args.some((a) => /^[/-]create$/i.test(a.text ?? "")))
        eng.persist(at, "a Windows scheduled task", concat(args, " "));
      return EMPTY;
    case "reg":
      if (/^add$/i.test(args[0]?.text ?? "") && /currentversion\\+run/i.test(args[1]?.text ?? ""))
        eng.persist(at, "the Windows Run registry key", concat(args, " "));
      return EMPTY;
    case "security": {
      const sub = args[0]?.text ?? "";
      if (/^(dump-keychain|export)$/.test(sub))
        return stdoutOf([eng.secretSource(at, "your macOS keychain")]);
      if (/^find-(generic|internet)-password$/.test(sub)) {
        const k = args.findIndex((a) => a.text === "-s" || a.text === "-l" || a.text === "-a");
        const named = k >= 0 ? args[k + 1]?.text : undefined;
        if (isKnown(named)) return eng.namedSecret(at, named);
        return stdoutOf([eng.secretSource(at, "passwords saved in your macOS keychain")]);
      }
      return EMPTY;
    }
    case "secret-tool":
      return args[0]?.text === "lookup" ? eng.namedSecret(at, concat(args.slice(1), " ").text ?? "") : EMPTY;
    case "cmdkey":
    case "vaultcmd":
      return stdoutOf([eng.secretSource(at, "saved Windows credentials")]);
    case "env":
    case "printenv":
      if (plain.length && name === "printenv") return eng.envVar(at, plain[0]?.text);
      return eng.envDump(at);
    case "set":
    case "export":
    case "declare":
    case "typeset":
      if (!plain.length && (args.length === 0 || has("-p", "-x", "-px", "-xp"))) return eng.envDump(at);
      return EMPTY;
    case "compgen":
      return has("-e", "-v") ? eng.envDump(at) : EMPTY;
    case "git":
      if (args[0]?.text === "clone" && plain.length >= 3)
        eng.write(at, plain[plain.length - 1] ?? EMPTY, undefined, "git clone");
      return EMPTY;
    case "ln":
      if (plain.length >= 2) eng.write(at, plain[plain.length - 1] ?? EMPTY, plain[0], "ln");
      return EMPTY;
    case "tee":
      for (const a of plain) eng.write(at, a, stdin, has("-a", "--append") ? "tee -a" : "tee");
      return stdin ?? EMPTY;
    case "dd": {
      let out: readonly Label[] | undefined = stdin?.labels;
      for (const a of args) {
        if (a.text?.startsWith("if="))
          out = unionLabels(out, eng.read(at, { text: a.text.slice(3), labels: a.labels }, "dd"));
        if (a.text?.startsWith("of="))
          eng.write(at, { text: a.text.slice(3), labels: a.labels }, stdoutOf(out), "dd");
      }
      return stdoutOf(out);
    }
    case "certutil": {
      if (has("-urlcache", "/urlcache")) {
        const url = plain.find((a) => /^https?:/i.test(a.text ?? ""));
        const out = plain[plain.length - 1];
        if (out && out !== url) eng.download(at, out, url);
        return EMPTY;
      }
      if (has("-decode", "/decode", "-decodehex", "/decodehex") && plain.length >= 2) {
        eng.write(
          at,
          plain[1] ?? EMPTY,
          eng.decoded(at, { labels: eng.read(at, plain[0] ?? EMPTY, name) }, "base64"),
          name,
        );
      }
      return EMPTY;
    }
    case "bitsadmin": {
      const url = plain.find((a) => /^https?:/i.test(a.text ?? ""));
      const out = plain[plain.length - 1];
      if (url && out && out !== url) eng.download(at, out, url);
      return EMPTY;
    }
    case "mshta":
    case "regsvr32":
    case "rundll32": {
      const url = args.find((a) => /https?:\/\//i.test(a.text ?? ""));
      if (url) eng.exec(at, eng.fetched(at, url), "shell", undefined, name);
      return EMPTY;
    }
  }

  if (SHELLS.has(name)) return shell(eng, at, name, args, stdin);
  if (name in INTERPRETERS || /^python\d(\.\d+)?$/.test(name)) return interpreter(eng, at, name, args, stdin);
  if (name === "pwsh" || name === "powershell") return pwsh(eng, at, args, stdin);
  if (READERS.has(name)) return reader(eng, at, name, args, plain, stdin);
  for (const a of args)
    if (isKnown(a.text) && /^\/dev\/(tcp|udp)\//.test(a.text)) eng.send(at, { body: [stdin] }, name);
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

function decodeFlag(name: string, args: readonly Value[]): boolean {
  const has = (re: RegExp) => args.some((a) => re.test(a.text ?? ""));
  switch (name) {
    case "base64":
    case "base32":
      return has(/^(-d|-D|--decode|-[a-zA-Z]*d[a-zA-Z]*)$/);
    case "xxd":
      return has(/^-r|^-[a-z]*r/);
    case "openssl":
      return has(/^-d$|^-base64$|^base64$/) && has(/^-d$/);
    case "gunzip":
    case "zcat":
      return true;
    case "gzip":
    case "bzip2":
    case "xz":
    case "zstd":
      return has(/^(-d|--decompress|-dc|-cd)$/);
    default:
      return false;
  }
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

function reader(
  eng: Engine,
  at: Loc,
  name: string,
  args: readonly Value[],
  plain: readonly Value[],
  stdin?: Value,
): Value {
  if (name === "tar" || name === "zip" || name === "7z" || name === "7za") {
    const made = archive(eng, at, name, args);
    if (made) return made;
  }
  if (
    name === "cp" ||
    name === "install" ||
    name === "mv" ||
    name === "ditto" ||
    (name === "rsync" && plain.length >= 2)
  )
    return copy(eng, at, plain, name);
  let L: readonly Label[] | undefined;
  const skipFirst = ["grep", "egrep", "fgrep", "rg", "awk", "gawk", "sed", "jq", "yq", "tr"].includes(name);
  let targets = skipFirst ? plain.slice(1) : plain;
  if (name === "find") {
    const root = plain[0];
    const k = args.findIndex((a) => a.text === "-name" || a.text === "-iname" || a.text === "-path");
    const pattern = k >= 0 ? args[k + 1] : undefined;
    targets = root ? [pattern ? concat([root, pattern], "/**/") : root] : [];
  }
  if (name === "sed" && args.some((a) => /^-i/.test(a.text ?? ""))) {
    for (const t of targets) eng.write(at, t, plain[0], "sed -i");
    return EMPTY;
  }
  for (const t of targets) if (t.text !== "-") L = unionLabels(L, eng.read(at, t, name));
  if (FILTERS.has(name) && stdin) L = unionLabels(L, stdin.labels);
  // `rev` turns a string written backwards into the command it hides from readers and text rules.
  if (name === "rev" && !targets.length && isKnown(stdin?.text)) {
    const text = stdin.text
      .split("\n")
      .map((l) => [...l].reverse().join(""))
      .join("\n");
    return eng.decoded(at, { labels: L }, "reversed text", text.trim());
  }
  if (decodeFlag(name, args)) {
    const input = stdin ?? EMPTY;
    const text =
      (name === "base64" || name === "openssl") && isKnown(input.text)
        ? decodeLiteral(input.text.trim(), "base64")
        : undefined;
    return eng.decoded(at, { labels: L }, name === "base64" || name === "openssl" ? "base64" : name, text);
  }
  if (name === "cat" && !targets.length && stdin) return stdin;
  return stdoutOf(L);
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

function runScript(eng: Engine, at: Loc, script: Value, name: string): Value {
  const dl = eng.downloaded(script);
  if (dl) eng.execDownloaded(at, dl, `${name} ${script.text ?? ""}`.trim());
  else if (script.labels?.length)
    eng.exec(at, { text: UNKNOWN, labels: script.labels }, "shell", undefined, name);
  return EMPTY;
}

function interpreter(eng: Engine, at: Loc, name: string, args: readonly Value[], stdin?: Value): Value {
  const lang = INTERPRETERS[name] ?? (name.startsWith("python") ? "python" : undefined);
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

function curl(eng: Engine, at: Loc, args: readonly Value[], stdin?: Value): Value {
  const urls: Value[] = [];
  const body: Value[] = [];
  const other: Value[] = [];
  let method = "";
  let output: Value | undefined;
  let remoteName = false;
  const data = (flag: string, v: Value | undefined) => {
    if (!v) return;
    const s = v.text ?? "";
    if (flag === "T" || flag === "--upload-file") {
      if (s === "-" || s === ".") body.push(stdin ?? EMPTY);
      else body.push({ labels: unionLabels(v.labels, eng.read(at, v, "curl --upload-file")) });
      return;
    }
    const form = flag === "F" || CURL_FORM_LONG.has(flag);
    const at1 = form
      ? s.search(/=[@<]/) + 1
      : s.startsWith("@")
        ? 0
        : flag === "--data-urlencode"
          ? s.indexOf("@")
          : -1;
    if (at1 >= 0 && (form ? at1 > 0 : true) && (s[at1] === "@" || s[at1] === "<")) {
      const path = s.slice(at1 + 1).split(";")[0] ?? "";
      if (path === "-") body.push(stdin ?? EMPTY);
      else
        body.push({
          labels: unionLabels(
            v.labels,
            eng.read(at, { text: path, labels: v.labels }, `curl -${form ? "F" : "d"} @file`),
          ),
        });
      return;
    }
    body.push(v);
  };
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    const s = a?.text ?? "";
    if (!a) continue;
    if (s.startsWith("--")) {
      const eq = s.indexOf("=");
      const flag = eq > 0 ? s.slice(0, eq) : s;
      const inline = eq > 0 ? { text: s.slice(eq + 1), labels: a.labels } : undefined;
      const take = () => inline ?? args[++k];
      if (CURL_DATA_LONG.has(flag) || CURL_FORM_LONG.has(flag) || flag === "--upload-file")
        data(flag, take());
      else if (flag === "--request") method = (take()?.text ?? "").toUpperCase();
      else if (flag === "--output") output = take();
      else if (flag === "--remote-name" || flag === "--remote-name-all") remoteName = true;
      else if (flag === "--url") {
        const u = take();
        if (u) urls.push(u);
      } else if (CURL_VALUE_LONG.has(flag)) {
        const v = take();
        if (v) other.push(v);
      }
      continue;
    }
    if (s.startsWith("-") && s.length > 1) {
      for (let c = 1; c < s.length; c++) {
        const ch = s[c] ?? "";
        if (ch === "O") remoteName = true;
        if (!CURL_VALUE_FLAGS.has(ch)) continue;
        const rest = s.slice(c + 1);
        const v = rest ? { text: rest, labels: a.labels } : args[++k];
        if (ch === "d" || ch === "F" || ch === "T") data(ch, v);
        else if (ch === "X") method = (v?.text ?? "").toUpperCase();
        else if (ch === "o") output = v;
        else if (v) other.push(v);
        break;
      }
      continue;
    }
    urls.push(a);
  }
  const url = urls[0];
  const sending = body.length > 0 || /^(POST|PUT|PATCH)$/.test(method);
  if (sending || labelsOf([...urls, ...other])?.length)
    eng.send(at, { url, body, other: [...urls.slice(1), ...other] }, "curl");
  if (output && output.text !== "-") {
    eng.download(at, output, url);
    return EMPTY;
  }
  if (remoteName && url?.text) {
    const path = url.text.split(/[?#]/)[0] ?? "";
    eng.download(at, { text: path.slice(path.lastIndexOf("/") + 1) }, url);
    return EMPTY;
  }
  return eng.fetched(at, url);
}

function wget(eng: Engine, at: Loc, args: readonly Value[]): Value {
  const urls: Value[] = [];
  const body: Value[] = [];
  let output: Value | undefined;
  let toStdout = false;
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (!a) continue;
    const s = a.text ?? "";
    if (s.startsWith("--")) {
      const eq = s.indexOf("=");
      const flag = eq > 0 ? s.slice(0, eq) : s;
      const v = eq > 0 ? { text: s.slice(eq + 1), labels: a.labels } : undefined;
      const take = () => v ?? args[++k];
      if (flag === "--post-data" || flag === "--body-data") body.push(take() ?? EMPTY);
      else if (flag === "--post-file" || flag === "--body-file") {
        const f = take();
        if (f) body.push({ labels: eng.read(at, f, "wget --post-file") });
      } else if (flag === "--output-document") {
        output = take();
        if (output?.text === "-") toStdout = true;
      } else if (
        [
          "--header",
          "--method",
          "--user",
          "--password",
          "--directory-prefix",
          "--tries",
          "--timeout",
        ].includes(flag)
      )
        take();
      continue;
    }
    if (s.startsWith("-") && s.length > 1) {
      const o = s.indexOf("O");
      if (o > 0) {
        const rest = s.slice(o + 1);
        output = rest ? { text: rest } : args[++k];
        if (output?.text === "-") toStdout = true;
      } else if (/[PTtU]$/.test(s)) k++;
      continue;
    }
    urls.push(a);
  }
  const url = urls[0];
  if (body.length || labelsOf(urls)?.length) eng.send(at, { url, body, other: urls.slice(1) }, "wget");
  if (toStdout) return eng.fetched(at, url);
  if (output) eng.download(at, output, url);
  else if (url?.text) {
    const path = url.text.split(/[?#]/)[0] ?? "";
    const base = path.slice(path.lastIndexOf("/") + 1);
    if (base) eng.download(at, { text: base }, url);
  }
  return EMPTY;
}
