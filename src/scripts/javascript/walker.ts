// Why one file of ~700 lines: the JavaScript walk is one recursive evaluation over the syntax tree
// (a switch on node types sharing one scope, one set of function summaries and the taint engine);
// cutting it by node type would scatter a single evaluation order across files and thread the walk's
// state through every call. What each call means (sources, sinks, the call table) is in calls.ts.

import { type Call, NO_KEYWORDS } from "../calls.js";
import { UNKNOWN } from "../paths.js";
import { Scope } from "../scope.js";
import type { SNode as Node } from "../syntax.js";
import type { Engine } from "../taint-engine.js";
import {
  appended,
  concat,
  EMPTY,
  elementOf,
  type FnInfo,
  isKnown,
  type Label,
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
  canonModule,
  charsOf,
  defaultImport,
  JAVASCRIPT_CALLS,
  JAVASCRIPT_METHODS,
  type JsWalk,
} from "./calls.js";

// JavaScript and TypeScript (the TypeScript grammar is a superset for what matters here).

const MAX_DEPTH = 300;

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

export class JsWalker implements JsWalk {
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
    summariseFunctions(this.fns);
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
      case "array": {
        const items = n.namedChildren.map((c) => (c ? this.evaluate(c, d + 1) : EMPTY));
        // `[...s]` of a known string: its characters (see charsOf).
        const only = n.namedChildren.length === 1 ? n.namedChildren[0] : undefined;
        const chars = only?.type === "spread_element" && items[0] ? charsOf(items[0]) : undefined;
        return chars ?? listOf(items);
      }
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
      keywords: NO_KEYWORDS,
      ...(recv ? { receiver: recv } : {}),
      ...(recvName ? { receiverName: recvName } : {}),
      ...(method ? { method } : {}),
    };

    let result: Value | undefined;
    if (callee.qualifiedName) {
      const h = JAVASCRIPT_CALLS.get(callee.qualifiedName);
      if (h) result = h(this, c);
    }
    if (!result && callee.fn) result = this.engine.callFunction(callee.fn, at, args);
    if (!result && method && recv && !recv.qualifiedName) {
      const h = JAVASCRIPT_METHODS.get(method);
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
