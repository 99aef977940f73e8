// Why one file of ~670 lines: it is one table (a few hundred entries of a few lines each, grouped
// by what they touch) and the handful of models its entries share (http, exec, decode); split by
// group, the shared models would sit apart from every entry that uses them.
//
// What Python calls mean to the taint engine: the call table by qualified name (`subprocess.run`,
// `requests.post`, `os.environ.get`: sources, sinks, decoders, process launches) and the methods of
// values whose type is not known statically (`.read_text()`, `.format()`, `.append()`). The walk that
// builds each Call is walker.ts. One table entry per line or few lines, grouped by what they touch.

import type { Call, CallModel, Walk } from "../calls.js";
import { decodeLiteral, type Encoding } from "../decode-literals.js";
import { UNKNOWN } from "../paths.js";
import { runCommand } from "../shell-command-models.js";
import {
  appended,
  concat,
  dirname,
  EMPTY,
  isKnown,
  joinChars,
  joinPath,
  labelsOf,
  lit,
  taint,
  unionLabels,
  type Value,
  withLabels,
} from "../values.js";

/** What the call models need of the Python walker besides Walk. */
export interface PythonWalk extends Walk {
  /** Replaces the value of the receiver variable of a method call (`s.connect(addr)` records the host). */
  updateReceiver(c: Call, f: (old: Value) => Value): void;
}

type Handler = CallModel<PythonWalk>;

const arg = (c: Call, i: number, name?: string): Value | undefined =>
  c.args[i] ?? (name ? c.keywords.get(name) : undefined);

function pathJoin(_w: PythonWalk, c: Call): Value {
  return joinPath(c.args.length ? c.args : [c.receiver ?? EMPTY]);
}

function openCall(w: PythonWalk, c: Call, path: Value | undefined, mode: string): Value {
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
    const other = [c.keywords.get("params")];
    const headers = [c.keywords.get("headers"), c.keywords.get("cookies"), c.keywords.get("auth")];
    w.engine.send(c.at, { url, body: body.filter(Boolean), other, headers }, via);
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

function execArgv(w: PythonWalk, c: Call): Value {
  const list = c.args[1]?.list;
  return runCommand(w.engine, c.at, list?.length ? list : c.args.slice(0, 1));
}

function envGet(w: PythonWalk, c: Call): Value {
  return w.engine.envVar(c.at, arg(c, 0, "key")?.text, arg(c, 1, "default"));
}

function copyCall(w: PythonWalk, c: Call): Value {
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

export const PYTHON_CALLS = new Map<string, Handler>();
const def = (names: string[], h: Handler) => {
  for (const n of names) PYTHON_CALLS.set(n, h);
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

// `reversed(s)`: a known string's characters reversed, a string again once joined.
def(["reversed"], (w, c) => (c.args[0] ? w.engine.reversed(c.at, c.args[0], true) : EMPTY));

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
    // What the Request holds besides its address and data: its headers, and add_header() calls.
    const headers = [target.props?.get("headers"), target.props ? { labels: target.labels } : undefined];
    w.engine.send(c.at, { url, body: body.filter(Boolean), headers }, "urllib.request.urlopen");
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
  w.engine.send(c.at, { url, body: [arg(c, 2, "body")], headers: [arg(c, 3, "headers")] }, "http.client");
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
    w.engine.dnsLookup(c.at, arg(c, 0, "host") ?? c.args[0], "a DNS lookup");
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

export const PYTHON_METHODS = new Map<string, Handler>();
const meth = (names: string[], h: Handler) => {
  for (const n of names) PYTHON_METHODS.set(n, h);
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
  if (items?.chars !== undefined && sep === "") return joinChars({ ...items, chars: items.chars });
  if (items?.list) return concat(items.list, isKnown(sep) ? sep : "");
  return taint(c.receiver, items);
});
// The text replaced or split on is taken out of the result (`log.replace(secret, "***")` masks it);
// the replacement is carried.
meth(["replace"], (_w, c) => taint(c.receiver, c.args[1]));
meth(["split"], (_w, c) => taint(c.receiver));
meth(
  [
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
