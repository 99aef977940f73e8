import type { Engine } from "./taint-engine.js";
import { EMPTY, type Loc, labelsOf, unionLabels, type Value } from "./values.js";

// The flag grammars of curl and wget: which arguments are URLs, which are data sent (and which of
// those name a file read: `-d @file`, `--post-file`), where the response is saved. Their table rows
// in shell-command-models.ts apply the request these return.

/** An HTTP request as a downloader's flags describe it. */
export interface HttpRequest {
  url: Value | undefined;
  body: Value[];
  /** Other URLs and options: they reach the server too. */
  other: Value[];
  /** Headers, cookies and user credentials (`-H`, `-b`, `-u`, `--header=`): where a token belongs. */
  headers: Value[];
  /** Whether the request sends something the engine should hear about. */
  sends: boolean;
  /** Where the response goes: a file, stdout, or nowhere (a default file name that cannot be told). */
  saveTo: Value | "stdout" | "nowhere";
}

/** curl's short flags that take a value (`-d DATA`, `-o FILE`, `-H HEADER`…). */
const CURL_VALUE_FLAGS = new Set("dFTXHuobAexmwKEQrYyzCcDP".split(""));
const CURL_DATA_LONG = new Set([
  "--data",
  "--data-binary",
  "--data-raw",
  "--data-ascii",
  "--data-urlencode",
  "--json",
]);
const CURL_FORM_LONG = new Set(["--form", "--form-string"]);
const CURL_VALUE_LONG = new Set([
  "--request",
  "--header",
  "--user",
  "--cookie",
  "--user-agent",
  "--referer",
  "--proxy",
  "--output",
  "--url",
  "--connect-timeout",
  "--max-time",
  "--retry",
  "--write-out",
  "--config",
  "--cert",
  "--key",
  "--cacert",
  "--resolve",
  "--range",
  "--limit-rate",
  "--oauth2-bearer",
  "--upload-file",
  "--output-dir",
  "--dump-header",
  "--cookie-jar",
  "--retry-delay",
  "--retry-max-time",
  "--max-filesize",
  "--interface",
  "--dns-servers",
]);

/** curl's long flags that carry credentials to the server. */
const CURL_CREDENTIAL_LONG = new Set(["--header", "--user", "--cookie", "--oauth2-bearer"]);

/** The file name a downloader saves a URL under by default: its last path segment. */
function remoteName(url: string): string {
  const path = url.split(/[?#]/)[0] ?? "";
  return path.slice(path.lastIndexOf("/") + 1);
}

export function curlRequest(eng: Engine, at: Loc, args: readonly Value[], stdin?: Value): HttpRequest {
  const urls: Value[] = [];
  const body: Value[] = [];
  const other: Value[] = [];
  const headers: Value[] = [];
  let method = "";
  let output: Value | undefined;
  let saveRemoteName = false;
  const data = (flag: string, v: Value | undefined) => {
    if (!v) return;
    const s = v.text ?? "";
    if (flag === "T" || flag === "--upload-file") {
      if (s === "-" || s === ".") body.push(stdin ?? EMPTY);
      else body.push({ labels: unionLabels(v.labels, eng.read(at, v, "curl --upload-file")) });
      return;
    }
    const form = flag === "F" || CURL_FORM_LONG.has(flag);
    const at1 = form
      ? s.search(/=[@<]/) + 1
      : s.startsWith("@")
        ? 0
        : flag === "--data-urlencode"
          ? s.indexOf("@")
          : -1;
    if (at1 >= 0 && (form ? at1 > 0 : true) && (s[at1] === "@" || s[at1] === "<")) {
      const path = s.slice(at1 + 1).split(";")[0] ?? "";
      if (path === "-") body.push(stdin ?? EMPTY);
      else
        body.push({
          labels: unionLabels(
            v.labels,
            eng.read(at, { text: path, labels: v.labels }, `curl -${form ? "F" : "d"} @file`),
          ),
        });
      return;
    }
    body.push(v);
  };
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    const s = a?.text ?? "";
    if (!a) continue;
    if (s.startsWith("--")) {
      const eq = s.indexOf("=");
      const flag = eq > 0 ? s.slice(0, eq) : s;
      const inline = eq > 0 ? { text: s.slice(eq + 1), labels: a.labels } : undefined;
      const take = () => inline ?? args[++k];
      if (CURL_DATA_LONG.has(flag) || CURL_FORM_LONG.has(flag) || flag === "--upload-file")
        data(flag, take());
      else if (flag === "--request") method = (take()?.text ?? "").toUpperCase();
      else if (flag === "--output") output = take();
      else if (flag === "--remote-name" || flag === "--remote-name-all") saveRemoteName = true;
      else if (flag === "--url") {
        const u = take();
        if (u) urls.push(u);
      } else if (CURL_VALUE_LONG.has(flag)) {
        const v = take();
        if (v) (CURL_CREDENTIAL_LONG.has(flag) ? headers : other).push(v);
      }
      continue;
    }
    if (s.startsWith("-") && s.length > 1) {
      for (let c = 1; c < s.length; c++) {
        const ch = s[c] ?? "";
        if (ch === "O") saveRemoteName = true;
        if (!CURL_VALUE_FLAGS.has(ch)) continue;
        const rest = s.slice(c + 1);
        const v = rest ? { text: rest, labels: a.labels } : args[++k];
        if (ch === "d" || ch === "F" || ch === "T") data(ch, v);
        else if (ch === "X") method = (v?.text ?? "").toUpperCase();
        else if (ch === "o") output = v;
        else if (v) (ch === "H" || ch === "u" || ch === "b" ? headers : other).push(v);
        break;
      }
      continue;
    }
    urls.push(a);
  }
  const url = urls[0];
  const sending = body.length > 0 || /^(POST|PUT|PATCH)$/.test(method);
  return {
    url,
    body,
    other: [...urls.slice(1), ...other],
    headers,
    sends: sending || !!labelsOf([...urls, ...other, ...headers])?.length,
    saveTo:
      output && output.text !== "-"
        ? output
        : saveRemoteName && url?.text
          ? { text: remoteName(url.text) }
          : "stdout",
  };
}

export function wgetRequest(eng: Engine, at: Loc, args: readonly Value[]): HttpRequest {
  const urls: Value[] = [];
  const body: Value[] = [];
  const headers: Value[] = [];
  let output: Value | undefined;
  let toStdout = false;
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (!a) continue;
    const s = a.text ?? "";
    if (s.startsWith("--")) {
      const eq = s.indexOf("=");
      const flag = eq > 0 ? s.slice(0, eq) : s;
      const v = eq > 0 ? { text: s.slice(eq + 1), labels: a.labels } : undefined;
      const take = () => v ?? args[++k];
      if (flag === "--post-data" || flag === "--body-data") body.push(take() ?? EMPTY);
      else if (flag === "--post-file" || flag === "--body-file") {
        const f = take();
        if (f) body.push({ labels: eng.read(at, f, "wget --post-file") });
      } else if (flag === "--output-document") {
        output = take();
        if (output?.text === "-") toStdout = true;
      } else if (["--header", "--user", "--password", "--http-password"].includes(flag)) {
        const h = take();
        if (h) headers.push(h);
      } else if (["--method", "--directory-prefix", "--tries", "--timeout"].includes(flag)) take();
      continue;
    }
    if (s.startsWith("-") && s.length > 1) {
      const o = s.indexOf("O");
      if (o > 0) {
        const rest = s.slice(o + 1);
        output = rest ? { text: rest } : args[++k];
        if (output?.text === "-") toStdout = true;
      } else if (/[PTtU]$/.test(s)) k++;
      continue;
    }
    urls.push(a);
  }
  const url = urls[0];
  const base = url?.text ? remoteName(url.text) : "";
  return {
    url,
    body,
    other: urls.slice(1),
    headers,
    sends: !!(body.length || labelsOf([...urls, ...headers])?.length),
    saveTo: toStdout ? "stdout" : (output ?? (base ? { text: base } : "nowhere")),
  };
}
