// Why one file of ~700 lines: the Python walk is one recursive evaluation in source order (a switch
// on node types sharing one scope, one set of function summaries and the taint engine); cutting it
// by node type would scatter a single evaluation order across files and thread the walk's state
// through every call. What each call means (sources, sinks, the call table) is in calls.ts.

import type { Call } from "../calls.js";
import { UNKNOWN } from "../paths.js";
import { Scope } from "../scope.js";
import type { SNode as Node } from "../syntax.js";
import type { Engine } from "../taint-engine.js";
import {
  concat,
  dirname,
  EMPTY,
  elementOf,
  type FnInfo,
  isKnown,
  joinPath,
  type Label,
  labelsOf,
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
import { PYTHON_CALLS, PYTHON_METHODS, type PythonWalk } from "./calls.js";

// Python: one walk in source order; functions are summarised once, on their first call or at the end.

const MAX_DEPTH = 300;

interface PyFn extends FnInfo {
  params: string[];
  /** Where it is defined, so a hoisted definition is not registered twice. */
  start: number;
}

const BUILTINS = new Set([
  "open",
  "exec",
  "eval",
  "compile",
  "__import__",
  "getattr",
  "dict",
  "str",
  "bytes",
  "bytearray",
  "repr",
  "list",
  "tuple",
  "set",
  "sorted",
  "reversed",
  "chr",
  "format",
  "iter",
  "next",
  "map",
  "filter",
  "zip",
  "print",
  "input",
  "vars",
  "globals",
  "locals",
  "execfile",
]);

export function walkPython(root: Node, src: string, eng: Engine): void {
  const w = new PythonWalker(src, eng);
  w.block(root, 0);
  w.finishFunctions();
}

function unescapePy(s: string): string {
  return s.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|\n|.)/g,
    (_m, e: string) => {
      if (e[0] === "x" || e[0] === "u" || e[0] === "U") {
        const cp = Number.parseInt(e.slice(1), 16);
        return cp <= 0x10ffff ? String.fromCodePoint(cp) : "";
      }
      if (/^[0-7]+$/.test(e)) return String.fromCharCode(Number.parseInt(e, 8));
      return ({ n: "\n", t: "\t", r: "\r", "\n": "", "0": "\0" } as Record<string, string>)[e] ?? e;
    },
  );
}

export class PythonWalker implements PythonWalk {
  private scope: Scope;
  private readonly module: Scope;
  /** Attributes assigned anywhere (`self.x = …`), by attribute name. */
  private readonly attrs = new Map<string, Value>();
  /** Methods and functions by bare name, for `self.helper()` and `obj.method()`. */
  private readonly methods = new Map<string, PyFn>();
  private readonly fns: PyFn[] = [];
  private readonly stars: string[] = [];

  constructor(
    readonly src: string,
    readonly engine: Engine,
  ) {
    this.module = new Scope();
    this.scope = this.module;
  }

  private text(n: Node): string {
    return textOf(n, this.src);
  }

  finishFunctions(): void {
    summariseFunctions(this.fns);
  }

  // ---- statements -----------------------------------------------------------------------------

  block(n: Node, d: number): void {
    const kids = n.namedChildren;
    for (const c of kids) {
      const def = c?.type === "decorated_definition" ? c.childForFieldName("definition") : c;
      if (def?.type === "function_definition") this.define(def, false);
    }
    for (const c of kids) if (c) this.evaluate(c, d + 1);
  }

  private define(n: Node, inClass: boolean): PyFn | undefined {
    const nameNode = n.childForFieldName("name");
    if (!nameNode) return undefined;
    const name = this.text(nameNode);
    const existing = this.scope.own(name)?.fn as PyFn | undefined;
    if (existing && existing.start === n.startIndex) return existing;
    const params: string[] = [];
    const paramNodes: Node[] = [];
    for (const p of n.childForFieldName("parameters")?.namedChildren ?? []) {
      if (!p) continue;
      const id =
        p.type === "identifier"
          ? p
          : (p.childForFieldName("name") ?? p.namedChildren.find((c) => c?.type === "identifier"));
      if (!id) continue;
      params.push(this.text(id));
      paramNodes.push(id);
    }
    const method = inClass && (params[0] === "self" || params[0] === "cls");
    if (method) {
      params.shift();
      paramNodes.shift();
    }
    const body = n.childForFieldName("body");
    const fn = this.functionOf(n, name, params, paramNodes, () => {
      if (body) this.block(body, 1);
    });
    this.scope.set(name, { fn });
    if (!this.methods.has(name)) this.methods.set(name, fn);
    this.fns.push(fn);
    return fn;
  }

  private lambda(n: Node): Value {
    const params: string[] = [];
    const paramNodes: Node[] = [];
    for (const p of n.childForFieldName("parameters")?.namedChildren ?? []) {
      if (p?.type === "identifier") {
        params.push(this.text(p));
        paramNodes.push(p);
      }
    }
    const body = n.childForFieldName("body");
    const fn = this.functionOf(n, "lambda", params, paramNodes, () => {
      if (body) this.engine.returns(this.evaluate(body, 1));
    });
    this.fns.push(fn);
    return { fn };
  }

  /**
   * A function (def or lambda) defined at `n` in the current scope: run once per summary in a new
   * scope over the one it was defined in, its parameters bound to symbolic labels or to `bound`.
   */
  private functionOf(
    n: Node,
    name: string,
    params: string[],
    paramNodes: readonly Node[],
    body: () => void,
  ): PyFn {
    const defScope = this.scope;
    return {
      name,
      params,
      start: n.startIndex,
      state: 0,
      run: (bound) => {
        this.engine.enterFunction();
        const saved = this.scope;
        this.scope = new Scope(defScope);
        params.forEach((p, i) => {
          this.scope.set(p, this.engine.param(paramNodes[i] ?? n, p, i, bound));
        });
        try {
          body();
        } finally {
          this.scope = saved;
        }
        return this.engine.leaveFunction();
      },
    };
  }

  // ---- expressions ----------------------------------------------------------------------------

  evaluate(n: Node, d: number): Value {
    if (d > MAX_DEPTH) return EMPTY;
    switch (n.type) {
      case "comment":
      case "pass_statement":
      case "break_statement":
      case "continue_statement":
      case "global_statement":
      case "nonlocal_statement":
      case "future_import_statement":
        return EMPTY;
      case "import_statement":
      case "import_from_statement":
        this.imports(n);
        return EMPTY;
      case "function_definition":
        this.define(n, false);
        return EMPTY;
      case "class_definition": {
        const body = n.childForFieldName("body");
        if (body) {
          for (const c of body.namedChildren) {
            const def = c?.type === "decorated_definition" ? c.childForFieldName("definition") : c;
            if (def?.type === "function_definition") this.define(def, true);
            else if (c) this.evaluate(c, d + 1);
          }
        }
        return EMPTY;
      }
      case "decorated_definition": {
        for (const c of n.namedChildren) if (c?.type === "decorator") this.evaluate(c, d + 1);
        const def = n.childForFieldName("definition");
        if (def?.type === "class_definition") this.evaluate(def, d + 1);
        return EMPTY;
      }
      case "block":
      case "module":
        this.block(n, d);
        return EMPTY;
      case "return_statement": {
        const v = n.firstNamedChild ? this.evaluate(n.firstNamedChild, d + 1) : EMPTY;
        this.engine.returns(v);
        return EMPTY;
      }
      case "yield": {
        const v = n.firstNamedChild ? this.evaluate(n.firstNamedChild, d + 1) : EMPTY;
        this.engine.returns(v);
        return v;
      }
      case "exec_statement": {
        const code = n.firstNamedChild ? this.evaluate(n.firstNamedChild, d + 1) : EMPTY;
        this.engine.exec(this.engine.loc(n), code, "code", "python", "exec");
        return EMPTY;
      }
      case "for_statement":
      case "for_in_clause": {
        const right = n.childForFieldName("right");
        const left = n.childForFieldName("left");
        const it = right ? this.evaluate(right, d + 1) : EMPTY;
        if (left) this.assign(left, elementOf(it), d);
        if (n.type === "for_statement") {
          const body = n.childForFieldName("body");
          if (body) this.evaluate(body, d + 1);
          const alt = n.childForFieldName("alternative");
          if (alt) this.evaluate(alt, d + 1);
        }
        return EMPTY;
      }
      case "with_statement":
        for (const c of n.namedChildren) {
          if (!c) continue;
          if (c.type === "with_clause") {
            for (const item of c.namedChildren) if (item) this.withItem(item, d);
          } else this.evaluate(c, d + 1);
        }
        return EMPTY;
      case "expression_statement": {
        let v: Value = EMPTY;
        for (const c of n.namedChildren) if (c) v = this.evaluate(c, d + 1);
        return v;
      }
      case "assignment": {
        const right = n.childForFieldName("right");
        const left = n.childForFieldName("left");
        if (!right) return EMPTY;
        const v = this.evaluate(right, d + 1);
        if (left) this.assign(left, v, d);
        return v;
      }
      case "augmented_assignment": {
        const left = n.childForFieldName("left");
        const right = n.childForFieldName("right");
        if (!left || !right) return EMPTY;
        const old = this.evaluate(left, d + 1);
        const r = this.evaluate(right, d + 1);
        const op = n.childForFieldName("operator")?.type ?? "";
        const v =
          op === "+="
            ? old.list && r.list
              ? listOf([...old.list, ...r.list])
              : concat([old, r])
            : taint(old, r);
        this.assign(left, v, d);
        return v;
      }
      case "named_expression": {
        const value = n.childForFieldName("value");
        const name = n.childForFieldName("name");
        const v = value ? this.evaluate(value, d + 1) : EMPTY;
        if (name) this.assign(name, v, d);
        return v;
      }
      case "identifier":
        return this.lookup(this.text(n));
      case "attribute":
        return this.attribute(n, d);
      case "subscript":
        return this.subscript(n, d);
      case "call":
        return this.call(n, d);
      case "string":
        return this.string(n, d);
      case "concatenated_string":
        return concat(n.namedChildren.map((c) => (c ? this.evaluate(c, d + 1) : EMPTY)));
      case "integer":
      case "float":
      case "true":
      case "false":
      case "none":
        return lit(this.text(n));
      case "binary_operator":
        return this.binary(n, d);
      case "dictionary": {
        const props = new Map<string, Value>();
        const extra: Value[] = [];
        for (const c of n.namedChildren) {
          if (!c) continue;
          if (c.type === "pair") {
            const k = c.childForFieldName("key");
            const v = c.childForFieldName("value");
            const kv = k ? this.evaluate(k, d + 1) : EMPTY;
            const vv = v ? this.evaluate(v, d + 1) : EMPTY;
            if (isKnown(kv.text)) props.set(kv.text, vv);
            else extra.push(vv);
            if (kv.labels) extra.push({ labels: kv.labels });
          } else {
            const v = this.evaluate(c, d + 1);
            if (v.props) for (const [k, pv] of v.props) props.set(k, pv);
            extra.push(v);
          }
        }
        return objectOf(props, extra);
      }
      case "list":
      case "tuple":
      case "set":
      case "expression_list":
      case "pattern_list":
        return listOf(n.namedChildren.map((c) => (c ? this.evaluate(c, d + 1) : EMPTY)));
      case "list_comprehension":
      case "set_comprehension":
      case "generator_expression":
      case "dictionary_comprehension": {
        const saved = this.scope;
        this.scope = new Scope(saved);
        try {
          for (const c of n.namedChildren)
            if (c && (c.type === "for_in_clause" || c.type === "if_clause")) this.evaluate(c, d + 1);
          const body = n.childForFieldName("body");
          const v = body ? this.evaluate(body, d + 1) : EMPTY;
          return { list: [v], ...(v.labels ? { labels: v.labels } : {}) };
        } finally {
          this.scope = saved;
        }
      }
      case "pair": {
        const v = n.childForFieldName("value");
        const k = n.childForFieldName("key");
        return taint(k ? this.evaluate(k, d + 1) : EMPTY, v ? this.evaluate(v, d + 1) : EMPTY);
      }
      case "conditional_expression": {
        const kids = n.namedChildren;
        const a = kids[0] ? this.evaluate(kids[0], d + 1) : EMPTY;
        if (kids[1]) this.evaluate(kids[1], d + 1);
        const b = kids[2] ? this.evaluate(kids[2], d + 1) : EMPTY;
        return merge(a, b);
      }
      case "boolean_operator": {
        const l = n.childForFieldName("left");
        const r = n.childForFieldName("right");
        return merge(l ? this.evaluate(l, d + 1) : EMPTY, r ? this.evaluate(r, d + 1) : EMPTY);
      }
      case "lambda":
        return this.lambda(n);
      case "await":
      case "parenthesized_expression":
      case "list_splat":
      case "dictionary_splat":
      case "interpolation":
      case "keyword_argument": {
        const inner = n.type === "keyword_argument" ? n.childForFieldName("value") : n.firstNamedChild;
        return inner ? this.evaluate(inner, d + 1) : EMPTY;
      }
      case "comparison_operator":
      case "not_operator":
        for (const c of n.namedChildren) if (c) this.evaluate(c, d + 1);
        return EMPTY;
      default: {
        let v: Value = EMPTY;
        for (const c of n.namedChildren) if (c) v = merge(v, taint(this.evaluate(c, d + 1)));
        return v === EMPTY ? EMPTY : { text: UNKNOWN, ...(v.labels ? { labels: v.labels } : {}) };
      }
    }
  }

  private withItem(item: Node, d: number): void {
    const value = item.childForFieldName("value");
    if (!value) return;
    if (value.type === "as_pattern") {
      const expr = value.firstNamedChild;
      const v = expr ? this.evaluate(expr, d + 1) : EMPTY;
      const alias = value.childForFieldName("alias");
      const target = alias?.firstNamedChild ?? alias;
      if (target) this.assign(target, v, d);
    } else this.evaluate(value, d + 1);
  }

  private imports(n: Node): void {
    if (n.type === "import_statement") {
      for (const c of n.childrenForFieldName("name")) {
        if (!c) continue;
        if (c.type === "aliased_import") {
          const name = c.childForFieldName("name");
          const alias = c.childForFieldName("alias");
          if (name && alias) this.scope.set(this.text(alias), { qualifiedName: this.text(name) });
        } else {
          const full = this.text(c);
          this.scope.set(full.split(".")[0] ?? full, { qualifiedName: full.split(".")[0] ?? full });
        }
      }
      return;
    }
    const mod = n.childForFieldName("module_name");
    const base = mod ? this.text(mod) : "";
    if (n.namedChildren.some((c) => c?.type === "wildcard_import")) {
      this.stars.push(base);
      return;
    }
    for (const c of n.childrenForFieldName("name")) {
      if (!c) continue;
      if (c.type === "aliased_import") {
        const name = c.childForFieldName("name");
        const alias = c.childForFieldName("alias");
        if (name && alias) this.scope.set(this.text(alias), { qualifiedName: `${base}.${this.text(name)}` });
      } else this.scope.set(this.text(c), { qualifiedName: `${base}.${this.text(c)}` });
    }
  }

  private lookup(name: string): Value {
    const v = this.scope.get(name);
    if (v) return v;
    if (name === "__file__") return { text: "./__file__" };
    if (BUILTINS.has(name)) return { qualifiedName: name };
    for (const m of this.stars)
      if (PYTHON_CALLS.has(`${m}.${name}`) || `${m}.${name}` === "os.environ")
        return { qualifiedName: `${m}.${name}` };
    return EMPTY;
  }

  assign(target: Node, v: Value, d: number): void {
    switch (target.type) {
      case "identifier": {
        const name = this.text(target);
        const old = this.scope.own(name);
        this.scope.set(name, old?.labels && old !== v ? withLabels(v, old.labels) : v);
        return;
      }
      case "pattern_list":
      case "tuple_pattern":
      case "list_pattern":
      case "tuple":
      case "list":
      case "expression_list": {
        const items = target.namedChildren;
        items.forEach((t, i) => {
          if (t) this.assign(t, v.list?.[i] ?? elementOf(v), d);
        });
        return;
      }
      case "list_splat_pattern":
      case "parenthesized_expression": {
        const inner = target.firstNamedChild;
        if (inner) this.assign(inner, v, d);
        return;
      }
      case "attribute": {
        const attr = target.childForFieldName("attribute");
        if (!attr) return;
        const key = this.text(attr);
        this.attrs.set(key, merge(this.attrs.get(key), v));
        return;
      }
      case "subscript": {
        const base = target.childForFieldName("value");
        const key = target.childForFieldName("subscript");
        if (!base) return;
        const k = key ? this.evaluate(key, d + 1) : EMPTY;
        if (base.type === "identifier") {
          const name = this.text(base);
          const old = this.scope.get(name) ?? EMPTY;
          const props = new Map(old.props ?? []);
          if (isKnown(k.text)) props.set(k.text, v);
          this.scope.set(name, {
            ...old,
            props,
            labels: unionLabels(old.labels, unionLabels(v.labels, k.labels)),
          });
        } else if (base.type === "attribute") {
          const attr = base.childForFieldName("attribute");
          if (attr) {
            const key2 = this.text(attr);
            this.attrs.set(key2, withLabels(this.attrs.get(key2) ?? EMPTY, unionLabels(v.labels, k.labels)));
          }
        }
        return;
      }
      default:
        return;
    }
  }

  private attribute(n: Node, d: number): Value {
    const objNode = n.childForFieldName("object");
    const attrNode = n.childForFieldName("attribute");
    const obj = objNode ? this.evaluate(objNode, d + 1) : EMPTY;
    const name = attrNode ? this.text(attrNode) : "";
    if (obj.qualifiedName) {
      const q = `${obj.qualifiedName}.${name}`;
      if (q === "os.environ" || q === "posix.environ")
        return { qualifiedName: "os.environ", labels: this.engine.envDump(this.engine.loc(n)).labels };
      if (q === "pathlib.Path.home" || q === "os.path.expanduser") return { qualifiedName: q };
      return obj.labels ? { qualifiedName: q, labels: obj.labels } : { qualifiedName: q };
    }
    if (obj.props?.has(name)) return obj.props.get(name) ?? EMPTY;
    const stored = this.attrs.get(name);
    if (stored && objNode?.type === "identifier" && /^(self|cls)$/.test(this.text(objNode))) return stored;
    if (name === "parent") return dirname(obj);
    if (stored) return merge(stored, taint(obj));
    return obj.labels ? { text: UNKNOWN, labels: obj.labels } : { text: UNKNOWN };
  }

  private subscript(n: Node, d: number): Value {
    const base = n.childForFieldName("value");
    const obj = base ? this.evaluate(base, d + 1) : EMPTY;
    let key: Value = EMPTY;
    const keys = n.childrenForFieldName("subscript");
    // `s[::-1]`: the string reversed (Engine.reversed), a technique to hide a command.
    const only = keys.length === 1 ? keys[0] : undefined;
    if (only?.type === "slice" && this.text(only).replace(/\s+/g, "") === "::-1")
      return this.engine.reversed(this.engine.loc(n), obj);
    for (const k of keys) if (k) key = this.evaluate(k, d + 1);
    if (obj.qualifiedName === "os.environ") return this.engine.envVar(this.engine.loc(n), key.text);
    if (obj.props && isKnown(key.text) && obj.props.has(key.text)) return obj.props.get(key.text) ?? EMPTY;
    if (obj.list && isKnown(key.text) && /^\d+$/.test(key.text))
      return obj.list[Number(key.text)] ?? elementOf(obj);
    // `env["API_KEY"]` of a parameter: that one field (see Engine.fieldOf).
    const objL = obj.labels && isKnown(key.text) ? this.engine.fieldOf(obj.labels, key.text) : obj.labels;
    return objL || key.labels ? { text: UNKNOWN, labels: unionLabels(objL, key.labels) } : { text: UNKNOWN };
  }

  private string(n: Node, d: number): Value {
    const parts: Value[] = [];
    let raw = false;
    for (const c of n.namedChildren) {
      if (!c) continue;
      if (c.type === "string_start") raw = /r/i.test(this.text(c));
      else if (c.type === "string_content") {
        const t = this.text(c);
        parts.push(lit(raw ? t : unescapePy(t)));
        for (const e of c.namedChildren) if (e?.type === "interpolation") parts.push(this.evaluate(e, d + 1));
      } else if (c.type === "interpolation") {
        const expr = c.childForFieldName("expression") ?? c.firstNamedChild;
        parts.push(expr ? this.evaluate(expr, d + 1) : { text: UNKNOWN });
      } else if (c.type === "escape_sequence") parts.push(lit(unescapePy(this.text(c))));
    }
    return parts.length ? concat(parts) : lit("");
  }

  private binary(n: Node, d: number): Value {
    const l = n.childForFieldName("left");
    const r = n.childForFieldName("right");
    const op = n.childForFieldName("operator")?.type ?? "";
    const lv = l ? this.evaluate(l, d + 1) : EMPTY;
    const rv = r ? this.evaluate(r, d + 1) : EMPTY;
    if (op === "+") return lv.list && rv.list ? listOf([...lv.list, ...rv.list]) : concat([lv, rv]);
    if (op === "/" && (lv.text !== undefined || rv.text !== undefined) && !/^\d/.test(lv.text ?? ""))
      return joinPath([lv, rv]);
    if (op === "%" && lv.text !== undefined) {
      const items = rv.list ?? [rv];
      let k = 0;
      const s = lv.text.replace(/%[-#0 +]*\d*(?:\.\d+)?[sdrifx]/g, () => items[k++]?.text ?? UNKNOWN);
      return { text: s, ...(labelsOf([lv, rv]) ? { labels: labelsOf([lv, rv]) } : {}) };
    }
    return taint(lv, rv);
  }

  // ---- calls ----------------------------------------------------------------------------------

  private call(n: Node, d: number): Value {
    const fnNode = n.childForFieldName("function");
    const argsNode = n.childForFieldName("arguments");
    const at = this.engine.loc(n);
    let recv: Value | undefined;
    let callee: Value = EMPTY;
    let method: string | undefined;
    let recvName: string | undefined;
    if (fnNode?.type === "attribute") {
      const objNode = fnNode.childForFieldName("object");
      recv = objNode ? this.evaluate(objNode, d + 1) : EMPTY;
      method = this.text(fnNode.childForFieldName("attribute") ?? fnNode);
      if (objNode?.type === "identifier") recvName = this.text(objNode);
      if (recv.qualifiedName) callee = { qualifiedName: `${recv.qualifiedName}.${method}` };
      else if (
        objNode?.type === "identifier" &&
        /^(self|cls)$/.test(this.text(objNode)) &&
        this.methods.has(method)
      ) {
        callee = { fn: this.methods.get(method) };
      }
    } else if (fnNode) callee = this.evaluate(fnNode, d + 1);

    const args: Value[] = [];
    const kw = new Map<string, Value>();
    for (const a of argsNode?.namedChildren ?? []) {
      if (!a || a.type === "comment") continue;
      if (a.type === "keyword_argument") {
        const name = a.childForFieldName("name");
        const value = a.childForFieldName("value");
        if (name) kw.set(this.text(name), value ? this.evaluate(value, d + 1) : EMPTY);
      } else args.push(this.evaluate(a, d + 1));
    }
    const c: Call = {
      node: n,
      at,
      args,
      keywords: kw,
      ...(recv ? { receiver: recv } : {}),
      ...(recvName ? { receiverName: recvName } : {}),
      ...(method ? { method } : {}),
    };

    if (callee.qualifiedName) {
      const h = PYTHON_CALLS.get(callee.qualifiedName);
      if (h) return h(this, c);
    }
    if (callee.fn) return this.callFn(callee.fn as PyFn, c);
    if (method && recv && !recv.qualifiedName) {
      const local = this.methods.get(method);
      const h = PYTHON_METHODS.get(method);
      if (h) return h(this, c);
      if (local) return this.callFn(local, c);
    }
    if (method && recv?.qualifiedName && method.startsWith("decode")) return withLabels(recv, labelsOf(args));
    return taint(recv, ...args, ...kw.values());
  }

  private callFn(fn: PyFn, c: Call): Value {
    const args = [...c.args];
    fn.params.forEach((p, i) => {
      const v = c.keywords.get(p);
      if (v && args[i] === undefined) args[i] = v;
    });
    return this.engine.callFunction(fn, c.at, args);
  }

  /** Replaces the value of the receiver variable of a method call (`s.connect(addr)` records the host). */
  updateReceiver(c: Call, f: (old: Value) => Value): void {
    if (!c.receiverName) return;
    this.scope.set(c.receiverName, f(this.scope.get(c.receiverName) ?? EMPTY));
  }

  /** A mutating method (`lst.append(x)`, `d.update(x)`, `zf.write(p)`) taints the receiver variable. */
  taintReceiver(c: Call, L: readonly Label[] | undefined): void {
    if (!L?.length || !c.receiverName) return;
    const old = this.scope.get(c.receiverName) ?? EMPTY;
    this.scope.set(c.receiverName, withLabels(old, L));
  }
}
