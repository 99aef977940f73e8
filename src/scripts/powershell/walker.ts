// The PowerShell walk: pipelines, variables, functions, cmdlet invocations with their named
// parameters, and .NET calls. What each cmdlet and .NET method means is in calls.ts.

import { UNKNOWN } from "../paths.js";
import { Scope } from "../scope.js";
import { runCommand } from "../shell-command-models.js";
import type { SNode as Node } from "../syntax.js";
import type { Engine } from "../taint-engine.js";
import {
  concat,
  EMPTY,
  type FnInfo,
  type Loc,
  listOf,
  lit,
  merge,
  objectOf,
  summariseFunctions,
  taint,
  textOf,
  unionLabels,
  type Value,
  withLabels,
} from "../values.js";
import {
  ALIASES,
  type Cmd,
  POWERSHELL_COMMANDS,
  POWERSHELL_MEMBERS,
  POWERSHELL_METHODS,
  VALUE_PARAMS,
} from "./calls.js";

// PowerShell: cmdlets with named parameters, .NET static calls ([Convert]::FromBase64String),
// WebClient objects and pipelines into Invoke-Expression. Names are case-insensitive.

const MAX_DEPTH = 400;

interface PsFn extends FnInfo {
  params: string[];
}

export function walkPowerShell(root: Node, src: string, eng: Engine, stdin?: Value): void {
  const w = new PsWalker(src, eng);
  w.evaluate(root, 0, stdin);
  w.finishFunctions();
}

function typeName(n: Node, src: string): string {
  return textOf(n, src)
    .toLowerCase()
    .replace(/[[\]\s]/g, "")
    .replace(/^system\./, "");
}

export class PsWalker {
  private scope = new Scope();
  private readonly fns = new Map<string, PsFn>();

  constructor(
    readonly src: string,
    readonly engine: Engine,
  ) {}

  private text(n: Node): string {
    return textOf(n, this.src);
  }

  finishFunctions(): void {
    summariseFunctions(this.fns.values());
  }

  evaluate(n: Node, d: number, stdin?: Value): Value {
    if (d > MAX_DEPTH) return EMPTY;
    switch (n.type) {
      case "comment":
      case "empty_statement":
        return EMPTY;
      case "pipeline_chain":
      case "pipeline": {
        let cur = stdin;
        let any = false;
        for (const c of n.namedChildren) {
          if (!c || c.type === "comment") continue;
          cur = this.evaluate(c, d + 1, cur);
          any = true;
        }
        return any ? (cur ?? EMPTY) : EMPTY;
      }
      case "assignment_expression": {
        const left = n.namedChildren[0];
        const value = n.childForFieldName("value");
        const v = value ? this.evaluate(value, d + 1) : EMPTY;
        const op = n.namedChildren.find(
          (c) => c?.type === "assignement_operator" || c?.type === "assignment_operator",
        );
        const variable = left?.descendantsOfType("variable")[0];
        if (variable) {
          const name = this.text(variable).slice(1).toLowerCase();
          const old = this.scope.get(name);
          const appended = op && this.text(op).trim() === "+=" && old ? concat([old, v]) : v;
          this.scope.set(name, old?.labels ? withLabels(appended, old.labels) : appended);
        }
        return EMPTY;
      }
      case "function_statement":
        this.define(n);
        return EMPTY;
      case "command":
        return this.command(n, d, stdin);
      case "variable":
        return this.variable(n);
      case "string_literal":
      case "expandable_string_literal":
      case "expandable_here_string_literal":
      case "verbatim_string_characters":
      case "verbatim_here_string_characters":
        return this.string(n, d);
      case "generic_token":
      case "integer_literal":
      case "real_literal":
      case "simple_name":
        return lit(this.text(n));
      case "invokation_expression":
      case "member_access":
        return this.invocation(n, d);
      case "hash_literal_expression": {
        const props = new Map<string, Value>();
        const extra: Value[] = [];
        const body = n.namedChildren.find((c) => c.type === "hash_literal_body");
        for (const e of body?.namedChildren ?? []) {
          if (e.type !== "hash_entry") continue;
          const kids = e.namedChildren;
          const key = kids[0]
            ? this.text(kids[0])
                .replace(/^['"]|['"]$/g, "")
                .toLowerCase()
            : "";
          const val = kids[kids.length - 1];
          const v = val && val !== kids[0] ? this.evaluate(val, d + 1) : EMPTY;
          if (key) props.set(key, v);
          else extra.push(v);
        }
        return objectOf(props, extra);
      }
      case "script_block_expression": {
        for (const c of n.namedChildren) if (c) this.evaluate(c, d + 1);
        return lit(this.text(n));
      }
      case "array_literal_expression": {
        const items = n.namedChildren.filter((c): c is Node => !!c);
        if (items.length === 1 && items[0]) return this.evaluate(items[0], d + 1, stdin);
        return listOf(items.map((c) => this.evaluate(c, d + 1)));
      }
      case "additive_expression": {
        const kids = n.namedChildren.filter((c): c is Node => !!c);
        if (kids.length === 1 && kids[0]) return this.evaluate(kids[0], d + 1, stdin);
        const plus = n.children.some((c) => c?.type === "+");
        const vals = kids.map((c) => this.evaluate(c, d + 1));
        return plus ? concat(vals) : taint(...vals);
      }
      default: {
        const kids = n.namedChildren.filter((c): c is Node => !!c);
        if (kids.length === 1 && kids[0]) return this.evaluate(kids[0], d + 1, stdin);
        let v: Value = EMPTY;
        let first = true;
        for (const c of kids) {
          const out = this.evaluate(c, d + 1, first ? stdin : undefined);
          first = false;
          v = merge(v, out);
        }
        return v;
      }
    }
  }

  private define(n: Node): void {
    const nameNode = n.namedChildren.find((c) => c?.type === "function_name");
    if (!nameNode) return;
    const name = this.text(nameNode).toLowerCase();
    const paramVars = n.descendantsOfType("script_parameter").map((p) => p?.descendantsOfType("variable")[0]);
    const params = paramVars.map((v) => (v ? this.text(v).slice(1).toLowerCase() : ""));
    const body = n.namedChildren.find((c) => c?.type === "script_block");
    const defScope = this.scope;
    const fn: PsFn = {
      name,
      params,
      state: 0,
      run: () => {
        this.engine.enterFunction();
        const saved = this.scope;
        this.scope = new Scope(defScope);
        params.forEach((p, i) => {
          this.scope.set(p, this.engine.param(paramVars[i] ?? n, p, i));
        });
        try {
          if (body) this.engine.returns(this.evaluate(body, 1));
        } finally {
          this.scope = saved;
        }
        return this.engine.leaveFunction();
      },
    };
    this.fns.set(name, fn);
  }

  private variable(n: Node): Value {
    const raw = this.text(n).replace(/^[$@]\{?|\}$/g, "");
    const lower = raw.toLowerCase();
    if (lower.startsWith("env:")) return this.engine.envVar(this.engine.loc(n), raw.slice(4));
    if (lower === "home") return { text: "~" };
    if (lower === "profile") return { text: "~/Documents/PowerShell/Microsoft.PowerShell_profile.ps1" };
    if (lower === "psscriptroot" || lower === "pwd") return { text: "." };
    return this.scope.get(lower) ?? { text: UNKNOWN };
  }

  private string(n: Node, d: number): Value {
    const raw = this.text(n);
    if (/^@?'/.test(raw) || n.type.startsWith("verbatim")) {
      const body = raw
        .replace(/^@'\r?\n?|\r?\n?'@$/g, "")
        .replace(/^'|'$/g, "")
        .replace(/''/g, "'");
      return lit(body);
    }
    // Expandable: substitute the variables and $( ) sub-expressions it contains.
    const start = n.startIndex;
    const parts: Value[] = [];
    let pos = 0;
    let L: Value["labels"];
    // Variables and $( ) are direct children of the literal (string_literal wraps it).
    const literal = n.type === "string_literal" ? (n.firstNamedChild ?? n) : n;
    const subs = literal.namedChildren.filter((c) => c.type === "variable" || c.type === "sub_expression");
    for (const c of subs) {
      if (c.startIndex - start < pos) continue;
      parts.push(lit(raw.slice(pos, c.startIndex - start)));
      const v = c.type === "variable" ? this.variable(c) : this.evaluate(c, d + 1);
      parts.push(v);
      L = unionLabels(L, v.labels);
      pos = c.endIndex - start;
    }
    parts.push(lit(raw.slice(pos)));
    const joined = concat(parts);
    const s = (joined.text ?? "")
      .replace(/^@"\r?\n?|\r?\n?"@$/g, "")
      .replace(/^"|"$/g, "")
      .replace(/`(.)/g, "$1");
    return { text: s, ...(L ? { labels: L } : {}), ...(joined.decoded ? { decoded: joined.decoded } : {}) };
  }

  /** `[Type]::Member(args)`, `$obj.Method(args)`, `(expr).Member`. */
  private invocation(n: Node, d: number): Value {
    const kids = n.namedChildren.filter((c): c is Node => !!c);
    const target = kids[0];
    const memberNode = kids.find((c) => c.type === "member_name");
    const argList = kids.find((c) => c.type === "argument_list");
    if (!target) return EMPTY;
    let recv: Value;
    let q: string | undefined;
    const member = memberNode ? this.text(memberNode).toLowerCase() : "";
    if (target.type === "type_literal") {
      recv = EMPTY;
      q = `${typeName(target, this.src)}::${member}`;
    } else {
      recv = this.evaluate(target, d + 1);
      q = recv.qualifiedName ? `${recv.qualifiedName}.${member}` : undefined;
    }
    if (!argList) {
      if (q === "environment::username" || q === "environment::machinename") return { text: UNKNOWN };
      if (recv.props?.has(member)) return recv.props.get(member) ?? EMPTY;
      return q ? { qualifiedName: q, ...(recv.labels ? { labels: recv.labels } : {}) } : taint(recv);
    }
    const args = this.args(argList, d);
    return this.callMethod(this.engine.loc(n), q, member, recv, args);
  }

  private args(argList: Node, d: number): Value[] {
    const out: Value[] = [];
    const list = argList.namedChildren.find((c) => c.type === "argument_expression_list");
    for (const e of list?.namedChildren ?? []) {
      if (e.type !== "argument_expression") continue;
      const inner = e.firstNamedChild;
      out.push(inner ? this.evaluate(inner, d + 1) : EMPTY);
    }
    return out;
  }

  private callMethod(at: Loc, q: string | undefined, member: string, recv: Value, args: Value[]): Value {
    const h = q ? POWERSHELL_METHODS.get(q) : undefined;
    if (h) return h(this, at, recv, args);
    const byName = POWERSHELL_MEMBERS.get(member);
    if (byName && (recv.qualifiedName || recv.labels || recv.text !== undefined))
      return byName(this, at, recv, args);
    return taint(recv, ...args);
  }

  private command(n: Node, d: number, stdin?: Value): Value {
    const at = this.engine.loc(n);
    const nameNode = n.childForFieldName("command_name");
    const invoke = n.namedChildren.some((c) => c?.type === "command_invokation_operator");
    if (!nameNode) return EMPTY;
    const cmd: Cmd = {
      name: "",
      params: new Map(),
      positional: [],
      argv: [],
      at,
      ...(stdin ? { stdin } : {}),
    };
    const elements = n.childForFieldName("command_elements");
    let pending: string | undefined;
    let prev: Value | undefined;
    for (const el of elements?.namedChildren ?? []) {
      if (!el || el.type === "command_argument_sep" || el.type === "comment") continue;
      if (el.type === "command_parameter") {
        const raw = this.text(el);
        const name = raw.replace(/^-+/, "").replace(/:.*$/s, "").toLowerCase();
        cmd.argv.push(lit(`-${name}`));
        const inline = el.namedChildren.find((c) => c && c.type !== "command_parameter");
        if (inline) {
          const v = this.evaluate(inline, d + 1);
          cmd.params.set(name, v);
          cmd.argv.push(v);
          pending = undefined;
        } else pending = VALUE_PARAMS.has(name) ? name : undefined;
        if (!pending && !inline) cmd.params.set(name, lit("true"));
        continue;
      }
      if (el.type === "argument_list" && prev) {
        // `iex (New-Object Net.WebClient).DownloadString(url)`: the call's arguments parse as a sibling.
        const member = prev.qualifiedName?.split(".").pop() ?? "";
        const v = this.callMethod(at, prev.qualifiedName, member, prev, this.args(el, d));
        if (cmd.positional.length) cmd.positional[cmd.positional.length - 1] = v;
        cmd.argv[cmd.argv.length - 1] = v;
        prev = v;
        continue;
      }
      const v = this.evaluate(el, d + 1);
      prev = v;
      cmd.argv.push(v);
      if (pending) {
        cmd.params.set(pending, v);
        pending = undefined;
      } else cmd.positional.push(v);
    }
    if (invoke) {
      const target = this.evaluate(nameNode, d + 1);
      const dl = this.engine.downloaded(target);
      if (dl) this.engine.execDownloaded(at, dl, "the & operator");
      else if (target.labels?.length) this.engine.exec(at, target, "code", undefined, "the & operator");
      return EMPTY;
    }
    const raw = this.text(nameNode);
    const lower = raw.toLowerCase();
    cmd.name = ALIASES[lower] ?? lower;
    const h = POWERSHELL_COMMANDS.get(cmd.name);
    if (h && !(lower === "curl" || lower === "wget")) return h(this, cmd);
    if (
      (lower === "curl" || lower === "wget") &&
      [...cmd.params.keys()].some((k) => /^(uri|body|method|infile|outfile)$/.test(k))
    )
      return POWERSHELL_COMMANDS.get("invoke-webrequest")?.(this, cmd) ?? EMPTY;
    const fn = this.fns.get(lower);
    if (fn)
      return this.engine.callFunction(
        fn,
        at,
        fn.params.map((p, i) => cmd.params.get(p) ?? cmd.positional[i] ?? EMPTY),
      );
    return runCommand(this.engine, at, [lit(raw), ...cmd.argv], stdin);
  }
}
