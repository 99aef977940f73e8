// A skill decides what its files are by how it runs them: `python3 scripts/inventory.cfg` makes
// inventory.cfg a Python script whatever its name says. Only a file with no kind of its own (data by
// name and content) takes the kind of the interpreter that runs it: a shebang, an extension the
// scanner knows, or shell-looking lines decide first, and a Markdown or script file never becomes
// something else (that could only take rules away from it).

import type { TextKind } from "../rules/schema.js";
import { codeSourceOf } from "./extract-code.js";
import { isCodeKind } from "./file-kind.js";

/** One text file of a skill, its path relative to the skill's folder and its kind by name and content. */
export interface KindedFile {
  path: string;
  kind: TextKind;
  text: string;
}

/** A command that runs a file: the interpreter's kind and the path as written. */
export interface Invocation {
  kind: TextKind;
  path: string;
  /** Offset of the interpreter's name in the text. */
  offset: number;
}

interface Interpreter {
  kind: TextKind;
  /** Flags after which no file is run (`-c code`, `-m module`, `-e code`). */
  stop: RegExp;
  /** Flags that take the next word as their value (`-W ignore`, `-ExecutionPolicy Bypass`). */
  value?: RegExp;
  /** Flags whose value is the file to run (`pwsh -File x`, `php -f x`). */
  file?: RegExp;
  /** The file comes only after `file` (powershell.exe reads a bare word as a command). */
  fileFlagOnly?: boolean;
  /** First words that are a subcommand, not a file (`bun install`). */
  subcommand?: RegExp;
}

const PYTHON: Interpreter = {
  kind: "python",
  // `-c code` and `-m module` (also clustered: `-uc`, `-mpip`), never `-W`/`-X` values.
  stop: /^-(?![WX])[a-zA-Z]*[cm]/,
  value: /^-[WXQ]$|^--check-hash-based-pycs$/,
};
const NODE: Interpreter = {
  kind: "javascript",
  stop: /^(?:-[a-zA-Z]*[ep]|--eval|--print|--help|--version|-v|-h)$/,
  value: /^(?:-r|--require|--import|--loader|--experimental-loader|--conditions|-C|--title|--inspect-port)$/,
};
const BUN: Interpreter = {
  ...NODE,
  subcommand:
    /^(?:install|i|add|a|remove|rm|x|test|build|create|init|upgrade|pm|link|unlink|update|outdated|publish|patch|repl|exec|run)$/,
};
const DENO: Interpreter = {
  kind: "javascript",
  stop: /^--?(?:e|eval|help|version)$/,
  value: /^(?:-c|--config|--import-map|--lock|--cert|--location|--seed|--v8-flags|--env-file)$/,
};
const SHELL: Interpreter = {
  kind: "shell",
  stop: /^-[a-zA-Z]*[cs]/,
  value: /^(?:[-+]o|--rcfile|--init-file)$/,
};
const SOURCE: Interpreter = { kind: "shell", stop: /^-/ };
const PWSH: Interpreter = {
  kind: "powershell",
  stop: /^-(?:c|command|encodedcommand|e|ec|enc)$/i,
  value:
    /^-(?:ex|ep|executionpolicy|w|windowstyle|wd|workingdirectory|configurationname|cn|inputformat|if|outputformat|of|settingsfile|psconsolefile|version|v)$/i,
  file: /^-f(?:i(?:le?)?)?$/i,
};
const WINDOWS_POWERSHELL: Interpreter = { ...PWSH, fileFlagOnly: true };
const GENERIC = (stop: RegExp, value?: RegExp, file?: RegExp): Interpreter => ({
  kind: "generic-script",
  stop,
  ...(value ? { value } : {}),
  ...(file ? { file } : {}),
});
const RUBY = GENERIC(/^-[a-zA-Z]*e|^--version$/, /^-[ICrx]$/);
const PERL = GENERIC(/^-[a-zA-Z]*[eE]|^-[vV]$/, /^-[IMmx]$/);
const PHP = GENERIC(/^-[a-zA-Z]*[rRBEaSi]|^-[vlms]$/, /^-[cdzt]$/, /^-f$/);
const OTHER = GENERIC(/^-[a-zA-Z]*e$|^-(?:v|h|-version|-help)$/, /^-[lI]$/);

/** The common command words, looked up before the patterns below. */
const EXACT = new Map<string, Interpreter>([
  ["python3", PYTHON],
  ["python", PYTHON],
  ["node", NODE],
  ["bun", BUN],
  ["sh", SHELL],
  ["bash", SHELL],
  ["zsh", SHELL],
  ["source", SOURCE],
  [".", SOURCE],
  ["pwsh", PWSH],
  ["ruby", RUBY],
  ["perl", PERL],
  ["php", PHP],
]);

/** The interpreter a command word names (the word as written, path and version aside). */
function interpreterOf(written: string): Interpreter | undefined {
  const exact = EXACT.get(written);
  if (exact) return exact;
  const word = written.replace(/[ \t]+/g, " ");
  if (/^python(?:[23](?:\.\d{1,2})?)?$|^py$/.test(word)) return PYTHON;
  if (word === "node" || word === "nodejs" || word === "bun run") return NODE;
  if (word === "bun") return BUN;
  if (/^deno[ \t]+run$/.test(word)) return DENO;
  if (/^(?:ba|z|k|da)?sh$/.test(word)) return SHELL;
  if (word === "source" || word === ".") return SOURCE;
  if (word === "pwsh" || /^pwsh\.exe$/i.test(word)) return PWSH;
  if (/^powershell(?:\.exe)?$/i.test(word)) return WINDOWS_POWERSHELL;
  if (word === "ruby") return RUBY;
  if (word === "perl") return PERL;
  if (word === "php") return PHP;
  if (/^(?:lua(?:5\.\d|jit)?|tclsh|Rscript|groovy|osascript)$/.test(word)) return OTHER;
  return undefined;
}

// A command word: at a line start, after a space, quote, backtick, bracket or brace (`%x{…}`,
// `qx{…}`), operator or a path's slash (`/usr/bin/python3`); then a space or, in a list of
// arguments, a closing quote and a comma.
// `.` (the shell's source) only where a command starts: never a sentence's full stop.
const COMMAND =
  /(?:^|(?<=[\s"'`([{;&|/=]))(?:python(?:[23](?:\.\d{1,2})?)?|py|nodejs|node|deno[ \t]{1,8}run|bun(?:[ \t]{1,8}run)?|(?:ba|z|k|da)?sh|source|pwsh(?:\.exe)?|[Pp]ower[Ss]hell(?:\.exe)?|POWERSHELL(?:\.EXE)?|ruby|perl|php|lua(?:5\.\d|jit)?|tclsh|Rscript|groovy|osascript)(?=[ \t]|["'][ \t]{0,8},)|(?:^|(?<=[\s`(;&|]))\.(?=[ \t])/gm;

const MAX_WORDS = 10;
const WORDS_SPAN = 400;
/** Between words: blanks, quotes, commas and brackets (an argument list: `["python3", "a.cfg"]`). */
const isGap = (c: string) =>
  c === " " || c === "\t" || c === "\r" || c === '"' || c === "'" || c === "," || c === "[" || c === "]";
/** Where a command's words end: a shell operator, a parenthesis or backtick, the line's end. */
const isEnd = (c: string) =>
  c === "\n" ||
  c === ";" ||
  c === "|" ||
  c === "&" ||
  c === "<" ||
  c === ">" ||
  c === "(" ||
  c === ")" ||
  c === "`";

/**
 * The words of a command from `from`, read one at a time (most commands name their file first, and
 * hostile text can hold a command name every few characters): at most MAX_WORDS within WORDS_SPAN
 * characters. `end` is where a shell operator stopped them, -1 until then.
 */
class Words {
  private i: number;
  private readonly limit: number;
  private count = 0;
  end = -1;
  constructor(
    private readonly text: string,
    from: number,
  ) {
    this.i = from;
    this.limit = Math.min(text.length, from + WORDS_SPAN);
  }
  next(): string | undefined {
    const { text, limit } = this;
    while (this.i < limit && this.count < MAX_WORDS) {
      const c = text[this.i]!;
      if (isEnd(c)) {
        this.end = this.i;
        return undefined;
      }
      if (isGap(c)) {
        this.i++;
        continue;
      }
      let j = this.i + 1;
      while (j < limit && !isGap(text[j]!) && !isEnd(text[j]!)) j++;
      const w = text.slice(this.i, j);
      this.i = j;
      this.count++;
      return w;
    }
    return undefined;
  }
}

/** Every command in `text` that runs a file: the file's path as written, with the interpreter's kind. */
export function* invocations(text: string): Generator<Invocation> {
  const command = new RegExp(COMMAND.source, COMMAND.flags);
  for (let m = command.exec(text); m; m = command.exec(text)) {
    const interp = interpreterOf(m[0]);
    if (!interp) continue;
    const words = new Words(text, m.index + m[0].length);
    const named = fileArgument(interp, words);
    // `python3 < file` runs the file as surely as `python3 file` (never `<<` or `<(`).
    const fed =
      named === undefined &&
      words.end >= 0 &&
      text[words.end] === "<" &&
      !/[<(]/.test(text[words.end + 1] ?? "<")
        ? new Words(text, words.end + 1).next()
        : undefined;
    const path = cleanPath(named ?? fed ?? "");
    // After a lone `.`, only a word that looks like a path: a stray full stop must not start a command.
    if (m[0] === "." && !/[./]/.test(path)) continue;
    if (path) yield { kind: interp.kind, path, offset: m.index };
  }
}

/** A path as written without what closes the sentence or the construct around it (`.`, `)`, `}`). */
const cleanPath = (written: string) => written.replace(/\\/g, "/").replace(/[.:,;)}\]]+$/, "");

/** The file the words run: undefined for none named, null when a flag says no file runs (`-c`, `-m`). */
function fileArgument(interp: Interpreter, words: Words): string | undefined | null {
  for (let w = words.next(); w !== undefined; w = words.next()) {
    if (interp.file?.test(w)) return words.next();
    if (w.startsWith("-") || (interp.kind === "shell" && w.startsWith("+"))) {
      if (w === "--") continue;
      if (interp.stop.test(w)) return null;
      if (interp.value?.test(w)) words.next();
      continue;
    }
    return interp.fileFlagOnly || interp.subcommand?.test(w) ? null : w;
  }
  return undefined;
}

/** `a/./b/../c` → `a/c`; undefined when it climbs out of the skill's folder. */
function normalise(path: string): string | undefined {
  const out: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.join("/");
}

/**
 * The file of the skill a path names: from the naming file's folder, from the skill's folder, then
 * with leading folders dropped (`~/.claude/skills/x/scripts/a.cfg`, `{baseDir}/scripts/a.cfg`,
 * `$SKILL_DIR/scripts/a.cfg`), and last by its name alone when one file of the skill has it (`cd
 * scripts && python3 a.cfg`).
 */
export function resolveInSkill(
  written: string,
  from: string,
  files: ReadonlySet<string>,
  byName: ReadonlyMap<string, string[]>,
): string | undefined {
  const path = cleanPath(written);
  if (!path || path.endsWith("/")) return undefined;
  const dir = from.includes("/") ? from.slice(0, from.lastIndexOf("/")) : "";
  const tries = [dir ? `${dir}/${path}` : path, path];
  for (const t of tries) {
    const n = normalise(t);
    if (n && files.has(n)) return n;
  }
  const segs = path.split("/").filter((s) => s !== "" && s !== ".");
  for (let i = 1; i < segs.length; i++) {
    const suffix = segs.slice(i).join("/");
    if (files.has(suffix)) return suffix;
  }
  const same = byName.get(segs[segs.length - 1] ?? "");
  return same?.length === 1 ? same[0] : undefined;
}

/**
 * The kind each file with no kind of its own takes from the commands of the skill that run it: the
 * commands are read in its instruction files (Markdown and text) and its scripts, in the order given
 * (SKILL.md first); the first command naming a file decides. Pure: the same files give the same map.
 */
export function runAsKinds(files: readonly KindedFile[]): Map<string, TextKind> {
  const out = new Map<string, TextKind>();
  // A build or config file whose commands are read by name (package.json, a Makefile) keeps that
  // reading: naming it after an interpreter must not take it away.
  const targets = new Set(files.filter((f) => f.kind === "data" && !codeSourceOf(f.path)).map((f) => f.path));
  if (targets.size === 0) return out;
  const all = new Set(files.map((f) => f.path));
  const byName = new Map<string, string[]>();
  for (const p of all) {
    const name = p.slice(p.lastIndexOf("/") + 1);
    const same = byName.get(name);
    if (same) same.push(p);
    else byName.set(name, [p]);
  }
  const byPath = new Map(files.map((f) => [f.path, f]));
  const sources = files.filter((f) => f.kind === "instructions" || isCodeKind(f.kind));
  // A file that becomes a script is read for the commands it runs in turn (a stage that starts the next).
  const queue = [
    ...sources.filter((f) => f.path === "SKILL.md"),
    ...sources.filter((f) => f.path !== "SKILL.md"),
  ];
  for (let i = 0; i < queue.length; i++) {
    const src = queue[i]!;
    const tried = new Set<string>();
    for (const inv of invocations(src.text)) {
      // Every way a path resolves keeps its last segment: most words name no file of the skill.
      if (!byName.has(inv.path.slice(inv.path.lastIndexOf("/") + 1))) continue;
      const key = `${inv.kind}\0${inv.path}`;
      if (tried.has(key)) continue;
      tried.add(key);
      const target = resolveInSkill(inv.path, src.path, all, byName);
      if (!target || !targets.has(target) || out.has(target)) continue;
      out.set(target, inv.kind);
      const file = byPath.get(target);
      if (file && isCodeKind(inv.kind)) queue.push(file);
    }
  }
  return out;
}
