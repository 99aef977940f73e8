// Why one file of ~1,300 lines: the Python walk is one recursive evaluation in source order (a
// switch on node types sharing one scope, one set of function summaries and the taint engine);
// cutting it by node type would scatter a single evaluation order across files and thread the
// walk's state through every call. The call models it consults live apart (shell-command-models.ts, paths.ts).

import { decodeLiteral, type Encoding } from "../decode-literals.js";
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

// Python: one walk in source order; functions are summarised once, on their first call or at the end.

const MAX_DEPTH = 300;

interface Call {
  node: Node;
  at: Loc;
  receiver?: Value;
  args: Value[];
  keywords: Map<string, Value>;
  /** The receiver variable of a method call, so mutating methods (append, update, add) can taint it. */
  receiverName?: string;
  method?: string;
}

type Handler = (w: PythonWalker, c: Call) => Value;

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

export class PythonWalker {
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
    for (let i = 0; i < this.fns.length; i++) {
      const fn = this.fns[i];
      if (fn && fn.state === 0) {
        fn.state = 1;
        fn.summary = fn.run();
        fn.state = 2;
      }
    }
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
    const defScope = this.scope;
    const body = n.childForFieldName("body");
    const fn: PyFn = {
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
          if (body) this.block(body, 1);
        } finally {
          this.scope = saved;
        }
        return this.engine.leaveFunction();
      },
    };
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
    const defScope = this.scope;
    const body = n.childForFieldName("body");
    const fn: PyFn = {
      name: "lambda",
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
          if (body) this.engine.returns(this.evaluate(body, 1));
        } finally {
          this.scope = saved;
        }
        return this.engine.leaveFunction();
      },
    };
    this.fns.push(fn);
    return { fn };
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
      if (PY_CALLS.has(`${m}.${name}`) || `${m}.${name}` === "os.environ")
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
    for (const k of n.childrenForFieldName("subscript")) if (k) key = this.evaluate(k, d + 1);
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
      const h = PY_CALLS.get(callee.qualifiedName);
      if (h) return h(this, c);
    }
    if (callee.fn) return this.callFn(callee.fn as PyFn, c);
    if (method && recv && !recv.qualifiedName) {
      const local = this.methods.get(method);
      const h = PY_METHODS.get(method);
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

// ---- call table -------------------------------------------------------------------------------

const arg = (c: Call, i: number, name?: string): Value | undefined =>
  c.args[i] ?? (name ? c.keywords.get(name) : undefined);

function pathJoin(_w: PythonWalker, c: Call): Value {
  return joinPath(c.args.length ? c.args : [c.receiver ?? EMPTY]);
}

function openCall(w: PythonWalker, c: Call, path: Value | undefined, mode: string): Value {
  if (!path) return EMPTY;
  if (/[wax+]/.test(mode) && !/r\+/.test(mode)) {
    w.engine.write(c.at, path, undefined, "open() for writing");
    return { writeHandle: { path, loc: c.at } };
  }
  const L = w.engine.read(c.at, path, "open()");
  return { text: UNKNOWN, labels: unionLabels(path.labels, L) ?? [] };
}

function decodeCall(encoding: Encoding | "compressed", label: string = encoding): Handler {
  return (w, c) => {
    const input = c.args[0] ?? EMPTY;
    const text =
      encoding !== "compressed" && isKnown(input.text) ? decodeLiteral(input.text, encoding) : undefined;
    return w.engine.decoded(c.at, input, label, text);
  };
}

function httpCall(via: string, methodArg = false): Handler {
  return (w, c) => {
    const off = methodArg ? 1 : 0;
    const method = methodArg ? (c.args[0]?.text ?? c.keywords.get("method")?.text ?? "") : "";
    const url = arg(c, off, "url");
    const body = [
      c.keywords.get("data"),
      c.keywords.get("json"),
      c.keywords.get("files"),
      c.keywords.get("content"),
      c.keywords.get("body"),
      c.keywords.get("fields"),
    ];
    if (/post|put|patch/i.test(via) || /post|put|patch/i.test(method))
      body.push(c.args[off + 1], c.args[off + 2]);
    const other = [
      c.keywords.get("params"),
      c.keywords.get("headers"),
      c.keywords.get("cookies"),
      c.keywords.get("auth"),
    ];
    w.engine.send(c.at, { url, body: body.filter(Boolean), other }, via);
    return w.engine.fetched(c.at, url);
  };
}

function subprocessCall(via: string): Handler {
  return (w, c) => {
    const cmd = arg(c, 0, "args");
    if (!cmd) return EMPTY;
    const stdin = c.keywords.get("input");
    const shell = c.keywords.get("shell")?.text === "True";
    if (shell)
      return w.engine.exec(
        c.at,
        cmd.list ? concat(cmd.list, " ") : cmd,
        "shell",
        "shell",
        `${via}(shell=True)`,
        stdin,
      );
    if (cmd.list) return runCommand(w.engine, c.at, cmd.list, stdin);
    if (cmd.text !== undefined && cmd.text !== UNKNOWN) return runCommand(w.engine, c.at, [cmd], stdin);
    w.engine.exec(c.at, cmd, "shell", undefined, via);
    return EMPTY;
  };
}

function shellCall(via: string): Handler {
  return (w, c) => w.engine.exec(c.at, arg(c, 0, "cmd") ?? EMPTY, "shell", "shell", via);
}

function execArgv(w: PythonWalker, c: Call): Value {
  const list = c.args[1]?.list;
  return runCommand(w.engine, c.at, list?.length ? list : c.args.slice(0, 1));
}

function envGet(w: PythonWalker, c: Call): Value {
  return w.engine.envVar(c.at, arg(c, 0, "key")?.text, arg(c, 1, "default"));
}

function copyCall(w: PythonWalker, c: Call): Value {
  const src = arg(c, 0, "src") ?? EMPTY;
  const dst = arg(c, 1, "dst") ?? EMPTY;
  const L = w.engine.read(c.at, src, "a file copy");
  w.engine.write(c.at, dst, { text: UNKNOWN, labels: unionLabels(src.labels, L) ?? [] }, "a file copy");
  return { text: dst.text ?? UNKNOWN, labels: unionLabels(src.labels, L) ?? [] };
}

const keep: Handler = (_w, c) => c.args[0] ?? EMPTY;
const propagate: Handler = (_w, c) => taint(c.receiver, ...c.args, ...c.keywords.values());
const serialise: Handler = (w, c) => {
  for (const a of c.args) w.engine.serialise(c.at, a);
  return taint(...c.args);
};
const nothing: Handler = () => EMPTY;

const PY_CALLS = new Map<string, Handler>();
const def = (names: string[], h: Handler) => {
  for (const n of names) PY_CALLS.set(n, h);
};

// files and paths
def(["open", "io.open", "codecs.open", "builtins.open"], (w, c) =>
  openCall(w, c, arg(c, 0, "file"), arg(c, 1, "mode")?.text ?? "r"),
);
def(["os.open"], (w, c) =>
  openCall(w, c, c.args[0], /O_WRONLY|O_RDWR|O_APPEND|O_CREAT/.test(c.args[1]?.text ?? "") ? "w" : "r"),
);
def(
  [
    "os.path.join",
    "posixpath.join",
    "ntpath.join",
    "pathlib.Path",
    "pathlib.PurePath",
    "pathlib.PosixPath",
    "pathlib.WindowsPath",
    "os.path.expanduser",
    "os.path.expandvars",
    "os.path.abspath",
    "os.path.realpath",
    "os.path.normpath",
    "os.fspath",
    "str",
    "os.path.relpath",
  ],
  pathJoin,
);
def(["os.path.dirname"], (_w, c) => dirname(c.args[0] ?? EMPTY));
def(["os.path.basename"], (_w, c) => taint(c.args[0]));
def(["pathlib.Path.home"], () => ({ text: "~" }));
def(["pathlib.Path.cwd", "os.getcwd"], () => ({ text: "." }));
def(
  [
    "os.path.exists",
    "os.path.isfile",
    "os.path.isdir",
    "os.path.getsize",
    "os.stat",
    "os.access",
    "os.path.islink",
    "os.makedirs",
    "os.mkdir",
    "os.chmod",
    "print",
    "len",
  ],
  nothing,
);
def(["glob.glob", "glob.iglob"], (_w, c) => c.args[0] ?? EMPTY);
def(["os.listdir", "os.scandir"], (_w, c) => concat([c.args[0] ?? { text: "." }, lit("/*")]));
def(["os.walk"], (_w, c) => concat([c.args[0] ?? { text: "." }, lit("/**")]));
def(
  [
    "shutil.copy",
    "shutil.copy2",
    "shutil.copyfile",
    "shutil.copytree",
    "shutil.move",
    "os.rename",
    "os.replace",
  ],
  copyCall,
);
def(["os.symlink", "os.link"], (w, c) => {
  w.engine.write(c.at, c.args[1] ?? EMPTY, c.args[0], "a link");
  return EMPTY;
});
def(["shutil.make_archive"], (w, c) => {
  const root = arg(c, 2, "root_dir") ?? EMPTY;
  return { text: UNKNOWN, labels: unionLabels(root.labels, w.engine.read(c.at, root, "an archive")) ?? [] };
});
def(["tarfile.open", "zipfile.ZipFile", "tarfile.TarFile"], () => ({ qualifiedName: "archive" }));
def(["archive.add", "archive.write", "archive.addfile"], (w, c) => {
  const L = w.engine.read(c.at, c.args[0] ?? EMPTY, "an archive");
  w.taintReceiver(c, unionLabels(L, labelsOf(c.args)));
  return EMPTY;
});
def(["archive.writestr"], (w, c) => {
  w.taintReceiver(c, labelsOf(c.args));
  return EMPTY;
});
def(["sqlite3.connect"], (w, c) => {
  const p = c.args[0] ?? EMPTY;
  return { text: UNKNOWN, labels: unionLabels(p.labels, w.engine.read(c.at, p, "sqlite3")) ?? [] };
});
def(["urllib.request.urlretrieve", "urllib.urlretrieve", "wget.download"], (w, c) => {
  const url = c.args[0];
  const out = arg(c, 1, "filename") ?? arg(c, 1, "out");
  if (out) w.engine.download(c.at, out, url);
  else w.engine.fetched(c.at, url);
  return out ?? EMPTY;
});

// environment
def(["os.environ.get", "os.getenv", "os.environ.setdefault", "os.environb.get"], envGet);
def(
  ["os.environ.copy", "os.environ.items", "os.environ.values", "dict", "list", "tuple", "sorted", "vars"],
  propagate,
);
def(["keyring.get_password", "keyring.get_credential"], (w, c) =>
  w.engine.namedSecret(c.at, c.args[0]?.text ?? "keyring"),
);
for (const m of ["chrome", "firefox", "edge", "brave", "opera", "chromium", "safari", "load", "vivaldi"])
  def([`browser_cookie3.${m}`], (w, c) => ({
    text: UNKNOWN,
    labels: [w.engine.secretSource(c.at, "your browser cookies (logged-in sessions)")],
  }));
def(["pycookiecheat.chrome_cookies", "pycookiecheat.firefox_cookies"], (w, c) => ({
  text: UNKNOWN,
  labels: [w.engine.secretSource(c.at, "your browser cookies (logged-in sessions)")],
}));
def(["win32crypt.CryptUnprotectData"], (w, c) => ({
  text: UNKNOWN,
  labels: [w.engine.secretSource(c.at, "passwords decrypted with your Windows login")],
}));

// decoding and encoding
def(
  [
    "base64.b64decode",
    "base64.standard_b64decode",
    "base64.urlsafe_b64decode",
    "base64.decodebytes",
    "base64.decodestring",
    "binascii.a2b_base64",
  ],
  decodeCall("base64"),
);
def(
  ["base64.b16decode", "binascii.unhexlify", "binascii.a2b_hex", "bytes.fromhex", "bytearray.fromhex"],
  decodeCall("hex"),
);
def(["base64.b32decode", "base64.b85decode", "base64.a85decode"], decodeCall("compressed", "base32/base85"));
def(
  ["zlib.decompress", "gzip.decompress", "bz2.decompress", "lzma.decompress", "marshal.loads"],
  decodeCall("compressed", "compressed data"),
);
def(["codecs.decode"], (w, c) => {
  const enc = (c.args[1]?.text ?? c.keywords.get("encoding")?.text ?? "").toLowerCase();
  if (/base64|hex|rot|zlib|bz2|uu/.test(enc)) {
    const input = c.args[0] ?? EMPTY;
    const kind: Encoding | undefined = /base64/.test(enc) ? "base64" : /hex/.test(enc) ? "hex" : undefined;
    const text = kind && isKnown(input.text) ? decodeLiteral(input.text, kind) : undefined;
    return w.engine.decoded(c.at, input, enc, text);
  }
  return taint(...c.args);
});
def(["urllib.parse.unquote", "urllib.parse.unquote_plus"], (w, c) => {
  const input = c.args[0] ?? EMPTY;
  if (!/%[0-9a-f]{2}.*%[0-9a-f]{2}.*%[0-9a-f]{2}/i.test(input.text ?? "")) return input;
  return w.engine.decoded(
    c.at,
    input,
    "URL escapes",
    isKnown(input.text) ? decodeLiteral(input.text, "url") : undefined,
  );
});
def(["chr"], (_w, c) => {
  const n = Number(c.args[0]?.text);
  return Number.isInteger(n) && n >= 0 && n <= 0x10ffff ? lit(String.fromCodePoint(n)) : taint(...c.args);
});
def(["compile"], keep);
def(
  ["json.dumps", "json.dump", "repr", "pickle.dumps", "marshal.dumps", "yaml.dump", "yaml.safe_dump"],
  serialise,
);
def(
  [
    "json.loads",
    "json.load",
    "base64.b64encode",
    "base64.urlsafe_b64encode",
    "base64.encodebytes",
    "bytes",
    "bytearray",
    "urllib.parse.urlencode",
    "urllib.parse.quote",
    "urllib.parse.quote_plus",
    "binascii.hexlify",
    "zlib.compress",
    "gzip.compress",
    "format",
  ],
  propagate,
);
def(["__import__", "importlib.import_module"], (_w, c) =>
  isKnown(c.args[0]?.text) ? { qualifiedName: c.args[0].text } : EMPTY,
);
def(["getattr"], (_w, c) => {
  const obj = c.args[0];
  const name = c.args[1]?.text;
  if (obj?.qualifiedName && isKnown(name)) return { qualifiedName: `${obj.qualifiedName}.${name}` };
  return taint(obj);
});

// execution
def(["exec", "eval", "execfile", "builtins.exec", "builtins.eval"], (w, c) => {
  w.engine.exec(c.at, c.args[0] ?? EMPTY, "code", "python", "exec()/eval()");
  return EMPTY;
});
def(["pickle.loads", "pickle.load", "dill.loads", "cloudpickle.loads", "marshal.load"], (w, c) => {
  const input = c.args[0] ?? EMPTY;
  w.engine.exec(c.at, ownSaveFile(w.src, input), "deser", undefined, "pickle.loads (unpickling runs code)");
  return taint(...c.args);
});

/**
 * `pickle.loads(zlib.decompress(savefile.read()))` in a script that itself writes
 * `zlib.compress(pickle.dumps(state))` reads back its own save file: the decompression hides nothing
 * (the data is not in the skill and comes from no server). Only that exact round trip counts — a
 * literal or downloaded blob, or data with any other label, keeps the decoded label.
 */
function ownSaveFile(src: string, input: Value): Value {
  const L = input.labels ?? [];
  // A parameter (the save path passed in) is fine; a secret, a download or an env dump is not.
  const decoded = L.filter((l) => l.kind === "decoded");
  if (
    isKnown(input.text) ||
    decoded.length === 0 ||
    L.some((l) => l.kind !== "decoded" && l.kind !== "param")
  )
    return input;
  if (!/\b(?:pickle|dill|cloudpickle)\.dumps?\(/.test(src) || !/["']wb["']/.test(src)) return input;
  // Each decompression reads a file handle (`f.read()`), never a literal or a named blob.
  const reads = decoded.every((l) =>
    /^\w+\.decompress\(\s*[A-Za-z_]\w*\.read\(\)\s*\)/.test(src.slice(l.loc.offset, l.loc.offset + 120)),
  );
  if (!reads) return input;
  const codecs = [...src.matchAll(/\b(zlib|gzip|bz2|lzma)\.decompress\(/g)].map((m) => m[1]);
  if (!codecs.every((c) => src.includes(`${c}.compress(`))) return input;
  const rest = L.filter((l) => l.kind !== "decoded");
  return { ...input, labels: rest };
}
def(
  [
    "os.system",
    "os.popen",
    "os.popen2",
    "os.popen3",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
    "commands.getoutput",
    "commands.getstatusoutput",
    "asyncio.create_subprocess_shell",
    "platform.popen",
  ],
  (w, c) => {
    const q = c.method ?? "os.system";
    return shellCall(q)(w, c);
  },
);
for (const f of ["run", "call", "check_call", "check_output", "Popen"])
  def([`subprocess.${f}`], subprocessCall(`subprocess.${f}`));
def(["asyncio.create_subprocess_exec"], (w, c) => runCommand(w.engine, c.at, c.args));
def(
  [
    "os.execv",
    "os.execve",
    "os.execvp",
    "os.execvpe",
    "os.spawnv",
    "os.spawnve",
    "os.spawnvp",
    "os.posix_spawn",
    "os.posix_spawnp",
  ],
  execArgv,
);
def(["os.execl", "os.execle", "os.execlp", "os.execlpe", "os.spawnl", "os.spawnlp"], (w, c) =>
  runCommand(w.engine, c.at, c.args.slice(1).length ? c.args.slice(1) : c.args),
);
def(["pty.spawn"], (w, c) => {
  const a = c.args[0] ?? EMPTY;
  return a.list ? runCommand(w.engine, c.at, a.list) : runCommand(w.engine, c.at, [a]);
});
def(["os.startfile"], (w, c) => runCommand(w.engine, c.at, c.args.slice(0, 1)));

// network
for (const lib of ["requests", "httpx", "aiohttp", "urllib3", "niquests"]) {
  for (const m of ["get", "head", "options", "delete", "post", "put", "patch"])
    def([`${lib}.${m}`], httpCall(`${lib}.${m}`));
  def([`${lib}.request`], httpCall(`${lib}.request`, true));
}
def(["requests.Session", "requests.session", "requests.sessions.Session"], () => ({
  qualifiedName: "requests",
}));
def(["httpx.Client", "httpx.AsyncClient"], () => ({ qualifiedName: "httpx" }));
def(["aiohttp.ClientSession"], () => ({ qualifiedName: "aiohttp" }));
def(["urllib3.PoolManager"], () => ({ qualifiedName: "urllib3" }));
def(["urllib.request.Request", "urllib2.Request"], (_w, c) => {
  const props = new Map<string, Value>();
  const url = arg(c, 0, "url");
  const data = arg(c, 1, "data");
  if (url) props.set("url", url);
  if (data) props.set("data", data);
  const headers = arg(c, 2, "headers");
  if (headers) props.set("headers", headers);
  return {
    qualifiedName: "urllib.request.Request#",
    props,
    ...(labelsOf([url, data, headers]) ? { labels: labelsOf([url, data, headers]) } : {}),
  };
});
def(["urllib.request.Request#.add_header"], (w, c) => {
  w.taintReceiver(c, labelsOf(c.args));
  return EMPTY;
});
def(
  ["urllib.request.urlopen", "urllib2.urlopen", "urllib.urlopen", "urllib.request.OpenerDirector.open"],
  (w, c) => {
    const target = arg(c, 0, "url") ?? EMPTY;
    const url = target.props?.get("url") ?? target;
    const body = [target.props?.get("data"), arg(c, 1, "data")];
    const other = [target.props?.get("headers"), target.props ? { labels: target.labels } : undefined];
    w.engine.send(c.at, { url, body: body.filter(Boolean), other }, "urllib.request.urlopen");
    return w.engine.fetched(c.at, url);
  },
);
def(
  [
    "http.client.HTTPConnection",
    "http.client.HTTPSConnection",
    "httplib.HTTPConnection",
    "httplib.HTTPSConnection",
  ],
  (_w, c) => {
    const host = arg(c, 0, "host") ?? EMPTY;
    return { qualifiedName: "http.client.conn", props: new Map([["host", host]]) };
  },
);
def(["http.client.conn.request"], (w, c) => {
  const host = c.receiver?.props?.get("host") ?? { text: UNKNOWN };
  const url = concat([lit("https://"), host, arg(c, 1, "url") ?? lit("/")]);
  w.engine.send(c.at, { url, body: [arg(c, 2, "body")], other: [arg(c, 3, "headers")] }, "http.client");
  return EMPTY;
});
def(["http.client.conn.getresponse"], (w, c) => w.engine.fetched(c.at, undefined));
def(
  ["socket.socket", "socket.create_connection", "ssl.wrap_socket", "ssl.SSLContext.wrap_socket"],
  (w, c) => {
    w.engine.caps.add("network");
    const addr = c.args[0];
    const host = addr?.list?.[0];
    return { qualifiedName: "socket.sock", ...(host ? { props: new Map([["host", host]]) } : {}) };
  },
);
def(["socket.sock.connect"], (w, c) => {
  // s.connect((host, port)): remember the host for the sends that follow.
  const host = c.args[0]?.list?.[0];
  if (host)
    w.updateReceiver(c, (old) => ({ ...old, props: new Map([...(old.props ?? []), ["host", host]]) }));
  return EMPTY;
});
def(["socket.sock.send", "socket.sock.sendall", "socket.sock.sendto", "socket.sock.write"], (w, c) => {
  const host = c.receiver?.props?.get("host");
  w.engine.send(
    c.at,
    { url: host ? concat([lit("tcp://"), host, lit("/")]) : undefined, body: [c.args[0]] },
    "a network socket",
  );
  return EMPTY;
});
def(["socket.sock.recv", "socket.sock.recvfrom", "socket.sock.makefile", "socket.sock.read"], (w, c) =>
  w.engine.fetched(c.at, undefined),
);
def(
  [
    "socket.gethostbyname",
    "socket.getaddrinfo",
    "socket.gethostbyname_ex",
    "dns.resolver.resolve",
    "dns.resolver.query",
  ],
  (w, c) => {
    if (labelsOf(c.args)?.length) w.engine.send(c.at, { other: c.args }, "a DNS lookup");
    return EMPTY;
  },
);
def(["smtplib.SMTP", "smtplib.SMTP_SSL"], () => ({ qualifiedName: "smtplib.SMTP" }));
def(["smtplib.SMTP.sendmail", "smtplib.SMTP.send_message"], (w, c) => {
  w.engine.send(c.at, { body: c.args }, "email (smtplib)");
  return EMPTY;
});
def(["ftplib.FTP", "ftplib.FTP_TLS"], () => ({ qualifiedName: "ftplib.FTP" }));
def(["ftplib.FTP.storbinary", "ftplib.FTP.storlines"], (w, c) => {
  w.engine.send(c.at, { body: c.args.slice(1) }, "FTP upload");
  return EMPTY;
});
def(["websocket.create_connection", "websockets.connect", "websockets.client.connect"], () => ({
  qualifiedName: "websocket.conn",
}));
def(["websocket.conn.send"], (w, c) => {
  w.engine.send(c.at, { body: c.args }, "a websocket");
  return EMPTY;
});
def(["websocket.conn.recv"], (w, c) => w.engine.fetched(c.at, undefined));

// persistence libraries
def(["crontab.CronTab"], () => ({ qualifiedName: "crontab.CronTab" }));
def(["crontab.CronTab.new"], (w, c) => {
  w.engine.persist(c.at, "scheduled jobs (cron)", arg(c, 0, "command"));
  return EMPTY;
});

// ---- methods on values whose type is not known statically ---------------------------------------

const PY_METHODS = new Map<string, Handler>();
const meth = (names: string[], h: Handler) => {
  for (const n of names) PY_METHODS.set(n, h);
};
meth(["read_text", "read_bytes"], (w, c) => {
  const p = c.receiver ?? EMPTY;
  return { text: UNKNOWN, labels: unionLabels(p.labels, w.engine.read(c.at, p, `.${c.method}()`)) ?? [] };
});
meth(["open"], (w, c) => openCall(w, c, c.receiver, arg(c, 0, "mode")?.text ?? "r"));
meth(["write_text", "write_bytes"], (w, c) => {
  w.engine.write(c.at, c.receiver ?? EMPTY, c.args[0], `.${c.method}()`);
  return EMPTY;
});
meth(["write", "writelines"], (w, c) => {
  const h = c.receiver?.writeHandle;
  if (h) w.engine.write(c.at, h.path, c.args[0], "write()", true);
  else w.taintReceiver(c, labelsOf(c.args));
  return EMPTY;
});
meth(["glob", "rglob"], (_w, c) => {
  const base = c.receiver ?? EMPTY;
  return concat([base, lit(c.method === "rglob" ? "/**/" : "/"), c.args[0] ?? { text: "*" }]);
});
meth(["iterdir"], (_w, c) => concat([c.receiver ?? EMPTY, lit("/*")]));
meth(["joinpath"], (_w, c) => joinPath([c.receiver ?? EMPTY, ...c.args]));
meth(
  [
    "expanduser",
    "resolve",
    "absolute",
    "as_posix",
    "strip",
    "rstrip",
    "lstrip",
    "lower",
    "upper",
    "encode",
    "casefold",
    "expandvars",
  ],
  (_w, c) => withLabels(c.receiver ?? EMPTY, labelsOf(c.args)),
);
meth(["decode"], (w, c) => {
  const enc = (c.args[0]?.text ?? "").toLowerCase();
  const recv = c.receiver ?? EMPTY;
  if (enc === "base64" || enc === "hex") {
    const text = isKnown(recv.text) ? decodeLiteral(recv.text, enc) : undefined;
    return w.engine.decoded(c.at, recv, enc, text);
  }
  return recv;
});
meth(["format"], (_w, c) => {
  const recv = c.receiver ?? EMPTY;
  if (recv.text === undefined) return taint(recv, ...c.args, ...c.keywords.values());
  let k = 0;
  const s = recv.text.replace(/\{([^{}]*)\}/g, (_m, name: string) => {
    const key = name.split(/[!:]/)[0] ?? "";
    const v = key && !/^\d+$/.test(key) ? c.keywords.get(key) : c.args[key ? Number(key) : k++];
    return v?.text ?? UNKNOWN;
  });
  const L = labelsOf([recv, ...c.args, ...c.keywords.values()]);
  return { text: s, ...(L ? { labels: L } : {}) };
});
meth(["join"], (_w, c) => {
  const sep = c.receiver?.text ?? "";
  const items = c.args[0];
  if (items?.list) return concat(items.list, isKnown(sep) ? sep : "");
  return taint(c.receiver, items);
});
meth(
  [
    "replace",
    "split",
    "splitlines",
    "readlines",
    "readline",
    "read",
    "json",
    "items",
    "values",
    "keys",
    "copy",
    "fetchall",
    "fetchone",
    "execute",
    "getvalue",
    "text",
    "content",
    "iter_content",
    "to_dict",
  ],
  propagate,
);
meth(["get"], (w, c) => {
  const recv = c.receiver ?? EMPTY;
  const key = c.args[0]?.text;
  if (recv.props && isKnown(key) && recv.props.has(key)) return recv.props.get(key) ?? EMPTY;
  if (recv.labels && isKnown(key)) return taint({ labels: w.engine.fieldOf(recv.labels, key) }, c.args[1]);
  return taint(recv, c.args[1]);
});
meth(["append", "appendleft"], (w, c) => {
  const item = c.args[0];
  if (item && c.args.length === 1 && !c.keywords.size)
    w.updateReceiver(c, (old) => appended(old, [item], c.method === "appendleft"));
  else w.taintReceiver(c, labelsOf([...c.args, ...c.keywords.values()]));
  return EMPTY;
});
meth(["extend", "update", "add", "insert", "setdefault", "put"], (w, c) => {
  w.taintReceiver(c, labelsOf([...c.args, ...c.keywords.values()]));
  return EMPTY;
});
