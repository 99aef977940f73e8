// Why one file of ~820 lines: one small extractor per container format, all built on the same
// offset map back to the real file (Segment); each is short, and they share that map's helpers.

import { looksLikeShell, type ScriptKind } from "./file-kind.js";
import { LineIndex } from "./lines.js";

// Commands hide in files that are not scripts by name: a Makefile's recipes, package.json's
// lifecycle scripts (npm runs `postinstall` by itself), a Dockerfile's RUN lines, a notebook's code
// cells and `!cmd` lines, a pre-commit hook's `entry:`, a workflow's `run:`, a justfile's recipes, a
// Taskfile's `cmds:`, a VS Code task's `command` and `args`, a dev container's lifecycle commands, a
// Markdown code block. Config formats a skill ships under a neutral name to be copied into place
// (`assets/pre-commit-config.yaml`, `assets/vscode/tasks.json`) are recognised by their content.
// Each is cut out here as a script of its language, with every character mapped back to its offset
// in the real file, so findings point at the real line. Pure text work: nothing is run.

/** Where a run of extracted text came from: text[at…] is file[orig…], character for character. */
interface Segment {
  at: number;
  orig: number;
}

/** Script text cut out of a file, with a map back to the file's offsets. */
export class Extract {
  private parts: string[] = [];
  private size = 0;
  private readonly segs: Segment[] = [];

  /** Appends `s`, which starts at `orig` in the file (characters map one to one from there). */
  add(s: string, orig: number): void {
    if (!s) return;
    const last = this.segs[this.segs.length - 1];
    // A piece that continues the previous one needs no segment of its own.
    if (!last || last.orig + (this.size - last.at) !== orig) this.segs.push({ at: this.size, orig });
    this.parts.push(s);
    this.size += s.length;
  }

  /** A line break between pieces (mapped to `orig`, usually the end of the piece's line). */
  newline(orig: number): void {
    this.add("\n", orig);
  }

  get length(): number {
    return this.size;
  }

  text(): string {
    if (this.parts.length > 1) this.parts = [this.parts.join("")];
    return this.parts[0] ?? "";
  }

  /** The file offset of an offset of the extracted text. */
  toOrig(off: number): number {
    let lo = 0;
    let hi = this.segs.length - 1;
    if (hi < 0) return off;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segs[mid]!.at <= off) lo = mid;
      else hi = mid - 1;
    }
    const s = this.segs[lo]!;
    return s.orig + Math.max(0, off - s.at);
  }
}

/**
 * Line and column of extracted text as positions in the real file: analyzers that see only the
 * extract still report the file's own line numbers and excerpts.
 */
export class MappedLines extends LineIndex {
  constructor(
    private readonly file: LineIndex,
    private readonly extract: Extract,
  ) {
    super("");
  }

  override position(offset: number): { line: number; column: number } {
    return this.file.position(this.extract.toOrig(offset));
  }

  override lineText(line: number): string {
    return this.file.lineText(line);
  }

  override lineStart(line: number): number {
    return this.file.lineStart(line);
  }

  override lineEnd(line: number): number {
    return this.file.lineEnd(line);
  }

  override get lineCount(): number {
    return this.file.lineCount;
  }
}

export type CodeSource =
  | "code-block"
  | "makefile"
  | "package-json"
  | "dockerfile"
  | "notebook"
  | "pre-commit"
  | "workflow"
  | "justfile"
  | "taskfile"
  | "vscode-tasks"
  | "devcontainer";

export interface CodePiece {
  lang: ScriptKind;
  source: CodeSource;
  extract: Extract;
}

/** Extracted text larger than this is not analysed further (a real file's commands are far smaller). */
const MAX_EXTRACT = 512 * 1024;

const base = (p: string) => p.slice(p.lastIndexOf("/") + 1).toLowerCase();

/** Which extractor reads a file, by its name; undefined for files with no commands of this kind. */
export function codeSourceOf(path: string): CodeSource | undefined {
  const b = base(path);
  if (b === "makefile" || b === "gnumakefile" || b.endsWith(".mk")) return "makefile";
  if (b === "package.json") return "package-json";
  if (b === "dockerfile" || b === "containerfile" || b.startsWith("dockerfile.") || b.endsWith(".dockerfile"))
    return "dockerfile";
  if (b.endsWith(".ipynb")) return "notebook";
  if (b === ".pre-commit-config.yaml" || b === ".pre-commit-hooks.yaml") return "pre-commit";
  if (/(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i.test(path) || b === "action.yml" || b === "action.yaml")
    return "workflow";
  if (b === "justfile" || b === ".justfile" || b.endsWith(".just")) return "justfile";
  if (/^taskfile(?:\.dist)?\.ya?ml$/.test(b)) return "taskfile";
  if (b === "tasks.json") return "vscode-tasks";
  if (b === "devcontainer.json" || b === ".devcontainer.json") return "devcontainer";
  return undefined;
}

/** Keys only a dev container definition has: commands run when the container is created or opened. */
const DEVCONTAINER_KEYS = [
  "initializeCommand",
  "onCreateCommand",
  "updateContentCommand",
  "postCreateCommand",
  "postStartCommand",
  "postAttachCommand",
];

/**
 * The format of a YAML or JSON file named neutrally, by what it holds: a pre-commit config (`repos:`
 * with `hooks:` and an `entry:`), a Taskfile (`version:`, `tasks:` and `cmds:`/`cmd:`), VS Code tasks
 * (`"version"` and a `"tasks"` list) or a dev container (its lifecycle command keys). A YAML data
 * file that merely has a `tasks:` key holds no commands and stays data.
 */
export function sniffCodeSource(path: string, text: string): CodeSource | undefined {
  const ext = /\.([a-z0-9-]+)$/.exec(base(path))?.[1] ?? "";
  const head = text.slice(0, 256 * 1024);
  if (ext === "yaml" || ext === "yml") {
    if (
      /^repos\s*:/m.test(head) &&
      /^\s*(?:-\s+)?hooks\s*:/m.test(head) &&
      /^\s*(?:-\s+)?entry\s*:/m.test(head)
    )
      return "pre-commit";
    if (/^version\s*:/m.test(head) && /^tasks\s*:/m.test(head) && /^\s+(?:-\s+)?cmds?\s*:/m.test(head))
      return "taskfile";
    return undefined;
  }
  if (ext !== "json" && ext !== "jsonc" && ext !== "code-workspace") return undefined;
  if (/"tasks"\s*:\s*\[/.test(head) && /"version"\s*:/.test(head)) return "vscode-tasks";
  if (DEVCONTAINER_KEYS.some((k) => head.includes(`"${k}"`))) return "devcontainer";
  return undefined;
}

/** The scripts inside a non-script file (empty when it has none). */
export function extractCode(path: string, text: string): CodePiece[] {
  const source = codeSourceOf(path) ?? sniffCodeSource(path, text);
  if (!source) return [];
  let pieces: CodePiece[];
  switch (source) {
    case "makefile":
      pieces = one("shell", source, makefile(text));
      break;
    case "package-json":
      pieces = one("shell", source, packageScripts(text));
      break;
    case "dockerfile":
      pieces = one("shell", source, dockerRun(text));
      break;
    case "notebook":
      pieces = notebook(text);
      break;
    case "pre-commit":
      pieces = one("shell", source, yamlCommands(text, /^(\s*)(?:-\s+)?entry\s*:/));
      break;
    case "workflow":
      pieces = one("shell", source, yamlCommands(text, /^(\s*)(?:-\s+)?run\s*:/));
      break;
    case "justfile":
      pieces = justfile(text);
      break;
    case "taskfile":
      pieces = one("shell", source, taskfile(text));
      break;
    case "vscode-tasks":
      pieces = one("shell", source, vscodeTasks(text));
      break;
    case "devcontainer":
      pieces = one("shell", source, devcontainer(text));
      break;
    default:
      pieces = [];
  }
  return pieces.filter((p) => p.extract.length > 0 && p.extract.length <= MAX_EXTRACT);
}

function one(lang: ScriptKind, source: CodeSource, extract: Extract): CodePiece[] {
  return [{ lang, source, extract }];
}

/** Each line of `text` with its start offset, without its line break. */
function* linesOf(text: string): Generator<{ start: number; line: string }> {
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf("\n", start);
    const end = nl === -1 ? text.length : nl;
    const line = text.slice(start, end);
    yield { start, line: line.endsWith("\r") ? line.slice(0, -1) : line };
    if (nl === -1) return;
    start = nl + 1;
  }
}

/**
 * Recipe lines (a tab first) and their backslash continuations are shell, run by make one line at
 * a time; `@`, `-` and `+` in front only change how make reports them, and `$$` is a shell `$`.
 */
function makefile(text: string): Extract {
  const out = new Extract();
  let continued = false;
  for (const { start, line } of linesOf(text)) {
    let at = 0;
    if (line.startsWith("\t")) at = 1;
    else if (!continued) continue;
    while (at < line.length && /[@+\- \t]/.test(line[at]!)) at++;
    addDollars(out, line.slice(at), start + at);
    out.newline(start + line.length);
    continued = line.endsWith("\\");
  }
  return out;
}

/** Adds make text with `$$` read as one `$`. */
function addDollars(out: Extract, s: string, orig: number): void {
  let from = 0;
  for (let i = s.indexOf("$$"); i !== -1; i = s.indexOf("$$", from)) {
    out.add(s.slice(from, i + 1), orig + from);
    from = i + 2;
  }
  out.add(s.slice(from), orig + from);
}

/** `RUN` instructions in shell form, with their continuation lines. */
function dockerRun(text: string): Extract {
  const out = new Extract();
  let continued = false;
  for (const { start, line } of linesOf(text)) {
    let at = 0;
    if (!continued) {
      const m = /^\s*RUN\s+(?:--[a-z-]+=\S+\s+)*/i.exec(line);
      if (!m) continue;
      at = m[0].length;
      // The exec form (a JSON array) runs a program without a shell.
      if (line[at] === "[") continue;
    }
    out.add(line.slice(at), start + at);
    out.newline(start + line.length);
    continued = line.trimEnd().endsWith("\\");
  }
  return out;
}

/**
 * `key: value` commands in YAML (`run:` of a workflow step, `entry:` of a pre-commit hook), on one
 * line or as a `|` / `>` block of more-indented lines. GitHub expressions `${{ … }}` become shell
 * variables: `${{ secrets.NPM_TOKEN }}` is the secret NPM_TOKEN.
 */
function yamlCommands(text: string, key: RegExp): Extract {
  const out = new Extract();
  let block: number | undefined;
  for (const { start, line } of linesOf(text)) {
    if (block !== undefined) {
      if (inBlock(line, block)) {
        addExpressions(out, line, start);
        out.newline(start + line.length);
        continue;
      }
      block = undefined;
    }
    const m = key.exec(line);
    if (!m) continue;
    block = yamlValue(
      out,
      line,
      start,
      m[0].length,
      m[1]!.length + (line.slice(m[1]!.length).startsWith("-") ? 2 : 0),
    );
  }
  return out;
}

/** A line of a `|` / `>` block whose key (or list dash) is indented `indent`: blank or more indented. */
function inBlock(line: string, indent: number): boolean {
  return line.trim() === "" || /^ */.exec(line)![0].length > indent;
}

/**
 * Adds the YAML value that starts at `at` of `line` (its quotes taken off). A `|` / `>` block
 * indicator adds nothing: the return value is then the indentation its lines must exceed.
 */
function yamlValue(
  out: Extract,
  line: string,
  start: number,
  at: number,
  indent: number,
): number | undefined {
  const rest = line.slice(at);
  const value = rest.trim();
  if (/^[|>][-+0-9]*\s*(#.*)?$/.test(value)) return indent;
  if (!value || value.startsWith("#")) return undefined;
  let from = at + (rest.length - rest.trimStart().length);
  let v = value;
  const q = v[0];
  if ((q === '"' || q === "'") && v.length > 1 && v.endsWith(q)) {
    from++;
    v = v.slice(1, -1);
  }
  addExpressions(out, v, start + from);
  out.newline(start + line.length);
  return undefined;
}

/**
 * A Taskfile's commands: the items of every `cmds:` list (a plain command, a `|` block, or a
 * `cmd:` / `defer:` of a mapping item; `task:` items call another task) and every `cmd:` value.
 */
function taskfile(text: string): Extract {
  const out = new Extract();
  let list: number | undefined;
  let block: number | undefined;
  for (const { start, line } of linesOf(text)) {
    if (block !== undefined) {
      if (inBlock(line, block)) {
        addExpressions(out, line, start);
        out.newline(start + line.length);
        continue;
      }
      block = undefined;
    }
    const indent = /^ */.exec(line)![0].length;
    if (list !== undefined) {
      if (line.trim() === "" || line.trim().startsWith("#")) continue;
      const item = /^( *)-\s+/.exec(line);
      if (item && item[1]!.length >= list) {
        const key = /^(cmd|defer|[\w-]+)\s*:(?:\s|$)/.exec(line.slice(item[0].length));
        if (!key) block = yamlValue(out, line, start, item[0].length, item[1]!.length);
        else if (key[1] === "cmd" || key[1] === "defer")
          block = yamlValue(out, line, start, item[0].length + key[0].length, item[1]!.length + 2);
        continue;
      }
      if (indent > list) {
        const cmd = /^(\s*)cmd\s*:/.exec(line);
        if (cmd) block = yamlValue(out, line, start, cmd[0].length, cmd[1]!.length);
        continue;
      }
      list = undefined;
    }
    const cmds = /^(\s*)cmds\s*:\s*(?:#.*)?$/.exec(line);
    if (cmds) {
      list = cmds[1]!.length;
      continue;
    }
    const cmd = /^(\s*)(?:-\s+)?cmd\s*:/.exec(line);
    if (cmd) block = yamlValue(out, line, start, cmd[0].length, cmd[1]!.length);
  }
  return out;
}

/** A justfile recipe's first line: `name args: deps`, never an assignment (`x := …`) or a setting. */
const RECIPE = /^@?[A-Za-z_][\w-]*(?:[ \t]+(?:[^:\n]|:=)*?)?:(?!=)/;

/**
 * A justfile's recipes: the indented lines under a recipe's first line, run by a shell one line at a
 * time (`@` and `-` in front only change how just reports them); a recipe that starts with a shebang
 * runs as a script of that language.
 */
function justfile(text: string): CodePiece[] {
  const sh = new Extract();
  const py = new Extract();
  let recipe = false;
  let target: Extract | undefined;
  let first = false;
  for (const { start, line } of linesOf(text)) {
    if (/^\S/.test(line)) {
      recipe = !line.startsWith("#") && RECIPE.test(line);
      target = sh;
      first = true;
      continue;
    }
    if (!recipe || line.trim() === "") continue;
    let at = /^\s*/.exec(line)![0].length;
    if (first) {
      first = false;
      const bang = /^#!\S*(?:\s+(\S+))?/.exec(line.slice(at));
      if (bang) {
        const interp = `${bang[0]}`.toLowerCase();
        target = interp.includes("python") ? py : /\b(?:ba|z|da|k)?sh\b/.test(interp) ? sh : undefined;
        continue;
      }
    }
    if (!target) continue;
    if (target === sh) while (at < line.length && /[@-]/.test(line[at]!)) at++;
    target.add(line.slice(at), start + at);
    target.newline(start + line.length);
  }
  return [
    { lang: "shell" as const, source: "justfile" as const, extract: sh },
    { lang: "python" as const, source: "justfile" as const, extract: py },
  ];
}

function addExpressions(out: Extract, s: string, orig: number): void {
  const re = /\$\{\{\s*([^}]{0,200}?)\s*\}\}/g;
  let from = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    out.add(s.slice(from, m.index), orig + from);
    const secret = /^secrets\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(m[1]!);
    out.add(secret ? `\${${secret[1]}}` : "$GITHUB_EXPRESSION", orig + m.index);
    from = m.index + m[0].length;
  }
  out.add(s.slice(from), orig + from);
}

/** The `scripts` of a package.json, one command per line (npm runs each with `sh -c`). */
function packageScripts(text: string): Extract {
  const out = new Extract();
  const root = parseJson(text);
  if (root?.t !== "obj") return out;
  const scripts = root.entries.find(([k]) => k === "scripts")?.[1];
  if (scripts?.t !== "obj") return out;
  for (const [, v] of scripts.entries) {
    if (v.t !== "str") continue;
    addJsonString(out, text, v);
    out.newline(v.end);
  }
  return out;
}

/**
 * VS Code tasks (tasks.json, JSON with comments): each task's `command` with its `args`, also the
 * per-platform (`windows`, `linux`, `osx`) variants and the file-wide default, one command a line.
 */
function vscodeTasks(raw: string): Extract {
  const out = new Extract();
  const text = jsoncAsJson(raw);
  const root = parseJson(text);
  if (root?.t !== "obj") return out;
  // A .code-workspace file nests the whole tasks.json under its own "tasks" key.
  const outer = field(root, "tasks");
  const tasks = outer?.t === "obj" ? field(outer, "tasks") : outer;
  const all = [root, ...(tasks?.t === "arr" ? tasks.items : [])];
  for (const task of all) {
    if (task.t !== "obj") continue;
    for (const o of [task, ...["windows", "linux", "osx"].map((k) => field(task, k))]) {
      if (o?.t !== "obj") continue;
      const cmd = stringOf(field(o, "command"));
      if (!cmd) continue;
      addJsonString(out, text, cmd);
      const args = field(o, "args");
      if (args?.t === "arr")
        for (const a of args.items) {
          const v = stringOf(a);
          if (!v) continue;
          out.add(" ", v.start);
          addJsonString(out, text, v);
        }
      out.newline(cmd.end);
    }
  }
  return out;
}

/**
 * A dev container's lifecycle commands: a string runs in a shell, an array is one command with its
 * arguments, an object holds several commands of either form run in parallel.
 */
function devcontainer(raw: string): Extract {
  const out = new Extract();
  const text = jsoncAsJson(raw);
  const root = parseJson(text);
  if (root?.t !== "obj") return out;
  const addCommand = (v: JNode | undefined) => {
    if (v?.t === "str") {
      addJsonString(out, text, v);
      out.newline(v.end);
    } else if (v?.t === "arr") {
      const words = v.items.filter((i): i is JNode & { t: "str" } => i.t === "str");
      words.forEach((w, i) => {
        if (i > 0) out.add(" ", w.start);
        addJsonString(out, text, w);
      });
      if (words.length) out.newline(words[words.length - 1]!.end);
    }
  };
  for (const k of DEVCONTAINER_KEYS) {
    const v = field(root, k);
    if (v?.t === "obj") for (const [, c] of v.entries) addCommand(c);
    else addCommand(v);
  }
  return out;
}

function field(o: JNode | undefined, key: string): JNode | undefined {
  return o?.t === "obj" ? o.entries.find(([k]) => k === key)?.[1] : undefined;
}

/** A string, or the `value` of a `{ "value": …, "quoting": … }` argument. */
function stringOf(n: JNode | undefined): (JNode & { t: "str" }) | undefined {
  if (n?.t === "str") return n;
  const v = field(n, "value");
  return v?.t === "str" ? v : undefined;
}

/**
 * JSON with comments and trailing commas (VS Code's and dev containers' format) as strict JSON of
 * the same length: comments and those commas become spaces (line breaks kept), so every offset
 * still points at the same character of the file.
 */
export function jsoncAsJson(text: string): string {
  if (!text.includes("/") && !/,\s*[}\]]/.test(text)) return text;
  const out = text.split("");
  let lastComma = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      lastComma = -1;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      continue;
    }
    if (c === "/" && text[i + 1] === "/") {
      for (; i < text.length && text[i] !== "\n"; i++) out[i] = " ";
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end === -1 ? text.length : end + 2;
      for (; i < stop; i++) if (text[i] !== "\n") out[i] = " ";
      i--;
      continue;
    }
    if (c === ",") lastComma = i;
    else if ((c === "}" || c === "]") && lastComma !== -1) {
      out[lastComma] = " ";
      lastComma = -1;
    } else if (!/\s/.test(c)) lastComma = -1;
  }
  return out.join("");
}

/**
 * Code cells of a Jupyter notebook: Python, except `!cmd` lines and `%%bash` / `%%sh` / `%%script
 * bash` cells, which the notebook runs in a shell.
 */
function notebook(text: string): CodePiece[] {
  const py = new Extract();
  const sh = new Extract();
  const root = parseJson(text);
  const cells = root?.t === "obj" ? root.entries.find(([k]) => k === "cells")?.[1] : undefined;
  if (cells?.t !== "arr") return [];
  for (const cell of cells.items) {
    if (cell.t !== "obj") continue;
    const type = cell.entries.find(([k]) => k === "cell_type")?.[1];
    if (type?.t !== "str" || type.value !== "code") continue;
    const src = cell.entries.find(([k]) => k === "source")?.[1];
    const parts = src?.t === "str" ? [src] : src?.t === "arr" ? src.items : [];
    const cellText = new Extract();
    for (const p of parts) if (p.t === "str") addJsonString(cellText, text, p);
    const code = cellText.text();
    const shellCell = /^%%(?:bash|sh|script\s+(?:ba)?sh)\b/.test(code);
    let first = true;
    for (const { start, line } of linesOf(code)) {
      const orig = cellText.toOrig(start);
      if (shellCell) {
        if (!first) {
          addMapped(sh, cellText, start, line.length);
          sh.newline(cellText.toOrig(start + line.length));
        }
      } else {
        const bang = /^\s*!/.exec(line);
        if (bang) {
          addMapped(sh, cellText, start + bang[0].length, line.length - bang[0].length);
          sh.newline(cellText.toOrig(start + line.length));
        } else if (!/^\s*%/.test(line)) {
          addMapped(py, cellText, start, line.length);
        }
        py.newline(orig);
      }
      first = false;
    }
    py.newline(cellText.toOrig(code.length));
  }
  return [
    { lang: "python" as const, source: "notebook" as const, extract: py },
    { lang: "shell" as const, source: "notebook" as const, extract: sh },
  ].filter((p) => p.extract.text().trim() !== "");
}

/** Copies text[from, from+len) of one extract into another, keeping its map to the file. */
function addMapped(out: Extract, src: Extract, from: number, len: number): void {
  const s = src.text().slice(from, from + len);
  for (let i = 0; i < s.length; ) {
    // Runs that map contiguously are added at once; a JSON escape breaks a run.
    const o = src.toOrig(from + i);
    let j = i + 1;
    while (j < s.length && src.toOrig(from + j) === o + (j - i)) j++;
    out.add(s.slice(i, j), o);
    i = j;
  }
}

// ---- a JSON reader that keeps string offsets ----------------------------------------------------

type JNode =
  | { t: "obj"; entries: [string, JNode][] }
  | { t: "arr"; items: JNode[] }
  | { t: "str"; value: string; start: number; end: number }
  | { t: "other" };

const MAX_DEPTH = 64;

/** Parses JSON (leniently: the first value), or undefined when it is not JSON. Never throws. */
export function parseJson(text: string): JNode | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && /[ \t\r\n\uFEFF]/.test(text[i]!)) i++;
  };
  const str = (): JNode & { t: "str" } => {
    const start = i;
    i++;
    let value = "";
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") {
        const e = text[i + 1];
        if (e === "u") {
          value += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16) || 0xfffd);
          i += 6;
        } else {
          value += ESCAPES[e ?? ""] ?? e ?? "";
          i += 2;
        }
      } else value += text[i++];
    }
    if (text[i] !== '"') throw new Error("unterminated string");
    i++;
    return { t: "str", value, start, end: i };
  };
  const value = (depth: number): JNode => {
    if (depth > MAX_DEPTH) throw new Error("too deep");
    ws();
    const c = text[i];
    if (c === '"') return str();
    if (c === "{") {
      i++;
      const entries: [string, JNode][] = [];
      ws();
      if (text[i] === "}") {
        i++;
        return { t: "obj", entries };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') throw new Error("key expected");
        const k = str().value;
        ws();
        if (text[i++] !== ":") throw new Error("colon expected");
        entries.push([k, value(depth + 1)]);
        ws();
        const d = text[i++];
        if (d === "}") return { t: "obj", entries };
        if (d !== ",") throw new Error("comma expected");
      }
    }
    if (c === "[") {
      i++;
      const items: JNode[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return { t: "arr", items };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        const d = text[i++];
        if (d === "]") return { t: "arr", items };
        if (d !== ",") throw new Error("comma expected");
      }
    }
    const m = /^(?:-?\d[\d.eE+-]*|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) throw new Error("value expected");
    i += m[0].length;
    return { t: "other" };
  };
  try {
    return value(0);
  } catch {
    return undefined;
  }
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" };

/** Adds a JSON string's value, each character mapped to where it (or its escape) is in the file. */
function addJsonString(out: Extract, text: string, s: { start: number; end: number }): void {
  let i = s.start + 1;
  const end = s.end - 1;
  let run = i;
  while (i < end) {
    if (text[i] !== "\\") {
      i++;
      continue;
    }
    out.add(text.slice(run, i), run);
    const e = text[i + 1] ?? "";
    if (e === "u") {
      out.add(String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16) || 0xfffd), i);
      i += 6;
    } else {
      out.add(ESCAPES[e] ?? e, i);
      i += 2;
    }
    run = i;
  }
  out.add(text.slice(run, end), run);
}

// ---- Markdown code blocks -----------------------------------------------------------------------

const FENCE_LANGS: Record<string, ScriptKind> = {
  bash: "shell",
  sh: "shell",
  shell: "shell",
  zsh: "shell",
  console: "shell",
  "shell-session": "shell",
  shellsession: "shell",
  terminal: "shell",
  powershell: "powershell",
  pwsh: "powershell",
  ps1: "powershell",
  python: "python",
  python3: "python",
  py: "python",
};

const UNMARKED = new Set(["", "text", "txt", "plain", "plaintext"]);

export interface Fence {
  /** The info string's first word, lower-cased. */
  lang: string;
  /** 0-based line of the opening fence in the Markdown text; the content starts on the next line. */
  line: number;
  /** The content as Markdown gives it (container indentation removed). */
  content: string;
}

/**
 * Code blocks of Markdown (fenced, with a shell, PowerShell or Python info string), one script each:
 * guides show commands block by block, and a file one block saves is rarely what the next one runs.
 * `firstLine` (0-based) is the file line where the parsed Markdown starts. A `console` block, or a
 * block whose lines start with a `$ ` prompt, holds commands only on prompt lines (and their
 * continuations); the other lines are output.
 */
export function extractFences(fences: readonly Fence[], lines: LineIndex, firstLine = 0): CodePiece[] {
  const pieces: CodePiece[] = [];
  for (const f of fences) {
    // A block without a language (or marked as plain text) still runs when it is pasted in a shell.
    const lang =
      FENCE_LANGS[f.lang] ?? (UNMARKED.has(f.lang) && looksLikeShell(f.content) ? "shell" : undefined);
    if (!lang) continue;
    const out = new Extract();
    const content = f.content.split("\n");
    if (content[content.length - 1] === "") content.pop();
    const prompts = lang === "shell" && (f.lang === "console" || content.some((l) => /^\s*\$ /.test(l)));
    let continued = false;
    for (const [i, text] of content.entries()) {
      const lineNo = firstLine + f.line + 2 + i;
      const real = lines.lineText(lineNo).replace(/\r$/, "");
      // The content line is the real line's tail (a list item's or quote's indentation removed).
      const at = lines.lineStart(lineNo) + (real.endsWith(text) ? real.length - text.length : 0);
      let from = 0;
      if (prompts && !continued) {
        const m = /^\s*\$ /.exec(text);
        if (!m) {
          out.newline(at + text.length);
          continue;
        }
        from = m[0].length;
      }
      out.add(text.slice(from), at + from);
      out.newline(at + text.length);
      continued = prompts && text.trimEnd().endsWith("\\");
    }
    if (out.text().trim() !== "" && out.length <= MAX_EXTRACT)
      pieces.push({ lang, source: "code-block", extract: out });
  }
  return pieces;
}
