// Why one file of ~670 lines: it is one table (a few hundred entries of a few lines each, grouped
// by what they touch) and the handful of models its entries share (http, exec, decode); split by
// group, the shared models would sit apart from every entry that uses them.
//
// What JavaScript and TypeScript calls mean to the taint engine: the call table by qualified name
// (`fs.readFileSync`, `child_process.exec`, `fetch`, `axios.post`: sources, sinks, decoders, process
// launches), the module names it knows them by, and the methods of values whose type is unknown
// (`.map()`, `.then()`, `.push()`). The walk that builds each Call is walker.ts.

import type { Call, CallModel, Walk } from "../calls.js";
import { decodeLiteral } from "../decode-literals.js";
import { UNKNOWN } from "../paths.js";
import { runCommand } from "../shell-command-models.js";
import {
  concat,
  dirname,
  EMPTY,
  elementOf,
  isKnown,
  joinChars,
  joinPath,
  labelsOf,
  lit,
  merge,
  taint,
  unionLabels,
  type Value,
} from "../values.js";

/** What the call models need of the JavaScript walker besides Walk. */
export interface JsWalk extends Walk {
  /** `arr.push(x)`: the receiver variable keeps its elements, so fields of one stay apart. */
  appendToReceiver(c: Call, items: readonly Value[], front: boolean): void;
}

type Handler = CallModel<JsWalk>;

/** Module names as the call table knows them: node:fs → fs, fs/promises → fs.promises. */
export function canonModule(name: string): string {
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
export function defaultImport(mod: string): string {
  if (mod === "fetchmod") return "fetch";
  return mod;
}

export const JAVASCRIPT_CALLS = new Map<string, Handler>();
const def = (names: string[], h: Handler) => {
  for (const n of names) JAVASCRIPT_CALLS.set(n, h);
};
const nothing: Handler = () => EMPTY;
const propagate: Handler = (_w, c) => taint(c.receiver, ...c.args.filter((a) => !a.fn));
const opt = (c: Call, i: number, key: string): Value | undefined => c.args[i]?.props?.get(key);

/** A known string as its characters (`s.split("")`, `[...s]`, `Array.from(s)`); undefined otherwise. */
export function charsOf(v: Value): Value | undefined {
  if (v.chars !== undefined) return v;
  if (v.list !== undefined || !isKnown(v.text)) return undefined;
  return { chars: v.text, ...(v.labels ? { labels: v.labels } : {}) };
}

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

function copyCall(w: JsWalk, c: Call): Value {
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
  w: JsWalk,
  c: Call,
  url: Value | undefined,
  body: (Value | undefined)[],
  other: (Value | undefined)[],
  via: string,
  headers?: Value,
): Value {
  w.engine.send(
    c.at,
    { url, body: body.filter((b) => b !== undefined), other, ...(headers ? { headers: [headers] } : {}) },
    via,
  );
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
    [],
    "fetch",
    init?.props?.get("headers"),
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
      [config?.props?.get("params")],
      `axios.${verb}`,
      config?.props?.get("headers"),
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
    [config?.props?.get("params")],
    "axios",
    config?.props?.get("headers"),
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
    [opts?.props?.get("searchParams")],
    "got",
    opts?.props?.get("headers"),
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
  w.engine.send(c.at, { url, headers: [opts?.props?.get("headers")] }, "http.request");
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
  for (const [k, h] of [...JAVASCRIPT_CALLS].filter(([k]) => k.startsWith("fs.")))
    JAVASCRIPT_CALLS.set(`${m}${k.slice(2)}`, h);
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
// `Array.from(s)`: a known string's characters, so that reversing and joining them is computed.
def(["Array.from"], (w, c) => {
  const a = c.args[0];
  if (a && c.args.length === 1 && charsOf(a)) return charsOf(a) ?? EMPTY;
  return propagate(w, c);
});
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
  return httpBody(w, c, c.args[0], [o?.props?.get("body")], [], "undici.request", o?.props?.get("headers"));
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
      w.engine.dnsLookup(c.at, c.args[0]?.fn ? undefined : c.args[0], `a DNS lookup (${c.method ?? "dns"})`);
      return EMPTY;
    },
  );

// ---- methods on values of unknown type -----------------------------------------------------------

export const JAVASCRIPT_METHODS = new Map<string, Handler>();
const meth = (names: string[], h: Handler) => {
  for (const n of names) JAVASCRIPT_METHODS.set(n, h);
};
meth(["map", "flatMap"], (_w, c) => {
  const recv = c.receiver ?? EMPTY;
  c.callbackArgs = [elementOf(recv), EMPTY, recv];
  c.cbResult = "list";
  return EMPTY;
});
meth(["filter", "sort", "slice", "concat", "find", "findLast", "at", "flat", "toSorted"], (_w, c) => {
  const recv = c.receiver ?? EMPTY;
  c.callbackArgs = [elementOf(recv), EMPTY, recv];
  return c.method === "find" || c.method === "at" || c.method === "findLast"
    ? elementOf(recv)
    : merge(recv, taint(...c.args.filter((a) => !a.fn)));
});
meth(["reverse", "toReversed"], (w, c) => {
  const recv = c.receiver ?? EMPTY;
  c.callbackArgs = [elementOf(recv), EMPTY, recv];
  if (recv.chars !== undefined) return w.engine.reversed(c.at, recv, true);
  return merge(recv, taint(...c.args.filter((a) => !a.fn)));
});
meth(["forEach", "some", "every", "findIndex"], (_w, c) => {
  const recv = c.receiver ?? EMPTY;
  c.callbackArgs = [elementOf(recv), EMPTY, recv];
  return EMPTY;
});
// The reducer's own result is what reduce returns: `(acc, v) => acc + v` carries the elements,
// `(acc, v) => acc.split(v).join("***")` only the initial value.
meth(["reduce", "reduceRight"], (_w, c) => {
  const recv = c.receiver ?? EMPTY;
  const first = c.args[1] && !c.args[1].fn ? c.args[1] : elementOf(recv);
  c.callbackArgs = [first, elementOf(recv)];
  c.cbResult = "value";
  return taint(first);
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
  if (recv.chars !== undefined && sep === "") return joinChars({ ...recv, chars: recv.chars });
  return recv.list ? concat(recv.list, isKnown(sep) ? sep : "") : taint(recv);
});
// What a string is split on, or the text replaced, is taken out of the result: `log.split(secret)
// .join("***")` masks a secret, it does not carry it. The replacement itself is carried.
meth(["split"], (_w, c) => {
  const recv = c.receiver ?? EMPTY;
  if (c.args.length === 1 && c.args[0]?.text === "" && charsOf(recv)) return charsOf(recv) ?? EMPTY;
  return taint(recv);
});
meth(["replace", "replaceAll"], (_w, c) => {
  const by = c.args[1];
  return by && !by.fn ? taint(c.receiver, by) : taint(c.receiver);
});
meth(
  [
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
