// Why one file of ~700 lines: the PowerShell walk and its cmdlet and .NET method tables
// (PS_COMMANDS, PS_METHODS) read each other's helpers (parameters by name, aliases); the tables
// are two thirds of the file and each entry is a few independent lines.

import { decodeLiteral } from "../decode-literals.js";
import { UNKNOWN } from "../paths.js";
import { Scope } from "../scope.js";
import { runCommand } from "../shell-command-models.js";
import type { SNode as Node } from "../syntax.js";
import type { Engine } from "../taint-engine.js";
import {
  concat,
  EMPTY,
  type FnInfo,
  isKnown,
  joinPath,
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

// PowerShell: cmdlets with named parameters, .NET static calls ([Convert]::FromBase64String),
// WebClient objects and pipelines into Invoke-Expression. Names are case-insensitive.

const MAX_DEPTH = 400;

const ALIASES: Record<string, string> = {
  iex: "invoke-expression",
  iwr: "invoke-webrequest",
  irm: "invoke-restmethod",
  gc: "get-content",
  cat: "get-content",
  type: "get-content",
  sc: "set-content",
  ac: "add-content",
  gci: "get-childitem",
  ls: "get-childitem",
  dir: "get-childitem",
  cp: "copy-item",
  copy: "copy-item",
  cpi: "copy-item",
  mv: "move-item",
  move: "move-item",
  saps: "start-process",
  start: "start-process",
  echo: "write-output",
  write: "write-output",
  sp: "set-itemproperty",
  gi: "get-item",
};

/** Parameters that take a value (the others are switches). */
const VALUE_PARAMS = new Set(
  [
    "uri",
    "method",
    "body",
    "infile",
    "outfile",
    "headers",
    "path",
    "literalpath",
    "filepath",
    "argumentlist",
    "value",
    "destination",
    "command",
    "encodedcommand",
    "scriptblock",
    "name",
    "action",
    "execute",
    "argument",
    "typename",
    "source",
    "inputobject",
    "contenttype",
    "encoding",
    "propertytype",
    "type",
    "taskname",
    "trigger",
    "userAgent",
    "credential",
    "proxy",
    "timeoutsec",
    "erroraction",
    "windowstyle",
    "workingdirectory",
    "destinationpath",
  ].map((s) => s.toLowerCase()),
);

interface Cmd {
  name: string;
  params: Map<string, Value>;
  positional: Value[];
  argv: Value[];
  at: Loc;
  stdin?: Value;
}

type Handler = (w: PsWalker, c: Cmd) => Value;
type MethodHandler = (w: PsWalker, at: Loc, recv: Value, args: Value[]) => Value;

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
    for (const fn of this.fns.values()) {
      if (fn.state === 0) {
        fn.state = 1;
        fn.summary = fn.run();
        fn.state = 2;
      }
    }
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
    const h = q ? PS_METHODS.get(q) : undefined;
    if (h) return h(this, at, recv, args);
    const byName = PS_MEMBER.get(member);
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
    const h = PS_COMMANDS.get(cmd.name);
    if (h && !(lower === "curl" || lower === "wget")) return h(this, cmd);
    if (
      (lower === "curl" || lower === "wget") &&
      [...cmd.params.keys()].some((k) => /^(uri|body|method|infile|outfile)$/.test(k))
    )
      return PS_COMMANDS.get("invoke-webrequest")?.(this, cmd) ?? EMPTY;
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

// ---- commands -----------------------------------------------------------------------------------

const PS_COMMANDS = new Map<string, Handler>();
const cmd = (names: string[], h: Handler) => {
  for (const n of names) PS_COMMANDS.set(n, h);
};
const p = (c: Cmd, ...names: string[]): Value | undefined => {
  for (const n of names) {
    const v = c.params.get(n);
    if (v) return v;
  }
  return undefined;
};

cmd(["invoke-expression"], (w, c) => {
  const code = p(c, "command") ?? c.positional[0] ?? c.stdin ?? EMPTY;
  return w.engine.exec(c.at, code, "code", "powershell", "Invoke-Expression");
});
cmd(["invoke-webrequest", "invoke-restmethod"], (w, c) => {
  const url = p(c, "uri") ?? c.positional[0];
  const method = p(c, "method")?.text ?? "";
  const body: Value[] = [];
  const b = p(c, "body");
  if (b) body.push(b);
  const infile = p(c, "infile");
  if (infile) body.push({ labels: w.engine.read(c.at, infile, "-InFile") });
  if (/post|put|patch/i.test(method) && !body.length && c.stdin) body.push(c.stdin);
  w.engine.send(
    c.at,
    { url, body, other: [p(c, "headers")] },
    c.name === "invoke-restmethod" ? "Invoke-RestMethod" : "Invoke-WebRequest",
  );
  const out = p(c, "outfile");
  if (out) {
    w.engine.download(c.at, out, url);
    return EMPTY;
  }
  return w.engine.fetched(c.at, url);
});
cmd(["start-bitstransfer"], (w, c) => {
  const dest = p(c, "destination") ?? c.positional[1];
  if (dest) w.engine.download(c.at, dest, p(c, "source") ?? c.positional[0]);
  return EMPTY;
});
cmd(["get-content", "import-clixml"], (w, c) => {
  const path = p(c, "path", "literalpath") ?? c.positional[0] ?? EMPTY;
  return { text: UNKNOWN, labels: unionLabels(path.labels, w.engine.read(c.at, path, "Get-Content")) ?? [] };
});
cmd(["set-content", "add-content", "out-file"], (w, c) => {
  const path = p(c, "path", "literalpath", "filepath") ?? c.positional[0] ?? EMPTY;
  const content = p(c, "value", "inputobject") ?? c.positional[1] ?? c.stdin;
  w.engine.write(c.at, path, content, c.name);
  return EMPTY;
});
cmd(["copy-item", "move-item"], (w, c) => {
  const src = p(c, "path", "literalpath") ?? c.positional[0] ?? EMPTY;
  const dst = p(c, "destination") ?? c.positional[1] ?? EMPTY;
  const L = w.engine.read(c.at, src, c.name);
  w.engine.write(c.at, dst, { text: UNKNOWN, labels: unionLabels(src.labels, L) ?? [] }, c.name);
  return EMPTY;
});
cmd(["compress-archive"], (w, c) => {
  const src = p(c, "path", "literalpath") ?? c.positional[0] ?? EMPTY;
  return {
    text: UNKNOWN,
    labels: unionLabels(src.labels, w.engine.read(c.at, src, "Compress-Archive")) ?? [],
  };
});
cmd(["get-childitem", "get-item"], (w, c) => {
  const path = p(c, "path", "literalpath") ?? c.positional[0] ?? EMPTY;
  const s = path.text ?? "";
  if (/^env:\\?$/i.test(s)) return w.engine.envDump(c.at);
  if (/^env:/i.test(s)) return w.engine.envVar(c.at, s.replace(/^env:\\?/i, ""));
  return concat([path, lit("/*")]);
});
cmd(["new-object"], (_w, c) => {
  const type = (p(c, "typename") ?? c.positional[0])?.text?.toLowerCase().replace(/^system\./, "") ?? "";
  const args = p(c, "argumentlist") ?? c.positional[1];
  if (type === "net.webclient") return { qualifiedName: "net.webclient" };
  if (type === "net.sockets.tcpclient") {
    const host = args?.list?.[0] ?? args;
    return {
      qualifiedName: "net.sockets.tcpclient",
      props: new Map([["url", host ? concat([lit("tcp://"), host, lit("/")]) : EMPTY]]),
    };
  }
  return taint(args);
});
cmd(["start-process"], (w, c) => {
  const file = p(c, "filepath") ?? c.positional[0] ?? EMPTY;
  const args = p(c, "argumentlist") ?? c.positional[1];
  return runCommand(w.engine, c.at, [file, ...(args?.list ?? (args ? [args] : []))]);
});
cmd(["register-scheduledtask", "new-scheduledtaskaction", "new-service", "register-scheduledjob"], (w, c) => {
  w.engine.persist(c.at, "a Windows scheduled task or service", concat(c.argv, " "));
  return EMPTY;
});
cmd(["set-itemproperty", "new-itemproperty", "new-item"], (w, c) => {
  const path = p(c, "path", "literalpath") ?? c.positional[0] ?? EMPTY;
  const value = p(c, "value") ?? c.positional[2] ?? c.positional[1];
  const key = (path.text ?? "").replace(/^hkcu:|^hklm:|^registry::/i, "");
  if (/currentversion\\+run/i.test(key)) w.engine.persist(c.at, "the Windows Run registry key", value);
  else if (c.name === "new-item" && value) w.engine.write(c.at, path, value, "New-Item");
  return EMPTY;
});
cmd(["write-output", "write-host"], (_w, c) => concat(c.positional, " "));
cmd(["convertto-json", "export-clixml"], (w, c) => {
  const v = p(c, "inputobject") ?? c.positional[0] ?? c.stdin ?? EMPTY;
  w.engine.serialise(c.at, v);
  return taint(v);
});
cmd(
  [
    "convertfrom-json",
    "out-string",
    "select-object",
    "where-object",
    "foreach-object",
    "sort-object",
    "format-table",
    "format-list",
  ],
  (_w, c) => taint(c.stdin, ...c.positional),
);

// ---- .NET calls and members -----------------------------------------------------------------------

const PS_METHODS = new Map<string, MethodHandler>();
const PS_MEMBER = new Map<string, MethodHandler>();
const m = (names: string[], h: MethodHandler) => {
  for (const n of names) PS_METHODS.set(n, h);
};
const member = (names: string[], h: MethodHandler) => {
  for (const n of names) PS_MEMBER.set(n, h);
};

m(["convert::frombase64string"], (w, at, _r, args) => {
  const input = args[0] ?? EMPTY;
  const text = isKnown(input.text)
    ? (decodeLiteral(input.text, "base64") ?? decodeLiteral(input.text, "base64-utf16le"))
    : undefined;
  return w.engine.decoded(at, input, "base64", text);
});
m(["convert::tobase64string"], (_w, _at, _r, args) => taint(...args));
for (const enc of ["utf8", "unicode", "ascii", "default", "utf32", "bigendianunicode"])
  m(
    [`text.encoding::${enc}.getstring`, `text.encoding::${enc}.getbytes`],
    (_w, _at, _r, args) => args[0] ?? EMPTY,
  );
m(
  [
    "io.file::readalltext",
    "io.file::readallbytes",
    "io.file::readalllines",
    "io.file::openread",
    "io.file::opentext",
  ],
  (w, at, _r, args) => {
    const path = args[0] ?? EMPTY;
    return {
      text: UNKNOWN,
      labels: unionLabels(path.labels, w.engine.read(at, path, "[IO.File]::Read")) ?? [],
    };
  },
);
m(
  [
    "io.file::writealltext",
    "io.file::appendalltext",
    "io.file::writeallbytes",
    "io.file::writealllines",
    "io.file::appendalllines",
  ],
  (w, at, _r, args) => {
    w.engine.write(at, args[0] ?? EMPTY, args[1], "[IO.File]::Write");
    return EMPTY;
  },
);
m(["io.file::copy", "io.file::move"], (w, at, _r, args) => {
  const L = w.engine.read(at, args[0] ?? EMPTY, "[IO.File]::Copy");
  w.engine.write(
    at,
    args[1] ?? EMPTY,
    { text: UNKNOWN, labels: unionLabels(args[0]?.labels, L) ?? [] },
    "[IO.File]::Copy",
  );
  return EMPTY;
});
m(["io.path::combine"], (_w, _at, _r, args) => joinPath(args));
m(["environment::getenvironmentvariables"], (w, at) => w.engine.envDump(at));
m(["environment::getenvironmentvariable"], (w, at, _r, args) => w.engine.envVar(at, args[0]?.text));
m(["environment::getfolderpath"], (_w, _at, _r, args) => {
  const f = (args[0]?.text ?? "").toLowerCase();
  if (/userprofile/.test(f)) return { text: "~" };
  if (/localapplicationdata/.test(f)) return { text: "~/AppData/Local" };
  if (/applicationdata/.test(f)) return { text: "~/AppData/Roaming" };
  if (/startup/.test(f)) return { text: "~/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Startup" };
  return { text: UNKNOWN };
});
m(["scriptblock::create"], (w, at, _r, args) => {
  w.engine.exec(at, args[0] ?? EMPTY, "code", "powershell", "[ScriptBlock]::Create");
  return EMPTY;
});
m(["reflection.assembly::load"], (w, at, _r, args) => {
  w.engine.exec(at, args[0] ?? EMPTY, "deser", undefined, "[Reflection.Assembly]::Load");
  return EMPTY;
});
m(["net.dns::gethostaddresses", "net.dns::resolve", "net.dns::gethostentry"], (w, at, _r, args) => {
  if (labelsOf(args)?.length) w.engine.send(at, { other: args }, "a DNS lookup");
  return EMPTY;
});
m(["net.webclient::new"], () => ({ qualifiedName: "net.webclient" }));
m(
  ["net.webclient.downloadstring", "net.webclient.downloaddata", "net.webclient.openread"],
  (w, at, _r, args) => w.engine.fetched(at, args[0]),
);
m(["net.webclient.downloadfile"], (w, at, _r, args) => {
  if (args[1]) w.engine.download(at, args[1], args[0]);
  return EMPTY;
});
m(
  ["net.webclient.uploadstring", "net.webclient.uploaddata", "net.webclient.uploadvalues"],
  (w, at, _r, args) => {
    w.engine.send(at, { url: args[0], body: args.slice(1) }, "WebClient.Upload");
    return w.engine.fetched(at, args[0]);
  },
);
m(["net.webclient.uploadfile"], (w, at, _r, args) => {
  const file = args[args.length - 1] ?? EMPTY;
  w.engine.send(
    at,
    { url: args[0], body: [{ labels: w.engine.read(at, file, "WebClient.UploadFile") }] },
    "WebClient.UploadFile",
  );
  return EMPTY;
});
m(["net.sockets.tcpclient.getstream"], (_w, _at, r) => r);
member(["write"], (w, at, r, args) => {
  if (r.qualifiedName === "net.sockets.tcpclient")
    w.engine.send(at, { url: r.props?.get("url"), body: args }, "a TCP socket");
  return EMPTY;
});
member(["invoke"], (w, at, r, args) => {
  if (r.labels?.length) w.engine.exec(at, r, "code", undefined, ".Invoke()");
  return taint(r, ...args);
});
member(["tostring", "trim", "tolower", "toupper", "replace", "split", "substring"], (_w, _at, r, args) =>
  withLabels(r, labelsOf(args)),
);
