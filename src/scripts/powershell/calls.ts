// What PowerShell commands mean to the taint engine: cmdlet names and their aliases, the parameters
// that take a value, the cmdlet table (Invoke-WebRequest, Get-Content, Start-Process…), the .NET
// static calls by type and member ([Convert]::FromBase64String, Net.WebClient) and the members
// known by name alone. Names are lower case: PowerShell's are case-insensitive. The walk is walker.ts.

import type { Walk } from "../calls.js";
import { decodeLiteral } from "../decode-literals.js";
import { UNKNOWN } from "../paths.js";
import { runCommand } from "../shell-command-models.js";
import {
  concat,
  EMPTY,
  isKnown,
  joinPath,
  type Loc,
  labelsOf,
  lit,
  taint,
  unionLabels,
  type Value,
  withLabels,
} from "../values.js";

export const ALIASES: Record<string, string> = {
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
export const VALUE_PARAMS = new Set(
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

export /** A cmdlet invocation: its name (aliases resolved), named and positional arguments. */
interface Cmd {
  name: string;
  params: Map<string, Value>;
  positional: Value[];
  argv: Value[];
  at: Loc;
  stdin?: Value;
}

/** What the cmdlet and method models need of the PowerShell walker: the taint engine only. */
export type PsWalk = Pick<Walk, "engine">;

type Handler = (w: PsWalk, c: Cmd) => Value;
type MethodHandler = (w: PsWalk, at: Loc, recv: Value, args: Value[]) => Value;

// ---- commands -----------------------------------------------------------------------------------

export const POWERSHELL_COMMANDS = new Map<string, Handler>();
const cmd = (names: string[], h: Handler) => {
  for (const n of names) POWERSHELL_COMMANDS.set(n, h);
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

export const POWERSHELL_METHODS = new Map<string, MethodHandler>();
export const POWERSHELL_MEMBERS = new Map<string, MethodHandler>();
const m = (names: string[], h: MethodHandler) => {
  for (const n of names) POWERSHELL_METHODS.set(n, h);
};
const member = (names: string[], h: MethodHandler) => {
  for (const n of names) POWERSHELL_MEMBERS.set(n, h);
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
