import { UNKNOWN } from "../paths.js";
import { runCommand } from "../shell-command-models.js";
import type { SNode as Node } from "../syntax.js";
import type { Engine } from "../taint-engine.js";
import {
  concat,
  EMPTY,
  isKnown,
  type Label,
  labelsOf,
  lit,
  merge,
  textOf,
  unionLabels,
  type Value,
  withLabels,
} from "../values.js";
import { redirectInput, redirectOutput } from "./calls.js";

// Bash (and sh/zsh, parsed with the bash grammar). Statements produce what they print, so pipes,
// command substitutions and redirections carry taint from one command to the next. What a command
// line does is shell-command-models.ts (shared with every language that starts processes); what a
// redirection does is calls.ts.

const MAX_DEPTH = 400;
/** Function bodies walked again at a call that pipes into them, per walk (a fork bomb stays bounded). */
const MAX_FUNCTION_CALLS = 64;

export function walkShell(root: Node, src: string, eng: Engine, stdin?: Value): Value {
  return new ShellWalker(src, eng).stmt(root, stdin, 0);
}

function unquote(s: string): string {
  // Backslash-newline is a continuation: bash drops both characters.
  return s.replace(/\\(\r?\n|.)/g, (_m, c: string) => (c.endsWith("\n") ? "" : c));
}

function ansiC(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{4}|[0-7]{1,3}|.)/g, (_m, e: string) => {
    if (e[0] === "x" || e[0] === "u") return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(Number.parseInt(e, 8));
    return ({ n: "\n", t: "\t", r: "\r", e: "\x1b", a: "\x07" } as Record<string, string>)[e] ?? e;
  });
}

class ShellWalker {
  private readonly vars = new Map<string, Value>();
  /** Functions the script defines, by name (`run() { sh; }`), and what each prints as written. */
  private readonly fns = new Map<string, { body: Node; out: Value }>();
  /** Functions whose body is being walked for a call: a recursive one is not entered again. */
  private readonly running = new Set<string>();
  private fnCalls = 0;
  /**
   * The stdin of the function call being walked: `$(cat)` inside its body reads it, as in bash,
   * where a command substitution inherits the function's stdin.
   */
  private fnStdin: Value | undefined;
  /** The arguments of the function call being walked: `$1`, `"$@"` inside its body. */
  private positional: readonly Value[] | undefined;

  constructor(
    private readonly src: string,
    private readonly engine: Engine,
  ) {}

  private text(n: Node): string {
    return textOf(n, this.src);
  }

  stmt(n: Node, stdin: Value | undefined, d: number): Value {
    if (d > MAX_DEPTH) return EMPTY;
    switch (n.type) {
      case "comment":
        return EMPTY;
      case "pipeline": {
        let cur = stdin;
        for (const c of n.namedChildren) if (c && c.type !== "comment") cur = this.stmt(c, cur, d + 1);
        return cur ?? EMPTY;
      }
      case "redirected_statement":
        return this.redirected(n, stdin, d);
      case "command":
        return this.command(n, stdin, d);
      case "variable_assignment":
        this.assign(n, d);
        return EMPTY;
      case "variable_assignments":
        for (const c of n.namedChildren) if (c) this.assign(c, d);
        return EMPTY;
      case "declaration_command":
        return this.declaration(n, d);
      case "for_statement": {
        const variable = n.childForFieldName("variable");
        const values = n.childrenForFieldName("value");
        let v: Value = EMPTY;
        for (const w of values) if (w) v = merge(v, this.word(w, d + 1));
        if (variable) this.vars.set(this.text(variable), v);
        const body = n.childForFieldName("body");
        return body ? this.stmt(body, stdin, d + 1) : EMPTY;
      }
      case "command_substitution":
      case "process_substitution":
        return this.word(n, d + 1);
      case "function_definition": {
        // Walked once here, as written (what it does with no input), and again at a call that pipes
        // into it or passes arguments: `run() { sh; }; wget -qO- URL | run` is a pipe into a shell,
        // `get() { wget -qO- "$@"; }; get URL | sh` a download piped into one.
        const name = n.childForFieldName("name");
        const body = n.childForFieldName("body");
        if (!body) return EMPTY;
        const out = this.stmt(body, undefined, d + 1);
        if (name && this.fns.size < 256) this.fns.set(this.text(name), { body, out });
        return EMPTY;
      }
      default: {
        // Sequences (program, lists, subshells, if/while/case bodies): what each prints, in order.
        const outs: Value[] = [];
        let first = true;
        for (const c of n.namedChildren) {
          if (!c) continue;
          const out = this.stmt(c, first ? stdin : undefined, d + 1);
          first = false;
          if (out !== EMPTY) outs.push(out);
        }
        if (!outs.length) return EMPTY;
        if (outs.length === 1) return outs[0] ?? EMPTY;
        return concat(outs, "\n");
      }
    }
  }

  private assign(n: Node, d: number): void {
    const name = n.childForFieldName("name");
    const value = n.childForFieldName("value");
    if (!name) return;
    const key = this.text(name);
    const v = value ? this.word(value, d + 1) : EMPTY;
    const prev = this.vars.get(key);
    const append = /\+=/.test(this.src.slice(name.endIndex, name.endIndex + 2));
    const next =
      append && prev ? concat([prev, v]) : merge(v, prev?.labels ? { labels: prev.labels } : undefined);
    // `f=$(mktemp)`: the path is known only at run time, so this assignment names the file; a
    // download to "$f" and a run of "$f" then meet (Engine.fileKey).
    this.vars.set(key, isKnown(next.text) ? next : { ...next, ident: `${key}@${n.startIndex}` });
  }

  private declaration(n: Node, d: number): Value {
    const words: Value[] = [];
    let assigned = false;
    let keyword = "";
    for (const c of n.children) {
      if (!c) continue;
      if (!c.isNamed) {
        if (!keyword) keyword = c.type;
        continue;
      }
      if (c.type === "variable_assignment") {
        assigned = true;
        this.assign(c, d);
      } else if (c.type === "variable_name") assigned = true;
      else words.push(this.word(c, d + 1));
    }
    if (assigned || !keyword) return EMPTY;
    return runCommand(this.engine, this.engine.loc(n), [lit(keyword), ...words]);
  }

  /** A word the grammar cut off its `$`: the variable it names, then the rest as written. */
  private dollarWord(c: Node, d: number): Value {
    const text = this.text(c);
    const name = /^(?:[A-Za-z_]\w*|[0-9@*#?$!-])/.exec(text)?.[0];
    if (c.type !== "word" || !name) return concat([lit("$"), this.word(c, d + 1)]);
    return concat([this.variable(name, c), lit(unquote(text.slice(name.length)))]);
  }

  private command(n: Node, stdin: Value | undefined, d: number): Value {
    let argv: Value[] = [];
    let input = stdin;
    const redirects: Node[] = [];
    let lastEnd = -1;
    let segment: Node = n;
    for (const c of n.children) {
      if (!c.isNamed) continue;
      // The bash grammar sometimes folds the following lines into a command's arguments (after
      // `| bash` in longer scripts). Bash never continues a command on the next line without a
      // backslash, so such an argument starts a new command.
      if (lastEnd >= 0 && argv.length) {
        const gap = this.src.slice(lastEnd, c.startIndex);
        if (gap.includes("\n") && !gap.includes("\\\n")) {
          runCommand(this.engine, this.engine.loc(segment), argv, input);
          argv = [];
          input = undefined;
          segment = c;
        }
      }
      const touching = lastEnd >= 0 ? this.src.slice(lastEnd, c.startIndex) : " ";
      lastEnd = c.endIndex;
      // `https://$h$t/x`: the grammar ends the word after `$h` and starts a new one at `t/x`, the `$`
      // left between them. Bash reads one word; so does the walker (split hosts are a technique).
      if (argv.length && (touching === "" || touching === "$") && !c.type.endsWith("_redirect")) {
        const prev = argv[argv.length - 1] ?? EMPTY;
        argv[argv.length - 1] = concat([
          prev,
          touching === "$" || this.src[c.startIndex - 1] === "$"
            ? this.dollarWord(c, d)
            : this.word(c, d + 1),
        ]);
        continue;
      }
      if (c.type === "variable_assignment") {
        const value = c.childForFieldName("value");
        if (value) this.word(value, d + 1);
        continue;
      }
      if (c.field === "name") {
        const w = c.firstNamedChild;
        argv.push(w ? this.word(w, d + 1) : lit(this.text(c)));
        continue;
      }
      if (c.type.endsWith("_redirect")) {
        redirects.push(c);
        continue;
      }
      argv.push(this.word(c, d + 1));
    }
    for (const r of redirects) if (r.type === "herestring_redirect") input = this.herestring(r, d);
    const called = argv.length ? this.callFunction(argv, input, d) : undefined;
    const out =
      called ?? (argv.length ? runCommand(this.engine, this.engine.loc(segment), argv, input) : EMPTY);
    return this.applyRedirects(redirects, out, d);
  }

  /**
   * A call of a function the script defined: what it prints. With something on its stdin or with
   * arguments, its body is walked again with them (a function whose body is `sh`, `bash -s` or
   * `eval "$(cat)"` is a shell; `get() { wget -qO- "$@"; }` a download). Findings stay where they are
   * in the body, once each (the engine's one finding per check and place; one naming its server
   * replaces one that does not); with neither stdin nor arguments, it prints what it did as written. Undefined when `argv` names no function, or one
   * already being walked (recursion) or past the budget: then it is an unknown command.
   */
  private callFunction(argv: readonly Value[], stdin: Value | undefined, d: number): Value | undefined {
    const name = argv[0]?.text;
    if (!isKnown(name)) return undefined;
    const fn = this.fns.get(name);
    if (!fn || this.running.has(name)) return undefined;
    const args = argv.slice(1);
    if (!stdin && !args.length) return fn.out;
    if (this.fnCalls >= MAX_FUNCTION_CALLS) return undefined;
    this.fnCalls++;
    this.running.add(name);
    const outer = { stdin: this.fnStdin, positional: this.positional };
    this.fnStdin = stdin;
    this.positional = args;
    try {
      return this.stmt(fn.body, stdin, d + 1);
    } finally {
      this.fnStdin = outer.stdin;
      this.positional = outer.positional;
      this.running.delete(name);
    }
  }

  private herestring(r: Node, d: number): Value {
    const w = r.namedChildren.find((c) => c && c.type !== "file_descriptor");
    return w ? this.word(w, d + 1) : EMPTY;
  }

  private redirected(n: Node, stdin: Value | undefined, d: number): Value {
    const body = n.childForFieldName("body");
    const redirects: Node[] = [];
    const collect = (r: Node) => {
      redirects.push(r);
      for (const inner of r.childrenForFieldName("redirect")) if (inner) collect(inner);
    };
    for (const r of n.childrenForFieldName("redirect")) if (r) collect(r);
    let input = stdin;
    for (const r of redirects) {
      if (r.type === "heredoc_redirect") input = this.heredoc(r, d);
      else if (r.type === "herestring_redirect") input = this.herestring(r, d);
      else if (r.type === "file_redirect" && this.operator(r) === "<") {
        const dest = r.childForFieldName("destination");
        if (dest) input = redirectInput(this.engine, this.engine.loc(r), this.word(dest, d + 1));
      }
    }
    const out = body ? this.stmt(body, input, d + 1) : EMPTY;
    return this.applyRedirects(redirects, out, d);
  }

  private operator(r: Node): string {
    for (const c of r.children) if (c && !c.isNamed) return c.type;
    return "";
  }

  /** `> file`, `>> file`, `&> /dev/tcp/h/p`: where the output goes. */
  private applyRedirects(redirects: readonly Node[], out: Value, d: number): Value {
    let result = out;
    for (const r of redirects) {
      if (r.type !== "file_redirect") continue;
      const op = this.operator(r);
      if (!op.includes(">")) continue;
      const fd = r.childForFieldName("descriptor");
      if (fd && this.text(fd) !== "1") continue;
      const dest = r.childForFieldName("destination");
      if (!dest) continue;
      const target = this.word(dest, d + 1);
      if (redirectOutput(this.engine, this.engine.loc(r), op, target, out)) result = EMPTY;
    }
    return result;
  }

  private heredoc(r: Node, d: number): Value {
    let quoted = false;
    let body: Node | null = null;
    for (const c of r.namedChildren) {
      if (c?.type === "heredoc_start") quoted = /['"\\]/.test(this.text(c));
      if (c?.type === "heredoc_body") body = c;
    }
    if (!body) return EMPTY;
    const s = this.text(body);
    if (quoted) return lit(s);
    let L: readonly Label[] | undefined;
    for (const c of body.namedChildren)
      if (c && c.type !== "heredoc_content") L = unionLabels(L, this.word(c, d + 1).labels);
    return L ? { text: s, labels: L } : lit(s);
  }

  private variable(name: string, at: Node): Value {
    const v = this.vars.get(name);
    if (v) return v;
    if (this.positional && /^[1-9]$/.test(name)) return this.positional[Number(name) - 1] ?? lit("");
    if (this.positional && (name === "@" || name === "*")) return concat(this.positional, " ");
    if (/^[0-9@*#?$!-]$/.test(name)) return { text: UNKNOWN };
    // Unset, IFS is blank, tab and newline; where it joins or separates words it is a blank
    // (`eval "curl${IFS}-fsSL${IFS}URL|sh"` is the command with spaces).
    if (name === "IFS") return lit(" ");
    return this.engine.envVar(this.engine.loc(at), name);
  }

  word(n: Node, d: number): Value {
    if (d > MAX_DEPTH) return { text: UNKNOWN };
    switch (n.type) {
      case "word":
      case "number":
      case "special_variable_name":
        return lit(unquote(this.text(n)));
      case "raw_string":
        return lit(this.text(n).slice(1, -1));
      case "ansi_c_string":
        return lit(ansiC(this.text(n).slice(2, -1)));
      case "string":
      case "translated_string": {
        const parts: Value[] = [];
        for (const c of n.namedChildren) {
          if (!c) continue;
          if (c.type === "string_content") {
            parts.push(lit(unquote(this.text(c))));
            continue;
          }
          // The grammar puts the blanks before an expansion that follows another one into the
          // expansion's node (`"$a $c"`: `$a`, then ` $c`); they are text of the string.
          const lead = /^[^$`]+/.exec(this.text(c))?.[0];
          if (lead) parts.push(lit(lead));
          parts.push(this.word(c, d + 1));
        }
        return parts.length ? concat(parts) : lit("");
      }
      case "concatenation":
        return concat(n.namedChildren.map((c) => (c ? this.word(c, d + 1) : EMPTY)));
      case "simple_expansion": {
        const v = n.firstNamedChild;
        return v ? this.variable(this.text(v), n) : { text: UNKNOWN };
      }
      case "expansion": {
        let name = "";
        let dflt: Value | undefined;
        for (const c of n.namedChildren) {
          if (!c) continue;
          if (!name && (c.type === "variable_name" || c.type === "special_variable_name"))
            name = this.text(c);
          else if (name && c.type !== "variable_name") dflt = merge(dflt, this.word(c, d + 1));
        }
        if (!name) return { text: UNKNOWN };
        const v = this.variable(name, n);
        if (isKnown(v.text) || !dflt) return v;
        // `${KEYCHAIN_TOKEN_ITEM:-mytool-token}`: unset, it is the default; the variable's taint (a
        // secret-looking name) stays on the value, but the default is what the script names.
        return v.labels?.length && isKnown(dflt.text)
          ? withLabels(dflt, v.labels)
          : v.labels?.length
            ? v
            : dflt;
      }
      case "command_substitution": {
        const outs: Value[] = [];
        for (const c of n.namedChildren) if (c) outs.push(this.stmt(c, this.fnStdin, d + 1));
        return outs.length === 1 ? (outs[0] ?? EMPTY) : concat(outs, "\n");
      }
      case "process_substitution": {
        let L: readonly Label[] | undefined;
        let dec: Value["decoded"];
        for (const c of n.namedChildren) {
          if (!c) continue;
          const out = this.stmt(c, undefined, d + 1);
          L = unionLabels(L, out.labels);
          dec ??= out.decoded;
        }
        return { text: "/dev/fd/63", ...(L ? { labels: L } : {}), ...(dec ? { decoded: dec } : {}) };
      }
      case "array":
        return { list: n.namedChildren.map((c) => (c ? this.word(c, d + 1) : EMPTY)), labels: labelsOf([]) };
      case "arithmetic_expansion":
        return { text: UNKNOWN };
      default:
        return lit(this.text(n));
    }
  }
}
