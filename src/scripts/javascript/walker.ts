// Why one file of ~1,300 lines: the JavaScript walk is one recursive evaluation over the syntax
// tree (a switch on node types sharing one scope, one set of function summaries and the taint
// engine); cutting it by node type would scatter a single evaluation order across files and thread
// the walk's state through every call. The call models it consults live apart (shell-command-models.ts, paths.ts).

import { decodeLiteral } from "../decode-literals.js";
import { UNKNOWN } from "../paths.js";
import { Scope } from "../scope.js";
import { runCommand } from "../shell-command-models.js";
import type { SNode as Node } from "../syntax.js";
import type { Engine } from "../taint-engine.js";
import {
  appended,
  concat,
  dirname,
  EMPTY,
  elementOf,
  type FnInfo,
  isKnown,
  joinPath,
  type Label,
  type Loc,
  labelsOf,
  listOf,
  lit,
  merge,
  objectOf,
  taint,
  textOf,
  unionLabels,
  type Value,
  withLabels,
} from "../values.js";

// JavaScript and TypeScript (the TypeScript grammar is a superset for what matters here).

const MAX_DEPTH = 300;

interface Call {
  node: Node;
  at: Loc;
  receiver?: Value;
  args: Value[];
  receiverName?: string;
  method?: string;
  /** What callbacks among the arguments receive, when the handler knows (node-style `(err, data)`). */
  callbackArgs?: Value[];
  /** The call's value is what its callback returns: as a list (`map`) or as is (`then`). */
  cbResult?: "list" | "value";
}

type Handler = (w: JsWalker, c: Call) => Value;

interface JsFn extends FnInfo {
  start: number;
}

const GLOBALS = new Set([
  "fetch",
  "eval",
  "Function",
  "atob",
  "btoa",
  "Buffer",
  "JSON",
  "process",
  "require",
  "setTimeout",
  "setInterval",
  "XMLHttpRequest",
  "WebSocket",
  "navigator",
  "String",
  "decodeURIComponent",
  "decodeURI",
  "unescape",
  "Object",
  "Deno",
  "Bun",
  "URL",
  "Array",
  "Promise",
  "Reflect",
]);
const GLOBAL_OBJECTS = new Set(["globalThis", "window", "global", "self"]);
const TYPE_NODES = new Set([
  "type_annotation",
  "type_arguments",
  "type_parameters",
  "interface_declaration",
  "type_alias_declaration",
  "ambient_declaration",
  "predefined_type",
  "type_identifier",
  "comment",
  "hash_bang_line",
  "regex",
  "empty_statement",
  "debugger_statement",
  "break_statement",
  "continue_statement",
  "import",
  "meta_property",
]);
const FN_TYPES = new Set(["arrow_function", "function_expression", "function", "generator_function"]);

/** Module names as the call table knows them: node:fs → fs, fs/promises → fs.promises. */
function canonModule(name: string): string {
  const n = name.replace(/^node:/, "");
  if (n === "fs/promises") return "fs.promises";
  if (n === "dns/promises") return "dns.promises";
  if (n === "timers/promises") return "timers";
  if (n === "node-fetch" || n === "cross-fetch" || n === "isomorphic-fetch" || n === "isomorphic-unfetch")
    return "fetchmod";
  if (n === "execa") return "execa";
  return n;
}

/** What a default import of a module is. */
function defaultImport(mod: string): string {
  if (mod === "fetchmod") return "fetch";
  return mod;
}

function canonQ(q: string): string {
  const dot = q.indexOf(".");
  if (dot > 0 && GLOBAL_OBJECTS.has(q.slice(0, dot))) return q.slice(dot + 1);
  if (q.startsWith("fetchmod.")) return q === "fetchmod.default" ? "fetch" : q;
  return q;
}

function unescapeJs(s: string): string {
  return s.replace(
    /\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|[0-7]{1,3}|\n|.)/g,
    (_m, e: string) => {
      if (e[0] === "x") return String.fromCharCode(Number.parseInt(e.slice(1), 16));
      if (e[0] === "u") {
        const cp = Number.parseInt(e.replace(/[u{}]/g, ""), 16);
        return cp <= 0x10ffff ? String.fromCodePoint(cp) : "";
      }
      if (/^[0-7]+$/.test(e)) return String.fromCharCode(Number.parseInt(e, 8));
      return (
        ({ n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", v: "\v", "\n": "" } as Record<string, string>)[e] ?? e
      );
    },
  );
}

export function walkJavaScript(root: Node, src: string, eng: Engine): void {
  const w = new JsWalker(src, eng);
  w.block(root, 0);
  w.finishFunctions();
}

export class JsWalker {
  private scope = new Scope();
  private readonly attrs = new Map<string, Value>();
  private readonly methods = new Map<string, JsFn>();
  private readonly fns: JsFn[] = [];

  constructor(
    readonly src: string,
    readonly engine: Engine,
  ) {}

  private text(n: Node): string {
    return textOf(n, this.src);
  }

  finishFunctions(): void {
    for (let i = 0; i < this.fns.length; i++) {
      const fn = this.fns[i];
      if (fn && fn.state === 0) {
        fn.state = 1;
        fn.summary = fn.run();
        fn.state = 2;
      }
    }
  }

  block(n: Node, d: number): void {
    const kids = n.namedChildren;
    for (const c of kids) {
      const decl = c?.type === "export_statement" ? c.childForFieldName("declaration") : c;
      if (decl && (decl.type === "function_declaration" || decl.type === "generator_function_declaration")) {
        const name = decl.childForFieldName("name");
        if (name) this.scope.set(this.text(name), { fn: this.fnOf(decl, this.text(name)) });
      }
    }
    for (const c of kids) if (c) this.evaluate(c, d + 1);
  }

  private fnOf(n: Node, name: string): JsFn {
    const existing = this.scope.own(name)?.fn as JsFn | undefined;
    if (existing && existing.start === n.startIndex) return existing;
    const defScope = this.scope;
    const params = n.childForFieldName("parameters") ?? n.childForFieldName("parameter");
    const body = n.childForFieldName("body");
    const fn: JsFn = {
      name,
      start: n.startIndex,
      state: 0,
      run: (bound) => {
        this.engine.enterFunction();
        const saved = this.scope;
        this.scope = new Scope(defScope);
        try {
          if (params) {
            const list = params.type === "formal_parameters" ? params.namedChildren : [params];
            let i = 0;
            for (const p of list) {
              if (!p || p.type === "comment") continue;
              this.bind(p, this.engine.param(p, this.text(p).slice(0, 40), i, bound), 1);
              i++;
            }
          }
          if (body) {
            if (body.type === "statement_block") this.block(body, 1);
            else this.engine.returns(this.evaluate(body, 1));
          }
        } finally {
          this.scope = saved;
        }
        return this.engine.leaveFunction();
      },
    };
    this.fns.push(fn);
    if (name && !this.methods.has(name)) this.methods.set(name, fn);
    return fn;
  }

  // ---- binding --------------------------------------------------------------------------------

  /** Binds a declaration pattern (identifier, destructuring, default, rest) to a value. */
  private bind(p: Node, v: Value, d: number): void {
    switch (p.type) {
      case "identifier":
      case "shorthand_property_identifier_pattern": {
        const name = this.text(p);
        const old = this.scope.own(name);
        this.scope.set(name, old?.labels && old !== v ? withLabels(v, old.labels) : v);
        return;
      }
      case "required_parameter":
      case "optional_parameter": {
        const pat = p.childForFieldName("pattern") ?? p.firstNamedChild;
        if (pat) this.bind(pat, v, d);
        return;
      }
      case "assignment_pattern":
      case "object_assignment_pattern": {
        const left = p.childForFieldName("left");
        const right = p.childForFieldName("right");
        const dv = right ? this.evaluate(right, d + 1) : EMPTY;
        if (left) this.bind(left, v === EMPTY ? dv : v, d);
        return;
      }
      case "rest_pattern": {
        const inner = p.firstNamedChild;
        if (inner) this.bind(inner, v, d);
        return;
      }
      case "object_pattern":
        for (const c of p.namedChildren) {
          if (!c) continue;
          if (c.type === "shorthand_property_identifier_pattern")
            this.bind(c, this.member(v, this.text(c), c), d);
          else if (c.type === "pair_pattern") {
            const key = c.childForFieldName("key");
            const value = c.childForFieldName("value");
            const k = key ? this.propName(key, d) : undefined;
            if (value) this.bind(value, k !== undefined ? this.member(v, k, c) : taint(v), d);
          } else if (c.type === "object_assignment_pattern") {
            const left = c.childForFieldName("left");
            const right = c.childForFieldName("right");
            if (left) {
              const got = this.member(v, this.text(left), c);
              this.bind(left, right ? merge(got, this.evaluate(right, d + 1)) : got, d);
            }
          } else if (c.type === "rest_pattern") this.bind(c, v, d);
        }
        return;
      case "array_pattern":
        p.namedChildren.forEach((c, i) => {
          if (c) this.bind(c, v.list?.[i] ?? elementOf(v), d);
        });
        return;
      case "member_expression":
      case "subscript_expression":
        this.assignTo(p, v, d);
        return;
      default:
        return;
    }
  }

  private assignTo(target: Node, v: Value, d: number): void {
    if (target.type === "identifier") {
      const name = this.text(target);
      let s: Scope | undefined = this.scope;
      while (s && !s.own(name)) s = s.parent;
      const owner = s ?? this.scope;
      const old = owner.own(name);
      owner.set(name, old?.labels && old !== v ? withLabels(v, old.labels) : v);
      return;
    }
    if (target.type === "member_expression" || target.type === "subscript_expression") {
      const obj = target.childForFieldName("object");
      const keyNode = target.childForFieldName(target.type === "member_expression" ? "property" : "index");
      const key = keyNode
        ? target.type === "member_expression"
          ? this.text(keyNode)
          : this.evaluate(keyNode, d + 1).text
        : undefined;
      if (obj?.type === "identifier") {
        const name = this.text(obj);
        let s: Scope | undefined = this.scope;
        while (s && !s.own(name)) s = s.parent;
        if (s) {
          const old = s.own(name) ?? EMPTY;
          const props = new Map(old.props ?? []);
          if (isKnown(key)) props.set(key, v);
          s.set(name, { ...old, props, labels: unionLabels(old.labels, v.labels) });
          return;
        }
      }
      if (isKnown(key)) this.attrs.set(key, merge(this.attrs.get(key), v));
      return;
    }
    this.bind(target, v, d);
  }

  private propName(key: Node, d: number): string | undefined {
    if (
      key.type === "property_identifier" ||
      key.type === "identifier" ||
      key.type === "private_property_identifier"
    )
      return this.text(key);
    if (key.type === "computed_property_name") {
      const inner = key.firstNamedChild;
      const v = inner ? this.evaluate(inner, d + 1) : EMPTY;
      return isKnown(v.text) ? v.text : undefined;
    }
    const v = this.evaluate(key, d + 1);
    return isKnown(v.text) ? v.text : undefined;
  }

  /** `v.name`: module members, process.env.X, object properties, stored attributes. */
  private member(v: Value, name: string, at: Node): Value {
    if (v.qualifiedName) {
      if (v.qualifiedName === "process.env") return this.engine.envVar(this.engine.loc(at), name);
      const q = canonQ(`${v.qualifiedName}.${name}`);
      if (q === "process.env")
        return { qualifiedName: q, labels: this.engine.envDump(this.engine.loc(at)).labels };
      return v.labels ? { qualifiedName: q, labels: v.labels } : { qualifiedName: q };
    }
    if (v.props?.has(name)) return v.props.get(name) ?? EMPTY;
    if (name === "length") return EMPTY;
    const stored = this.attrs.get(name);
    if (stored) return merge(stored, taint(v));
    return v.labels ? { text: UNKNOWN, labels: this.engine.fieldOf(v.labels, name) } : { text: UNKNOWN };
  }

  // ---- expressions and statements -------------------------------------------------------------

  evaluate(n: Node, d: number): Value {
    if (d > MAX_DEPTH) return EMPTY;
    const t = n.type;
    if (TYPE_NODES.has(t)) return EMPTY;
    switch (t) {
      case "program":
      case "statement_block":
        this.block(n, d);
        return EMPTY;
      case "import_statement":
        this.imports(n);
        return EMPTY;
      case "lexical_declaration":
      case "variable_declaration":
        for (const decl of n.namedChildren) {
          if (decl?.type !== "variable_declarator") continue;
          const name = decl.childForFieldName("name");
          const value = decl.childForFieldName("value");
          const v = value ? this.evaluate(value, d + 1) : EMPTY;
          if (name?.type === "identifier" && v.fn) this.methods.set(this.text(name), v.fn as JsFn);
          if (name) this.bind(name, v, d);
        }
        return EMPTY;
      case "function_declaration":
      case "generator_function_declaration": {
        const name = n.childForFieldName("name");
        const key = name ? this.text(name) : "";
        const fn = this.fnOf(n, key);
        if (key) this.scope.set(key, { fn });
        return EMPTY;
      }
      case "arrow_function":
      case "function_expression":
      case "function":
      case "generator_function": {
        const name = n.childForFieldName("name");
        return { fn: this.fnOf(n, name ? this.text(name) : "") };
      }
      case "class_declaration":
      case "class":
      case "abstract_class_declaration": {
        const body = n.childForFieldName("body");
        for (const m of body?.namedChildren ?? []) {
          if (!m) continue;
          if (m.type === "method_definition") {
            const name = m.childForFieldName("name");
            const key = name ? this.text(name) : "";
            const fn = this.fnOf(m, key);
            this.methods.set(key, fn);
          } else {
            const value = m.childForFieldName("value");
            const prop = m.childForFieldName("property") ?? m.childForFieldName("name");
            if (value) {
              const v = this.evaluate(value, d + 1);
              if (prop) this.attrs.set(this.text(prop), merge(this.attrs.get(this.text(prop)), v));
            }
          }
        }
        return EMPTY;
      }
      case "return_statement": {
        const inner = n.firstNamedChild;
        this.engine.returns(inner ? this.evaluate(inner, d + 1) : EMPTY);
        return EMPTY;
      }
      case "yield_expression": {
        const inner = n.firstNamedChild;
        const v = inner ? this.evaluate(inner, d + 1) : EMPTY;
        this.engine.returns(v);
        return v;
      }
      case "for_in_statement": {
        const right = n.childForFieldName("right");
        const left = n.childForFieldName("left");
        const it = right ? this.evaluate(right, d + 1) : EMPTY;
        const of = n.children.some((c) => c?.type === "of");
        if (left) this.bind(left, of ? elementOf(it) : taint(it), d);
        const body = n.childForFieldName("body");
        if (body) this.evaluate(body, d + 1);
        return EMPTY;
      }
      case "catch_clause": {
        const body = n.childForFieldName("body");
        if (body) this.evaluate(body, d + 1);
        return EMPTY;
      }
      case "export_statement": {
        for (const c of n.namedChildren) if (c) this.evaluate(c, d + 1);
        return EMPTY;
      }
      case "expression_statement": {
        const inner = n.firstNamedChild;
        return inner ? this.evaluate(inner, d + 1) : EMPTY;
      }
      case "identifier":
        return this.lookup(this.text(n));
      case "this":
      case "super":
        return EMPTY;
      case "member_expression": {
        const obj = n.childForFieldName("object");
        const prop = n.childForFieldName("property");
        const v = obj ? this.evaluate(obj, d + 1) : EMPTY;
        const name = prop ? this.text(prop) : "";
        if (obj?.type === "this" && this.attrs.has(name)) return this.attrs.get(name) ?? EMPTY;
        return this.member(v, name, n);
      }
      case "subscript_expression": {
        const obj = n.childForFieldName("object");
        const index = n.childForFieldName("index");
        const v = obj ? this.evaluate(obj, d + 1) : EMPTY;
        const k = index ? this.evaluate(index, d + 1) : EMPTY;
        if (v.list && isKnown(k.text) && /^\d+$/.test(k.text)) return v.list[Number(k.text)] ?? elementOf(v);
        if (isKnown(k.text)) return this.member(v, k.text, n);
        // `arr[i]`: any element, with its fields (and the container's taint on the whole).
        if (v.list?.length) return withLabels(elementOf(v), k.labels);
        return taint(v, k);
      }
      case "call_expression":
      case "new_expression":
        return this.call(n, d);
      case "await_expression":
      case "parenthesized_expression":
      case "non_null_expression":
      case "as_expression":
      case "satisfies_expression":
      case "type_assertion":
      case "spread_element": {
        for (const c of n.namedChildren)
          if (c && !TYPE_NODES.has(c.type) && !c.type.endsWith("_type")) return this.evaluate(c, d + 1);
        return EMPTY;
      }
      case "string":
        return this.string(n);
      case "template_string": {
        const parts: Value[] = [];
        for (const c of n.namedChildren) {
          if (!c) continue;
          if (c.type === "string_fragment") parts.push(lit(this.text(c)));
          else if (c.type === "escape_sequence") parts.push(lit(unescapeJs(this.text(c))));
          else if (c.type === "template_substitution") {
            const inner = c.firstNamedChild;
            parts.push(inner ? this.evaluate(inner, d + 1) : { text: UNKNOWN });
          }
        }
        return parts.length ? concat(parts) : lit("");
      }
      case "number":
      case "true":
      case "false":
        return lit(this.text(n));
      case "null":
      case "undefined":
        return EMPTY;
      case "object": {
        const props = new Map<string, Value>();
        const extra: Value[] = [];
        for (const c of n.namedChildren) {
          if (!c) continue;
          if (c.type === "pair") {
            const key = c.childForFieldName("key");
            const value = c.childForFieldName("value");
            const k = key ? this.propName(key, d) : undefined;
            const v = value ? this.evaluate(value, d + 1) : EMPTY;
            if (k !== undefined) props.set(k, v);
            else extra.push(v);
          } else if (c.type === "shorthand_property_identifier")
            props.set(this.text(c), this.lookup(this.text(c)));
          else if (c.type === "method_definition") {
            const name = c.childForFieldName("name");
            const key = name ? this.text(name) : "";
            const fn = this.fnOf(c, key);
            this.methods.set(key, fn);
            props.set(key, { fn });
          } else {
            const v = this.evaluate(c, d + 1);
            if (v.props) for (const [k, pv] of v.props) props.set(k, pv);
            extra.push(v);
          }
        }
        return objectOf(props, extra);
      }
      case "array":
        return listOf(n.namedChildren.map((c) => (c ? this.evaluate(c, d + 1) : EMPTY)));
      case "binary_expression": {
        const l = n.childForFieldName("left");
        const r = n.childForFieldName("right");
        const op = n.childForFieldName("operator")?.type ?? "";
        const lv = l ? this.evaluate(l, d + 1) : EMPTY;
        const rv = r ? this.evaluate(r, d + 1) : EMPTY;
        if (op === "+") return lv.list && rv.list ? listOf([...lv.list, ...rv.list]) : concat([lv, rv]);
        if (op === "||" || op === "??" || op === "&&") return merge(lv, rv);
        return taint(lv, rv);
      }
      case "ternary_expression": {
        const cond = n.childForFieldName("condition");
        if (cond) this.evaluate(cond, d + 1);
        const a = n.childForFieldName("consequence");
        const b = n.childForFieldName("alternative");
        return merge(a ? this.evaluate(a, d + 1) : EMPTY, b ? this.evaluate(b, d + 1) : EMPTY);
      }
      case "assignment_expression": {
        const left = n.childForFieldName("left");
        const right = n.childForFieldName("right");
        const v = right ? this.evaluate(right, d + 1) : EMPTY;
        if (left?.type === "identifier" && v.fn) this.methods.set(this.text(left), v.fn as JsFn);
        if (left) this.assignTo(left, v, d);
        return v;
      }
      case "augmented_assignment_expression": {
        const left = n.childForFieldName("left");
        const right = n.childForFieldName("right");
        const op = n.childForFieldName("operator")?.type ?? "";
        const old = left ? this.evaluate(left, d + 1) : EMPTY;
        const r = right ? this.evaluate(right, d + 1) : EMPTY;
        const v =
          op === "+="
            ? old.list && r.list
              ? listOf([...old.list, ...r.list])
              : concat([old, r])
            : merge(old, r);
        if (left) this.assignTo(left, v, d);
        return v;
      }
      case "sequence_expression": {
        let v: Value = EMPTY;
        for (const c of n.namedChildren) if (c) v = this.evaluate(c, d + 1);
        return v;
      }
      case "unary_expression":
      case "update_expression": {
        for (const c of n.namedChildren) if (c) this.evaluate(c, d + 1);
        return EMPTY;
      }
      default: {
        let v: Value = EMPTY;
        for (const c of n.namedChildren) if (c) v = merge(v, taint(this.evaluate(c, d + 1)));
        return v === EMPTY ? EMPTY : taint(v);
      }
    }
  }

  private string(n: Node): Value {
    let s = "";
    for (const c of n.namedChildren) {
      if (!c) continue;
      s += c.type === "escape_sequence" ? unescapeJs(this.text(c)) : this.text(c);
    }
    return lit(s);
  }

  private imports(n: Node): void {
    const source = n.childForFieldName("source");
    if (!source) return;
    const mod = canonModule(this.string(source).text ?? "");
    for (const clause of n.namedChildren) {
      if (clause?.type !== "import_clause") continue;
      for (const c of clause.namedChildren) {
        if (!c) continue;
        if (c.type === "identifier") this.scope.set(this.text(c), { qualifiedName: defaultImport(mod) });
        else if (c.type === "namespace_import") {
          const id = c.namedChildren.find((x) => x?.type === "identifier");
          if (id) this.scope.set(this.text(id), { qualifiedName: mod });
        } else if (c.type === "named_imports") {
          for (const spec of c.namedChildren) {
            if (spec?.type !== "import_specifier") continue;
            const name = spec.childForFieldName("name");
            const alias = spec.childForFieldName("alias") ?? name;
            if (name && alias) {
              const imported = this.text(name);
              this.scope.set(this.text(alias), {
                qualifiedName: imported === "default" ? defaultImport(mod) : canonQ(`${mod}.${imported}`),
              });
            }
          }
        }
      }
    }
  }

  private lookup(name: string): Value {
    const v = this.scope.get(name);
    if (v) return v;
    if (name === "__dirname") return { text: "." };
    if (name === "__filename") return { text: "./__filename" };
    if (GLOBALS.has(name) || GLOBAL_OBJECTS.has(name)) return { qualifiedName: name };
    return EMPTY;
  }

  // ---- calls ----------------------------------------------------------------------------------

  private call(n: Node, d: number): Value {
    const isNew = n.type === "new_expression";
    const fnNode = n.childForFieldName(isNew ? "constructor" : "function");
    const argsNode = n.childForFieldName("arguments");
    const at = this.engine.loc(n);
    let recv: Value | undefined;
    let callee: Value = EMPTY;
    let method: string | undefined;
    let recvName: string | undefined;
    if (fnNode?.type === "import") {
      const first = argsNode?.firstNamedChild;
      const v = first ? this.evaluate(first, d + 1) : EMPTY;
      return isKnown(v.text) ? { qualifiedName: canonModule(v.text) } : taint(v);
    }
    if (fnNode?.type === "member_expression") {
      const obj = fnNode.childForFieldName("object");
      const prop = fnNode.childForFieldName("property");
      recv = obj ? this.evaluate(obj, d + 1) : EMPTY;
      method = prop ? this.text(prop) : "";
      if (obj?.type === "identifier") recvName = this.text(obj);
      if (recv.qualifiedName) callee = { qualifiedName: canonQ(`${recv.qualifiedName}.${method}`) };
      else if (recv.props?.get(method)?.fn) callee = recv.props.get(method) ?? EMPTY;
      else if (obj?.type === "this" && this.methods.has(method)) callee = { fn: this.methods.get(method) };
    } else if (fnNode) callee = this.evaluate(fnNode, d + 1);

    const args: Value[] = [];
    const inline = new Set<FnInfo>();
    if (argsNode?.type === "template_string") args.push(this.evaluate(argsNode, d + 1));
    else
      for (const a of argsNode?.namedChildren ?? []) {
        if (!a || a.type === "comment") continue;
        const v = this.evaluate(a, d + 1);
        if (v.fn && FN_TYPES.has(a.type)) inline.add(v.fn);
        args.push(v);
      }
    const c: Call = {
      node: n,
      at,
      args,
      ...(recv ? { receiver: recv } : {}),
      ...(recvName ? { receiverName: recvName } : {}),
      ...(method ? { method } : {}),
    };

    let result: Value | undefined;
    if (callee.qualifiedName) {
      const h = JS_CALLS.get(callee.qualifiedName);
      if (h) result = h(this, c);
    }
    if (!result && callee.fn) result = this.engine.callFunction(callee.fn, at, args);
    if (!result && method && recv && !recv.qualifiedName) {
      const h = JS_METHODS.get(method);
      if (h) result = h(this, c);
      else {
        const local = this.methods.get(method);
        if (local) result = this.engine.callFunction(local, at, args);
      }
    }
    result ??= taint(recv, ...args.filter((a) => !a.fn));
    // Callbacks run with what the call hands them (node-style data, array elements, the response).
    let cbRet: Value | undefined;
    for (const a of args) {
      if (a.fn && (a.fn.state === 0 || c.cbResult))
        cbRet = merge(cbRet, this.engine.callFunction(a.fn, at, c.callbackArgs ?? [], inline.has(a.fn)));
    }
    if (c.cbResult && cbRet) return c.cbResult === "list" ? listOf([cbRet]) : merge(cbRet, taint(result));
    return result;
  }

  /** `arr.push(x)`: the receiver variable keeps its elements, so fields of one stay apart. */
  appendToReceiver(c: Call, items: readonly Value[], front: boolean): void {
    if (!c.receiverName || !items.length) return;
    let s: Scope | undefined = this.scope;
    while (s && !s.own(c.receiverName)) s = s.parent;
    const owner = s ?? this.scope;
    owner.set(c.receiverName, appended(owner.own(c.receiverName) ?? EMPTY, items, front));
  }

  taintReceiver(c: Call, L: readonly Label[] | undefined): void {
    if (!L?.length || !c.receiverName) return;
    let s: Scope | undefined = this.scope;
    while (s && !s.own(c.receiverName)) s = s.parent;
    const owner = s ?? this.scope;
    owner.set(c.receiverName, withLabels(owner.own(c.receiverName) ?? EMPTY, L));
  }
}

// ---- call table -------------------------------------------------------------------------------

const JS_CALLS = new Map<string, Handler>();
const def = (names: string[], h: Handler) => {
  for (const n of names) JS_CALLS.set(n, h);
};
const nothing: Handler = () => EMPTY;
const propagate: Handler = (_w, c) => taint(c.receiver, ...c.args.filter((a) => !a.fn));
const opt = (c: Call, i: number, key: string): Value | undefined => c.args[i]?.props?.get(key);

function readCall(via: string, nodeStyle = false): Handler {
  return (w, c) => {
    const p = c.args[0] ?? EMPTY;
    const r: Value = { text: UNKNOWN, labels: unionLabels(p.labels, w.engine.read(c.at, p, via)) ?? [] };
    if (nodeStyle) c.callbackArgs = [EMPTY, r];
    return r;
  };
}

function writeCall(via: string): Handler {
  return (w, c) => {
    w.engine.write(c.at, c.args[0] ?? EMPTY, c.args[1], via);
    c.callbackArgs = [EMPTY];
    return EMPTY;
  };
}

function copyCall(w: JsWalker, c: Call): Value {
  const src = c.args[0] ?? EMPTY;
  const L = w.engine.read(c.at, src, "a file copy");
  w.engine.write(
    c.at,
    c.args[1] ?? EMPTY,
    { text: UNKNOWN, labels: unionLabels(src.labels, L) ?? [] },
    "a file copy",
  );
  return EMPTY;
}

function decodeCall(
  encoding: "base64" | "hex" | "url" | "charcodes" | "compressed",
  label: string = encoding,
): Handler {
  return (w, c) => {
    const input = encoding === "charcodes" ? concat(c.args, ",") : (c.args[0] ?? EMPTY);
    const text =
      encoding !== "compressed" && isKnown(input.text) ? decodeLiteral(input.text, encoding) : undefined;
    return w.engine.decoded(c.at, input, label, text);
  };
}

function execCode(via: string, codeArg: "first" | "last" = "first"): Handler {
  return (w, c) => {
    const code = codeArg === "last" ? c.args[c.args.length - 1] : c.args[0];
    if (!code || code.fn) return EMPTY;
    w.engine.exec(c.at, code, "code", "javascript", via);
    return EMPTY;
  };
}

function shellExec(via: string): Handler {
  return (w, c) => {
    const out = w.engine.exec(c.at, c.args[0] ?? EMPTY, "shell", "shell", via);
    c.callbackArgs = [EMPTY, out, out];
    return out;
  };
}

function spawnCall(via: string): Handler {
  return (w, c) => {
    const file = c.args[0] ?? EMPTY;
    const list = c.args[1]?.list;
    const opts = c.args[1]?.list ? c.args[2] : c.args[1];
    const argv = [file, ...(list ?? [])];
    const shell = opts?.props?.get("shell");
    const input = opts?.props?.get("input");
    const out =
      shell && shell.text !== "false" && shell !== EMPTY
        ? w.engine.exec(c.at, concat(argv, " "), "shell", "shell", `${via} with shell`)
        : runCommand(w.engine, c.at, argv, input);
    c.callbackArgs = [EMPTY, out, out];
    return out;
  };
}

function httpBody(
  w: JsWalker,
  c: Call,
  url: Value | undefined,
  body: (Value | undefined)[],
  other: (Value | undefined)[],
  via: string,
): Value {
  w.engine.send(c.at, { url, body: body.filter((b) => b !== undefined), other }, via);
  const r = w.engine.fetched(c.at, url);
  c.callbackArgs = [r, r];
  return r;
}

const fetchCall: Handler = (w, c) => {
  const url = c.args[0];
  const init = c.args[1];
  const method = init?.props?.get("method")?.text ?? "";
  const body = init?.props?.get("body");
  return httpBody(
    w,
    c,
    url,
    body || /post|put|patch/i.test(method) ? [body ?? EMPTY] : [],
    [init?.props?.get("headers")],
    "fetch",
  );
};

function axiosVerb(verb: string): Handler {
  return (w, c) => {
    const withData = /post|put|patch/.test(verb);
    const config = withData ? c.args[2] : c.args[1];
    const body = withData ? [c.args[1]] : [config?.props?.get("data")];
    return httpBody(
      w,
      c,
      c.args[0],
      body,
      [config?.props?.get("headers"), config?.props?.get("params")],
      `axios.${verb}`,
    );
  };
}

const axiosConfig: Handler = (w, c) => {
  const config = c.args[0]?.props ? c.args[0] : c.args[1];
  const url = c.args[0]?.props ? config?.props?.get("url") : c.args[0];
  return httpBody(
    w,
    c,
    url,
    [config?.props?.get("data")],
    [config?.props?.get("headers"), config?.props?.get("params")],
    "axios",
  );
};

const gotCall: Handler = (w, c) => {
  const opts = c.args[1];
  const body = ["body", "json", "form"].map((k) => opts?.props?.get(k));
  return httpBody(
    w,
    c,
    c.args[0],
    body,
    [opts?.props?.get("headers"), opts?.props?.get("searchParams")],
    "got",
  );
};

const requestObject: Handler = (w, c) => {
  const first = c.args[0];
  const opts = first?.props ? first : c.args[1];
  let url = first?.props ? undefined : first;
  if (!url && opts?.props) {
    const host = opts.props.get("hostname") ?? opts.props.get("host");
    if (host) url = concat([lit("https://"), host, opts.props.get("path") ?? lit("/")]);
  }
  const r = w.engine.fetched(c.at, url);
  c.callbackArgs = [r];
  w.engine.send(c.at, { url, other: [opts?.props?.get("headers")] }, "http.request");
  return { qualifiedName: "http.req", props: new Map([["url", url ?? EMPTY]]) };
};

const requestWrite: Handler = (w, c) => {
  const url = c.receiver?.props?.get("url");
  if (c.args[0] && !c.args[0].fn) w.engine.send(c.at, { url, body: [c.args[0]] }, "an HTTP request body");
  return EMPTY;
};

const getCall: Handler = (w, c) => {
  const url = c.args[0]?.props ? undefined : c.args[0];
  return httpBody(w, c, url, [], [], "http.get");
};

const socketObject =
  (q: string): Handler =>
  (_w, c) => {
    const host =
      c.args.find((a) => isKnown(a.text) && !/^\d+$/.test(a.text)) ?? c.args[0]?.props?.get("host");
    return {
      qualifiedName: q,
      props: new Map([["url", host ? concat([lit("tcp://"), host, lit("/")]) : EMPTY]]),
    };
  };

const socketSend: Handler = (w, c) => {
  const url = c.receiver?.props?.get("url");
  if (c.args[0] && !c.args[0].fn)
    w.engine.send(c.at, { url: url === EMPTY ? undefined : url, body: [c.args[0]] }, "a network socket");
  return EMPTY;
};

// modules
def(["require"], (_w, c) =>
  isKnown(c.args[0]?.text) ? { qualifiedName: canonModule(c.args[0].text) } : taint(...c.args),
);
for (const m of ["fs", "fs.promises"]) {
  def(
    [`${m}.readFileSync`, `${m}.readFile`, `${m}.createReadStream`, `${m}.openSync`, `${m}.open`],
    readCall(`${m}.readFile`, m === "fs"),
  );
  def([`${m}.readdirSync`, `${m}.readdir`, `${m}.opendir`], (_w, c) =>
    concat([c.args[0] ?? { text: "." }, lit("/*")]),
  );
  def(
    [
      `${m}.existsSync`,
      `${m}.exists`,
      `${m}.statSync`,
      `${m}.stat`,
      `${m}.lstatSync`,
      `${m}.accessSync`,
      `${m}.access`,
      `${m}.mkdirSync`,
      `${m}.mkdir`,
      `${m}.chmodSync`,
      `${m}.chmod`,
      `${m}.unlinkSync`,
      `${m}.rmSync`,
    ],
    nothing,
  );
  def(
    [
      `${m}.writeFileSync`,
      `${m}.writeFile`,
      `${m}.appendFileSync`,
      `${m}.appendFile`,
      `${m}.outputFile`,
      `${m}.outputFileSync`,
    ],
    writeCall(`${m}.writeFile`),
  );
  def(
    [
      `${m}.copyFileSync`,
      `${m}.copyFile`,
      `${m}.cpSync`,
      `${m}.cp`,
      `${m}.renameSync`,
      `${m}.rename`,
      `${m}.copySync`,
      `${m}.copy`,
      `${m}.moveSync`,
      `${m}.move`,
    ],
    copyCall,
  );
  def([`${m}.symlinkSync`, `${m}.symlink`, `${m}.linkSync`], (w, c) => {
    w.engine.write(c.at, c.args[1] ?? EMPTY, c.args[0], "a link");
    return EMPTY;
  });
  def([`${m}.createWriteStream`], (w, c) => {
    const path = c.args[0] ?? EMPTY;
    w.engine.write(c.at, path, undefined, "a write stream");
    return { writeHandle: { path, loc: c.at } };
  });
}
for (const m of ["fs-extra"])
  for (const [k, h] of [...JS_CALLS].filter(([k]) => k.startsWith("fs.")))
    JS_CALLS.set(`${m}${k.slice(2)}`, h);
def(["os.homedir"], () => ({ text: "~" }));
def(["os.tmpdir"], () => ({ text: "/tmp" }));
def(["os.userInfo"], () => ({ props: new Map([["homedir", { text: "~" }]]) }));
def(["process.cwd"], () => ({ text: "." }));
def(
  [
    "path.join",
    "path.resolve",
    "path.normalize",
    "path.posix.join",
    "path.win32.join",
    "path.posix.resolve",
    "upath.join",
  ],
  (_w, c) => joinPath(c.args),
);
def(["path.dirname"], (_w, c) => dirname(c.args[0] ?? EMPTY));
def(["path.basename", "path.extname", "path.relative"], (_w, c) => taint(...c.args));
def(["url.fileURLToPath"], (_w, c) => c.args[0] ?? EMPTY);
def(["URL"], (_w, c) => (c.args[1] ? concat([c.args[1], c.args[0]]) : (c.args[0] ?? EMPTY)));

// encoding
def(["JSON.stringify"], (w, c) => {
  if (c.args[0]) w.engine.serialise(c.at, c.args[0]);
  return taint(c.args[0]);
});
def(
  [
    "JSON.parse",
    "btoa",
    "String",
    "Object.entries",
    "Object.values",
    "Object.keys",
    "Object.fromEntries",
    "Array.from",
    "Buffer.concat",
    "Promise.all",
    "Promise.resolve",
    "encodeURIComponent",
    "encodeURI",
    "querystring.stringify",
    "zlib.gzipSync",
    "zlib.deflateSync",
  ],
  propagate,
);
def(["Object.assign"], (_w, c) => {
  const out = c.args.reduce<Value>((acc, a) => merge(acc, a), EMPTY);
  return out;
});
def(["Buffer.from", "Buffer.alloc"], (w, c) => {
  const enc = (c.args[1]?.text ?? "").toLowerCase();
  const input = c.args[0] ?? EMPTY;
  if (/^base64(url)?$/.test(enc))
    return w.engine.decoded(
      c.at,
      input,
      "base64",
      isKnown(input.text) ? decodeLiteral(input.text, "base64") : undefined,
    );
  if (enc === "hex")
    return w.engine.decoded(
      c.at,
      input,
      "hex",
      isKnown(input.text) ? decodeLiteral(input.text, "hex") : undefined,
    );
  if (input.list) {
    const codes = concat(input.list, ",");
    if (isKnown(codes.text) && /^[\d,\s]+$/.test(codes.text) && input.list.length >= 8)
      return w.engine.decoded(c.at, input, "byte values", decodeLiteral(codes.text, "charcodes"));
  }
  return input;
});
def(["atob"], decodeCall("base64"));
def(["decodeURIComponent", "decodeURI", "unescape", "querystring.unescape"], (w, c) => {
  const input = c.args[0] ?? EMPTY;
  if (!/%[0-9a-f]{2}.*%[0-9a-f]{2}.*%[0-9a-f]{2}/i.test(input.text ?? "")) return input;
  return decodeCall("url", "URL escapes")(w, c);
});
def(["String.fromCharCode", "String.fromCodePoint"], (w, c) => {
  const joined = c.args.length === 1 && c.args[0]?.list ? concat(c.args[0].list, ",") : concat(c.args, ",");
  if (c.args.length + (c.args[0]?.list?.length ?? 0) < 4 && isKnown(joined.text))
    return { text: decodeLiteral(joined.text, "charcodes") ?? UNKNOWN };
  return w.engine.decoded(
    c.at,
    joined,
    "character codes",
    isKnown(joined.text) ? decodeLiteral(joined.text, "charcodes") : undefined,
  );
});
def(
  [
    "zlib.inflateSync",
    "zlib.gunzipSync",
    "zlib.inflateRawSync",
    "zlib.brotliDecompressSync",
    "zlib.unzipSync",
  ],
  decodeCall("compressed", "compressed data"),
);

// execution
def(
  [
    "eval",
    "vm.runInThisContext",
    "vm.runInNewContext",
    "vm.runInContext",
    "vm.Script",
    "vm.compileFunction",
    "vm.SourceTextModule",
  ],
  execCode("eval / vm"),
);
def(["Function"], execCode("new Function", "last"));
def(["setTimeout", "setInterval", "setImmediate"], (w, c) => {
  const code = c.args[0];
  if (code && !code.fn && code.text !== undefined)
    w.engine.exec(c.at, code, "code", "javascript", "setTimeout with a string");
  return EMPTY;
});
def(
  [
    "child_process.exec",
    "child_process.execSync",
    "shelljs.exec",
    "execa.command",
    "execa.execaCommand",
    "execa.execaCommandSync",
    "zx.$",
    "bun.$",
  ],
  shellExec("child_process.exec"),
);
def(
  [
    "child_process.spawn",
    "child_process.spawnSync",
    "child_process.execFile",
    "child_process.execFileSync",
    "execa",
    "execa.execa",
    "execa.execaSync",
    "cross-spawn",
  ],
  spawnCall("child_process.spawn"),
);
def(["child_process.fork"], (w, c) => runCommand(w.engine, c.at, [lit("node"), c.args[0] ?? EMPTY]));
def(["Bun.spawn", "Bun.spawnSync"], (w, c) =>
  runCommand(w.engine, c.at, c.args[0]?.list ?? c.args.slice(0, 1)),
);
def(["Deno.Command"], (w, c) =>
  runCommand(w.engine, c.at, [c.args[0] ?? EMPTY, ...(opt(c, 1, "args")?.list ?? [])]),
);

// network
def(["fetch", "undici.fetch", "fetchmod.default", "fetchmod"], fetchCall);
def(["undici.request"], (w, c) => {
  const o = c.args[1];
  return httpBody(w, c, c.args[0], [o?.props?.get("body")], [o?.props?.get("headers")], "undici.request");
});
for (const v of ["get", "delete", "head", "options", "post", "put", "patch"]) {
  def([`axios.${v}`], axiosVerb(v));
  def([`got.${v}`, `ky.${v}`, `needle.${v}`], (w, c) => {
    if (/post|put|patch/.test(v) && c.args[1] && !c.args[1].props)
      return httpBody(w, c, c.args[0], [c.args[1]], [], `${v}`);
    return gotCall(w, c);
  });
  def([`superagent.${v}`], (w, c) => {
    w.engine.fetched(c.at, c.args[0]);
    return { qualifiedName: "superagent.req", props: new Map([["url", c.args[0] ?? EMPTY]]) };
  });
}
def(["axios", "axios.request"], axiosConfig);
def(["axios.create", "got.extend", "ky.create"], (_w, c) => ({
  qualifiedName: c.method === "extend" ? "got" : "axios",
}));
def(["got", "ky", "needle", "needle.request"], gotCall);
def(["superagent.req.send", "superagent.req.field", "superagent.req.attach"], (w, c) => {
  w.engine.send(c.at, { url: c.receiver?.props?.get("url"), body: c.args }, "superagent");
  return c.receiver ?? EMPTY;
});
def(["superagent.req.set", "superagent.req.query", "superagent.req.type"], (_w, c) => c.receiver ?? EMPTY);
for (const m of ["http", "https", "http2"]) {
  def([`${m}.request`], requestObject);
  def([`${m}.get`], getCall);
}
def(["http.req.write", "http.req.end"], requestWrite);
def(["http.req.on", "http.req.setHeader", "http.req.setTimeout"], (_w, c) => {
  c.callbackArgs = [EMPTY];
  return c.receiver ?? EMPTY;
});
def(["net.connect", "net.createConnection", "tls.connect", "net.Socket"], socketObject("net.socket"));
def(["net.socket.write", "net.socket.end"], socketSend);
def(["net.socket.connect"], (_w, c) => {
  const host = c.args.find((a) => isKnown(a.text) && !/^\d+$/.test(a.text));
  return host
    ? { qualifiedName: "net.socket", props: new Map([["url", concat([lit("tcp://"), host, lit("/")])]]) }
    : (c.receiver ?? EMPTY);
});
def(["dgram.createSocket"], () => ({ qualifiedName: "dgram.socket" }));
def(["dgram.socket.send"], (w, c) => {
  const host = c.args.find((a, i) => i > 0 && isKnown(a.text) && !/^\d+$/.test(a.text));
  w.engine.send(
    c.at,
    { url: host ? concat([lit("udp://"), host, lit("/")]) : undefined, body: [c.args[0]] },
    "a UDP socket",
  );
  return EMPTY;
});
def(["WebSocket", "ws", "ws.WebSocket"], (_w, c) => ({
  qualifiedName: "ws.socket",
  props: new Map([["url", c.args[0] ?? EMPTY]]),
}));
def(["ws.socket.send"], socketSend);
def(["XMLHttpRequest"], () => ({ qualifiedName: "xhr" }));
def(["xhr.send"], (w, c) => {
  w.engine.send(c.at, { body: c.args }, "XMLHttpRequest");
  return EMPTY;
});
def(["navigator.sendBeacon"], (w, c) => {
  w.engine.send(c.at, { url: c.args[0], body: [c.args[1]] }, "navigator.sendBeacon");
  return EMPTY;
});
for (const m of ["dns", "dns.promises"])
  def(
    [`${m}.lookup`, `${m}.resolve`, `${m}.resolve4`, `${m}.resolve6`, `${m}.resolveTxt`, `${m}.resolveCname`],
    (w, c) => {
      if (labelsOf(c.args.filter((a) => !a.fn))?.length)
        w.engine.send(c.at, { other: c.args.filter((a) => !a.fn) }, "a DNS lookup");
      return EMPTY;
    },
  );

// ---- methods on values of unknown type -----------------------------------------------------------

const JS_METHODS = new Map<string, Handler>();
const meth = (names: string[], h: Handler) => {
  for (const n of names) JS_METHODS.set(n, h);
};
meth(["map", "flatMap"], (_w, c) => {
  const recv = c.receiver ?? EMPTY;
  c.callbackArgs = [elementOf(recv), EMPTY, recv];
  c.cbResult = "list";
  return EMPTY;
});
meth(
  [
    "filter",
    "sort",
    "slice",
    "reverse",
    "concat",
    "find",
    "findLast",
    "at",
    "flat",
    "toSorted",
    "toReversed",
  ],
  (_w, c) => {
    const recv = c.receiver ?? EMPTY;
    c.callbackArgs = [elementOf(recv), EMPTY, recv];
    return c.method === "find" || c.method === "at" || c.method === "findLast"
      ? elementOf(recv)
      : merge(recv, taint(...c.args.filter((a) => !a.fn)));
  },
);
meth(["forEach", "some", "every", "findIndex"], (_w, c) => {
  const recv = c.receiver ?? EMPTY;
  c.callbackArgs = [elementOf(recv), EMPTY, recv];
  return EMPTY;
});
meth(["reduce", "reduceRight"], (_w, c) => {
  const recv = c.receiver ?? EMPTY;
  c.callbackArgs = [merge(c.args[1], taint(recv)), elementOf(recv)];
  return taint(recv, c.args[1]);
});
meth(["then"], (_w, c) => {
  c.callbackArgs = [c.receiver ?? EMPTY];
  c.cbResult = "value";
  return EMPTY;
});
meth(["catch", "finally", "on", "once", "addListener", "addEventListener", "pipeTo"], (_w, c) => {
  c.callbackArgs = [c.receiver ?? EMPTY];
  return c.receiver ?? EMPTY;
});
meth(
  ["toString", "trim", "trimEnd", "trimStart", "toLowerCase", "toUpperCase", "normalize", "valueOf"],
  (_w, c) => {
    const recv = c.receiver ?? EMPTY;
    const enc = (c.args[0]?.text ?? "").toLowerCase();
    if (c.method === "toString" && (enc === "utf8" || enc === "utf-8" || enc === "latin1" || enc === ""))
      return recv;
    return { ...recv, labels: unionLabels(recv.labels, labelsOf(c.args)) };
  },
);
meth(["join"], (_w, c) => {
  const recv = c.receiver ?? EMPTY;
  const sep = c.args[0]?.text ?? ",";
  return recv.list ? concat(recv.list, isKnown(sep) ? sep : "") : taint(recv);
});
meth(
  [
    "replace",
    "replaceAll",
    "split",
    "substring",
    "substr",
    "padStart",
    "padEnd",
    "repeat",
    "json",
    "text",
    "arrayBuffer",
    "blob",
    "formData",
    "entries",
    "values",
    "keys",
    "get",
  ],
  propagate,
);
meth(["write", "end"], (w, c) => {
  const h = c.receiver?.writeHandle;
  if (h && c.args[0] && !c.args[0].fn) w.engine.write(c.at, h.path, c.args[0], "a write stream", true);
  return EMPTY;
});
meth(["pipe"], (w, c) => {
  const dest = c.args[0];
  if (
    dest?.qualifiedName === "http.req" ||
    dest?.qualifiedName === "net.socket" ||
    dest?.qualifiedName === "ws.socket"
  )
    w.engine.send(c.at, { url: dest.props?.get("url"), body: [c.receiver] }, "a stream piped to the network");
  else if (dest?.writeHandle) w.engine.write(c.at, dest.writeHandle.path, c.receiver, "a piped stream", true);
  return dest ?? EMPTY;
});
meth(["push", "unshift"], (w, c) => {
  w.appendToReceiver(
    c,
    c.args.filter((a) => !a.fn),
    c.method === "unshift",
  );
  return EMPTY;
});
meth(["set", "add", "append", "assign", "splice"], (w, c) => {
  w.taintReceiver(c, labelsOf(c.args.filter((a) => !a.fn)));
  return EMPTY;
});
