// Why one file of ~750 lines: it is one class, the taint engine every language's walker drives. Its
// methods (sources, sinks, flows between them, functions and their summaries, code run inside code)
// all read and write the same state of one walk — the findings so far, which check already fired
// where, which sources were used, the capabilities seen — so splitting it would hand that state from
// file to file. What is not that state lives beside it: values and labels (values.ts), paths and
// secrets (paths.ts), the checks (script-checks.ts), commands' behaviour (shell-command-models.ts).
import type {
  AnalysisContext,
  Capability,
  Finding,
  Observation,
  RelatedLocation,
  TextFile,
} from "../scan/script-port.js";
import {
  type CheckMeta,
  classifyHost,
  findingAt,
  hostOf,
  isPlaceholderHost,
  provenanceOf,
} from "../scan/script-port.js";
import { reverseText } from "./decode-literals.js";
import {
  classifySecretPath,
  classifyWritePath,
  envNameIsGeneric,
  envNameMatchesHost,
  homeEnvValue,
  isOutside,
  isSecretEnvName,
  LITERAL_SSH_KEY,
  NETWORK_IN_TEXT,
  normPath,
  secretVendorDomains,
  tokenInOwnPlace,
  UNKNOWN,
} from "./paths.js";
import * as C from "./script-checks.js";
import type { SNode as Node } from "./syntax.js";
import {
  type CodeLang,
  type Decoded,
  EMPTY,
  type ExecMode,
  type FnInfo,
  hasKind,
  isKnown,
  type Label,
  type LabelKind,
  type Loc,
  labelsOf,
  listOf,
  merge,
  type ParamSink,
  type Summary,
  taint,
  unionLabels,
  type Value,
} from "./values.js";

/** "line 3", "lines 3, 8", "line 3, then line 9" for where a source and its sink are. */
function lineWords(sources: readonly number[], sink: number): string {
  const uniq = [...new Set(sources)];
  if (uniq.length === 1 && uniq[0] === sink) return `line ${sink}`;
  const src = uniq.length === 1 ? `line ${uniq[0]}` : `lines ${uniq.join(", ")}`;
  return `${src}, then line ${sink}`;
}

/** The values that stand for the whole environment (`process.env`, `os.environ`). */
const ENV_OBJECTS = new Set(["process.env", "os.environ"]);

/** Runs a walker over code found inside the script (a shell string, a decoded payload). */
export type NestedRunner = (lang: CodeLang, code: string, eng: Engine, stdin?: Value) => Value;

const MAX_NESTED_DEPTH = 3;
const MAX_NESTED_CODE = 64 * 1024;
const MAX_NESTED_RUNS = 200;

/**
 * The language-independent part of script analysis: turns reads, sends, executions and writes that
 * walkers report into taint labels and findings. One Engine per file; findings are deduplicated by
 * rule and position.
 */
/** Whether a finding's sources name the server their data was downloaded from. */
const namesServer = (related: readonly RelatedLocation[] | undefined): boolean =>
  (related ?? []).some((r) => /downloaded from (?!the internet)\S/.test(r.note));

export class Engine {
  readonly caps = new Set<Capability>();
  private readonly findings: Finding[] = [];
  /** The finding made for each check and place (`id@offset`). */
  private readonly emitted = new Map<string, Finding>();
  /** Source findings (reads, env dumps) by the offset of their label, dropped when a flow reports them. */
  private readonly sourceFindings = new Map<number, Finding[]>();
  private readonly usedSources = new Set<number>();
  /**
   * What files written by the script hold: downloaded code, secrets or an environment dump staged
   * in a temporary file. Reading or running that path later carries the labels on.
   */
  private readonly fileTaint = new Map<string, readonly Label[]>();
  private readonly fnStack: Summary[] = [];
  private nextId = 1;
  private nextFnId = 1;
  private override: Loc | undefined;
  private decodedNote: Decoded | undefined;
  private depth = 0;
  private nestedRuns = 0;

  constructor(
    readonly file: TextFile,
    readonly ctx: AnalysisContext,
    private readonly runNested: NestedRunner,
  ) {}

  // ---- positions and labels -------------------------------------------------------------------

  loc(n: Node): Loc {
    if (this.override) return this.override;
    const { line, column } = this.file.lines.position(n.startIndex);
    return { offset: n.startIndex, length: Math.min(n.endIndex - n.startIndex, 160), line, column };
  }

  /**
   * The value of parameter `i` of the function being summarised, when no call binds it: unknown,
   * labelled so that a flow into a sink is recorded as "this parameter reaches that sink".
   */
  param(at: Node, name: string, i: number, bound?: readonly Value[]): Value {
    if (bound) return bound[i] ?? EMPTY;
    return { text: UNKNOWN, labels: [this.label("param", this.loc(at), name, { param: i })] };
  }

  label(
    kind: LabelKind,
    loc: Loc,
    what: string,
    extra: { name?: string; param?: number; host?: string; url?: string } = {},
  ): Label {
    const fnId = kind === "param" ? this.fnStack[this.fnStack.length - 1]?.id : undefined;
    return { id: this.nextId++, kind, loc, what, ...extra, ...(fnId !== undefined ? { fnId } : {}) };
  }

  /** A parameter label of the function being analysed (not one leaked from another function). */
  private ownParam(l: Label): boolean {
    const top = this.fnStack[this.fnStack.length - 1];
    return l.kind === "param" && l.param !== undefined && !!top && l.fnId === top.id;
  }

  private related(l: Label, note: string): RelatedLocation {
    return { file: this.file.path, line: l.loc.line, column: l.loc.column, note };
  }

  private emit(meta: CheckMeta, loc: Loc, extra: Partial<Finding> = {}): Finding | undefined {
    const key = `${meta.id}@${loc.offset}`;
    const earlier = this.emitted.get(key);
    // One finding per check and place. A script fed to a shell through a here-document is reported
    // where it is fed, once for everything in it: a later source that names its server replaces one
    // that does not (`$(curl get.tool.dev)` then `eval "$(curl https://$h$t/x)"`), so the finding says
    // where the code comes from.
    if (earlier && !(namesServer(extra.related) && !namesServer(earlier.related))) return undefined;
    const f = findingAt(
      meta,
      {
        file: this.file.path,
        index: this.file.lines,
        offset: loc.offset,
        length: loc.length,
        context: "script",
      },
      extra,
    );
    if (this.decodedNote && !f.decoded)
      f.decoded = { encoding: this.decodedNote.encoding, text: this.decodedNote.text.slice(0, 500) };
    if (earlier) this.findings[this.findings.indexOf(earlier)] = f;
    else this.findings.push(f);
    this.emitted.set(key, f);
    return f;
  }

  private sourceFinding(l: Label, f: Finding | undefined): void {
    if (!f) return;
    const list = this.sourceFindings.get(l.loc.offset);
    if (list) list.push(f);
    else this.sourceFindings.set(l.loc.offset, [f]);
  }

  /** Findings, without source-only findings whose source is already shown in a flow. */
  finish(): Finding[] {
    const drop = new Set<Finding>();
    for (const off of this.usedSources) for (const f of this.sourceFindings.get(off) ?? []) drop.add(f);
    return drop.size ? this.findings.filter((f) => !drop.has(f)) : this.findings;
  }

  // ---- function summaries ---------------------------------------------------------------------

  enterFunction(): void {
    this.fnStack.push({ id: this.nextFnId++, ret: EMPTY, sinks: [], reads: [] });
  }

  leaveFunction(): Summary {
    return this.fnStack.pop() ?? { id: 0, ret: EMPTY, sinks: [], reads: [] };
  }

  returns(v: Value): void {
    const top = this.fnStack[this.fnStack.length - 1];
    if (top) top.ret = merge(top.ret, v);
  }

  private paramSink(l: Label, sink: Omit<ParamSink, "param">): void {
    const top = this.fnStack[this.fnStack.length - 1];
    if (!top || l.param === undefined || !this.ownParam(l) || top.sinks.length >= 32) return;
    if (
      !top.sinks.some(
        (s) =>
          s.param === l.param &&
          s.field === l.field &&
          s.kind === sink.kind &&
          s.loc.offset === sink.loc.offset,
      )
    )
      top.sinks.push({ param: l.param, ...(l.field !== undefined ? { field: l.field } : {}), ...sink });
  }

  /**
   * `param.NAME` inside a summarised function: the parameter's labels, each marked with the field
   * read, so that a call passing the environment gives that one variable, not all of them. Other
   * labels (and parameter labels already narrowed to a field) are kept as they are.
   */
  fieldOf(L: readonly Label[], name: string): readonly Label[] {
    return L.map((l) =>
      l.kind === "param" && l.field === undefined ? { ...l, id: this.nextId++, field: name } : l,
    );
  }

  /**
   * The labels an argument brings for a parameter label of a callee. A field of the environment
   * object is that one variable (an env secret when its name says so); a field of an object literal
   * is that field's value; a field of another parameter narrows that parameter in turn.
   */
  argLabels(arg: Value | undefined, field: string | undefined, at: Loc): readonly Label[] | undefined {
    if (!arg?.labels?.length || field === undefined) return arg?.labels;
    if (arg.props?.has(field)) return arg.props.get(field)?.labels;
    if (arg.qualifiedName !== undefined && ENV_OBJECTS.has(arg.qualifiedName)) {
      const rest = arg.labels.filter((l) => l.kind !== "envdump");
      return unionLabels(this.fieldOf(rest, field), this.envVar(at, field).labels);
    }
    return this.fieldOf(arg.labels, field);
  }

  /**
   * Calls a script-defined function: analyses it once, then applies its summary to the arguments.
   * `inline`: a callback written at this call; its body is analysed with these very arguments.
   */
  callFunction(fn: FnInfo, at: Loc, args: readonly Value[], inline = false): Value {
    if (fn.state === 1) return { text: UNKNOWN, labels: labelsOf(args) };
    if (fn.state === 0) {
      fn.state = 1;
      fn.summary = inline ? fn.run(args) : fn.run();
      fn.state = 2;
    }
    const sum = fn.summary;
    if (!sum) return EMPTY;
    for (const ps of sum.sinks) {
      const arg = args[ps.param];
      if (!arg) continue;
      const argL = this.argLabels(arg, ps.field, at);
      if (ps.kind === "exec") {
        if (argL?.length) this.checkExec(ps.loc, argL, ps.via, at);
        if (ps.field === undefined && ps.mode && ps.lang && isKnown(arg.text))
          this.nested(ps.lang, arg.text, at, arg.decoded);
      } else if (argL?.length) {
        this.checkSend(ps.loc, argL, ps.kind === "send-body" ? argL : [], ps.host, ps.via, at);
      }
    }
    let extra: readonly Label[] | undefined;
    for (const r of sum.reads) {
      const arg = args[r.param];
      if (arg) extra = unionLabels(extra, this.read(r.loc, arg, fn.name ? `through ${fn.name}()` : ""));
    }
    const ret = sum.ret;
    const bind = (from: readonly Label[] | undefined): readonly Label[] | undefined => {
      let L: readonly Label[] | undefined;
      for (const l of from ?? []) {
        if (l.kind !== "param") L = unionLabels(L, [l]);
        else if (l.fnId === sum.id) L = unionLabels(L, this.argLabels(args[l.param ?? -1], l.field, at));
      }
      return L;
    };
    const L = unionLabels(bind(ret.labels), extra);
    const { labels: _drop, props: retProps, ...rest } = ret;
    // Fields of a returned object carry what the call passed in (`return {all: env}` then `.all`).
    let props: Map<string, Value> | undefined;
    if (retProps) {
      props = new Map();
      for (const [k, v] of retProps) {
        const { labels: _vl, ...vrest } = v;
        const vL = bind(v.labels);
        props.set(k, vL?.length ? { ...vrest, labels: vL } : vrest);
      }
    }
    return { ...rest, ...(props ? { props } : {}), ...(L?.length ? { labels: L } : {}) };
  }

  // ---- sources --------------------------------------------------------------------------------

  /** A file read. Returns the labels the read data carries (secret, or downloaded content). */
  read(at: Loc, path: Value, via: string): readonly Label[] {
    for (const l of path.labels ?? []) {
      if (this.ownParam(l)) {
        const top = this.fnStack[this.fnStack.length - 1];
        if (top && l.param !== undefined && !top.reads.some((r) => r.param === l.param))
          top.reads.push({ param: l.param, loc: at });
      }
    }
    const s = path.text;
    const staged = isKnown(s) ? undefined : this.fileTaint.get(this.fileKey(path) ?? "");
    if (s === undefined || s === UNKNOWN) return staged ?? [];
    const p = normPath(s);
    const out = staged ?? this.fileTaint.get(p);
    if (isOutside(p)) this.caps.add("read-outside");
    const cls = classifySecretPath(s);
    if (!cls) return out ?? [];
    this.caps.add("secrets");
    const l = this.label("secret", at, cls.what);
    const shown = p.replaceAll(UNKNOWN, "…").slice(0, 120);
    this.sourceFinding(
      l,
      this.emit(C.READ_SENSITIVE, at, {
        explanation: `The script reads ${cls.what} (\`${shown}\`${via ? `, with ${via}` : ""}). ${C.READ_SENSITIVE.explanation}`,
      }),
    );
    return unionLabels(out, [l]) ?? [];
  }

  /** A secret obtained without a file path: keychain dumps, browser-cookie libraries. */
  secretSource(at: Loc, what: string): Label {
    this.caps.add("secrets");
    const l = this.label("secret", at, what);
    this.sourceFinding(
      l,
      this.emit(C.READ_SENSITIVE, at, {
        explanation: `The script reads ${what}. ${C.READ_SENSITIVE.explanation}`,
      }),
    );
    return l;
  }

  envDump(at: Loc): Value {
    return {
      text: UNKNOWN,
      labels: [this.label("envdump", at, "all your environment variables (API keys and tokens among them)")],
    };
  }

  /** One environment variable by name: home folders become "~", secret-looking names a label. */
  envVar(at: Loc, name: string | undefined, dflt?: Value): Value {
    if (name === undefined || !isKnown(name)) return dflt ?? { text: UNKNOWN };
    const home = homeEnvValue(name);
    if (home) return { text: home };
    if (isSecretEnvName(name))
      return {
        text: UNKNOWN,
        labels: [this.label("envsecret", at, `the secret in the environment variable ${name}`, { name })],
      };
    return dflt ?? { text: UNKNOWN };
  }

  /** A named credential (keyring item, `security find-generic-password -s NAME`): like an env secret. */
  namedSecret(at: Loc, name: string): Value {
    return { text: UNKNOWN, labels: [this.label("envsecret", at, `the saved credential ${name}`, { name })] };
  }

  decoded(at: Loc, input: Value, encoding: string, text?: string): Value {
    const l = this.label("decoded", at, `text decoded from ${encoding}`);
    const L = unionLabels(input.labels, [l]);
    if (text?.length) return { text: text, labels: L, decoded: { encoding, text } };
    return { text: UNKNOWN, labels: L };
  }

  /**
   * A value reversed (`s[::-1]`, `[...s].reverse()`, `reversed(s)`). A known string is a known
   * string reversed: computed, and labelled decoded like any other decoding, so the command it spells
   * is analysed where it runs (and reversing text that is never run stays harmless). `chars`: the
   * result is the string's characters as an array (`.reverse()`, `reversed()`), a string when
   * joined again. A list is reversed item by item; anything else keeps only its taint.
   */
  reversed(at: Loc, v: Value, chars = false): Value {
    if (v.list) return { ...listOf([...v.list].reverse()), ...(v.labels ? { labels: v.labels } : {}) };
    const s = v.chars ?? (v.list === undefined && isKnown(v.text) ? v.text : undefined);
    const text = s === undefined ? undefined : reverseText(s);
    if (text === undefined) return taint(v);
    const l: Label = { ...this.label("decoded", at, "a string reversed"), seeThrough: true };
    const labels = unionLabels(v.labels, [l]);
    const decoded = { encoding: "reversed text", text };
    return !chars && v.chars === undefined ? { text, labels, decoded } : { chars: text, labels, decoded };
  }

  /** Data received from the network. */
  fetched(at: Loc, url: Value | undefined): Value {
    this.caps.add("network");
    const host = this.hostOf(url);
    return {
      text: UNKNOWN,
      labels: [
        this.label(
          "remote",
          at,
          host ? `code or data downloaded from ${host}` : "data downloaded from the internet",
          host ? { host, url: url?.text } : {},
        ),
      ],
    };
  }

  /** A file saved from the network (curl -o, urlretrieve, wget): running it later is exec-remote. */
  download(at: Loc, path: Value, url: Value | undefined): void {
    this.caps.add("network");
    const key = this.fileKey(path);
    if (!key) return;
    const host = this.hostOf(url);
    this.stage(key, [
      this.label(
        "remote",
        at,
        host ? `a file downloaded from ${host}` : "a file downloaded from the internet",
        host ? { host, url: url?.text } : {},
      ),
    ]);
  }

  /**
   * Where a file's taint is kept: its path when known, else the identity of the run-time value that
   * names it (`f=$(mktemp)`: the variable and its assignment), which no path can collide with.
   */
  private fileKey(path: Value | undefined): string | undefined {
    if (isKnown(path?.text)) return normPath(path.text);
    return path?.ident !== undefined ? `\0${path.ident}` : undefined;
  }

  private stage(path: string, labels: readonly Label[]): void {
    if (this.fileTaint.size >= 256 && !this.fileTaint.has(path)) return;
    this.fileTaint.set(path, unionLabels(this.fileTaint.get(path), labels) ?? []);
  }

  /** The label of a downloaded file, when `path` names one. */
  downloaded(path: Value | undefined): Label | undefined {
    const key = this.fileKey(path);
    if (!key) return undefined;
    const remote = (L: readonly Label[] | undefined) => L?.find((l) => l.kind === "remote");
    const hit = remote(this.fileTaint.get(key));
    if (hit || !isKnown(path?.text)) return hit;
    const p = key;
    const base = p.slice(p.lastIndexOf("/") + 1);
    if (!base || !(p.startsWith("./") || p === base)) return undefined;
    // By name only among known paths: `./x` is not whatever run-time folder `"$d/x"` was.
    for (const [k, L] of this.fileTaint)
      if (!k.startsWith("\0") && (k === base || k.endsWith(`/${base}`))) return remote(L);
    return undefined;
  }

  private hostOf(url: Value | undefined): string | undefined {
    const s = url?.text;
    if (!s || !/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return undefined;
    const end = s.indexOf("/", s.indexOf("//") + 2);
    const authority = s.slice(0, end === -1 ? undefined : end);
    if (authority.includes(UNKNOWN)) return undefined;
    return hostOf(s.replaceAll(UNKNOWN, "x"));
  }

  // ---- sinks ----------------------------------------------------------------------------------

  /**
   * A network send. `body` is the payload (data, json, files, body); `other` the URL query,
   * headers and the like. File secrets and env dumps anywhere are a flow; an env secret counts only
   * in the body or the address (not a header) and only towards a host that is neither allowed nor
   * obviously its own service.
   */
  send(
    at: Loc,
    parts: {
      url?: Value;
      body?: readonly (Value | undefined)[];
      other?: readonly (Value | undefined)[];
      /** Request headers (and credentials in a URL's user part): where API clients put their token. */
      headers?: readonly (Value | undefined)[];
    },
    via: string,
  ): void {
    this.caps.add("network");
    const body = labelsOf(parts.body ?? []) ?? [];
    const all =
      labelsOf([parts.url, ...(parts.body ?? []), ...(parts.other ?? []), ...(parts.headers ?? [])]) ?? [];
    const host = this.hostOf(parts.url);
    this.checkSend(at, all, body, host, via);
    this.checkHeaders(at, parts.headers, host);
    // A secret in the address itself (`?k=$TOKEN`) is sent as surely as one in the payload, when
    // the address names a foreign server. Only there: API clients build addresses from config
    // values, whose labels say little about what reaches which server.
    const inUrl = (parts.url?.labels ?? []).filter((l) => l.kind === "envsecret");
    if (
      inUrl.length &&
      host &&
      !isPlaceholderHost(host) &&
      !this.ctx.isAllowedHost(host) &&
      !inUrl.some((l) => envNameMatchesHost(l.name ?? "", host)) &&
      !(inUrl.length === 1 && tokenInOwnPlace(parts.url?.text, host))
    )
      this.ownVendorCap(
        this.emit(C.ENV_SECRET_TO_NETWORK, at, {
          explanation: `The script puts ${inUrl[0]?.what} into the address of a request to ${host} (line ${at.line}). ${C.ENV_SECRET_TO_NETWORK.explanation}`,
          related: inUrl.slice(0, 3).map((l) => this.related(l, `source: ${l.what}`)),
        }),
        host,
        inUrl,
      );
    const dec = parts.url?.labels?.find((l) => l.kind === "decoded" && !l.seeThrough);
    if (dec && (parts.body ?? []).some((b) => b !== undefined)) {
      const shown = isKnown(parts.url?.text) ? ` It decodes to ${parts.url.text.slice(0, 120)}.` : "";
      this.emit(C.DECODED_DESTINATION, at, {
        explanation: C.DECODED_DESTINATION.explanation + shown,
        related: [this.related(dec, "the address is decoded here")],
      });
    }
  }

  /**
   * A header is where a token belongs when it goes to its own service, so a header carrying an env
   * secret counts only when the secret's name says whose it is (GITHUB_TOKEN, OPENAI_API_KEY,
   * NPM_TOKEN: paths.ts secretVendorDomains) and the request goes to a named host that is not that
   * vendor and not allowed. A generic name (API_KEY, JIRA_TOKEN) belongs to whatever service the
   * skill talks to; a host read from the environment (`${JIRA_URL}`) is the user's own choice.
   */
  private checkHeaders(
    at: Loc,
    headers: readonly (Value | undefined)[] | undefined,
    host: string | undefined,
  ): void {
    if (!headers?.length || !host || isPlaceholderHost(host) || this.ctx.isAllowedHost(host)) return;
    const foreign = (labelsOf(headers) ?? []).filter(
      (l) =>
        l.kind === "envsecret" &&
        l.name !== undefined &&
        secretVendorDomains(l.name) !== undefined &&
        !envNameMatchesHost(l.name, host),
    );
    const first = foreign[0];
    if (!first) return;
    this.emit(C.ENV_SECRET_TO_NETWORK, at, {
      explanation: `The script puts ${first.what} into the credentials of a request to ${host} (line ${at.line}), a server that is not the service the secret belongs to. ${C.ENV_SECRET_TO_NETWORK.explanation}`,
      related: foreign.slice(0, 3).map((l) => this.related(l, `source: ${l.what}`)),
    });
  }

  /**
   * A name resolved through DNS: whoever serves the zone it ends in reads the name, so a secret
   * spelled into it (`${hex(token)}.probe.example.click`) is sent to that zone's owner, as a
   * request's payload is sent to its server.
   */
  dnsLookup(at: Loc, name: Value | undefined, via: string): void {
    if (!name?.labels?.length) return;
    const t = name.text ?? "";
    const k = t.lastIndexOf(UNKNOWN);
    const zone =
      k < 0 ? undefined : /^\.((?:[a-z0-9-]+\.)+[a-z]{2,})\.?$/i.exec(t.slice(k + UNKNOWN.length))?.[1];
    this.send(at, { ...(zone ? { url: { text: `dns://${zone}/` } } : {}), body: [name] }, via);
  }

  private checkSend(
    at: Loc,
    all: readonly Label[],
    body: readonly Label[],
    host: string | undefined,
    via: string,
    callSite?: Loc,
  ): void {
    for (const l of all)
      if (l.kind === "param")
        this.paramSink(l, { kind: body.includes(l) ? "send-body" : "send-all", loc: at, via, host });
    const secrets = all.filter((l) => l.kind === "secret" || l.kind === "envdump");
    if (secrets.length) {
      this.flow(C.FLOW_SECRET_TO_NETWORK, at, secrets, host, "sends it to", callSite);
      return;
    }
    const env = body.filter((l) => l.kind === "envsecret");
    if (!env.length) return;
    const names = new Set(env.map((l) => l.name ?? ""));
    if (names.size >= 3) {
      this.flow(C.FLOW_SECRET_TO_NETWORK, at, env, host, "sends them to", callSite);
      return;
    }
    if (!host || isPlaceholderHost(host)) return;
    const cls = classifyHost(`https://${host}/`, host, this.ctx.ruleSet.domains);
    if (cls && cls !== "shortener") {
      this.flow(C.FLOW_SECRET_TO_NETWORK, at, env, host, "sends it to", callSite);
      return;
    }
    if (this.ctx.isAllowedHost(host) || [...names].some((n) => envNameMatchesHost(n, host))) return;
    this.ownVendorCap(
      this.emit(C.ENV_SECRET_TO_NETWORK, at, {
        explanation: `The script sends ${env[0]?.what} to ${host} (line ${at.line}). ${C.ENV_SECRET_TO_NETWORK.explanation}`,
        related: env.slice(0, 3).map((l) => this.related(l, `source: ${l.what}`)),
      }),
      host,
      env,
    );
  }

  /**
   * A token whose name says nothing of whose it is (`BOT_TOKEN`, `API_KEY`), sent to the service
   * the skill is named for (its vendor's domain, provenance.ts): an API client doing its job, held
   * at RISKY; the ownership stage lowers it further when SKILL.md declares that variable. A token
   * naming another service (`AWS_SECRET_ACCESS_KEY`) or any host not the skill's stays as found.
   */
  private ownVendorCap(f: Finding | undefined, host: string, L: readonly Label[]): void {
    if (!f || !this.ctx.skill) return;
    if (!L.every((l) => l.name !== undefined && l.kind === "envsecret" && envNameIsGeneric(l.name))) return;
    const origin = provenanceOf(`https://${host}/`, this.ctx.ruleSet.domains, this.ctx.skill);
    if (origin.tier !== "official") return;
    const names = [...new Set(L.map((l) => l.name))].join(", ");
    this.observe(f, { seen: "own-vendor-token", names, host, origin });
  }

  /**
   * Records what was seen about a finding this walk made (the match-context stage weighs it). On the
   * same object: the walk's own tables (emitted, sourceFindings) hold it by identity.
   */
  private observe(f: Finding, o: Observation): void {
    f.observed = [...(f.observed ?? []), o];
  }

  private flow(
    meta: CheckMeta,
    at: Loc,
    sources: readonly Label[],
    host: string | undefined,
    verb: string,
    callSite?: Loc,
  ): void {
    for (const s of sources) this.usedSources.add(s.loc.offset);
    const shown = sources.slice(0, 3);
    const whats = [...new Set(shown.map((l) => l.what))];
    const lines = [...new Set(shown.map((l) => l.loc.line))];
    const where =
      meta === C.FLOW_SECRET_TO_EXEC ? "a command it runs" : host ? host : "a server on the internet";
    const related = shown.map((l) => this.related(l, `source: ${l.what}`));
    if (callSite)
      related.push({
        file: this.file.path,
        line: callSite.line,
        column: callSite.column,
        note: "passed in by this call",
      });
    const caps = new Set<Capability>(meta.capabilities ?? []);
    if (sources.some((l) => l.kind === "secret")) caps.add("read-outside");
    this.emit(meta, at, {
      explanation: `This script reads ${whats.join(" and ")} (${lineWords(lines, at.line)}) and ${whats.length > 1 ? verb.replace(" it ", " them ") : verb} ${where}. ${meta.explanation}`,
      related,
      capabilities: [...caps],
    });
  }

  /**
   * Code or a command being run. Remote or decoded content is MALICIOUS; a known string is analysed
   * as code of its language (a shell command string, an exec'd literal, a decoded payload).
   */
  exec(at: Loc, code: Value, mode: ExecMode, lang: CodeLang | undefined, via: string, stdin?: Value): Value {
    this.caps.add("shell");
    const L = code.labels ?? [];
    for (const l of L) if (l.kind === "param") this.paramSink(l, { kind: "exec", loc: at, via, mode, lang });
    const fired = this.checkExec(at, L, via);
    if (mode === "deser") return EMPTY;
    const s = code.text;
    if (lang && s !== undefined && s !== UNKNOWN && (isKnown(s) || lang === "shell"))
      return this.nested(lang, s, at, code.decoded, stdin);
    if (
      !fired &&
      mode === "code" &&
      !isKnown(s) &&
      !L.some((l) => l.kind === "param" || l.kind === "envsecret")
    )
      this.emit(C.EXEC_DYNAMIC, at, {
        explanation: `${C.EXEC_DYNAMIC.explanation} (${via})`,
      });
    return EMPTY;
  }

  private checkExec(at: Loc, L: readonly Label[], via: string, callSite?: Loc): boolean {
    const remote = L.find((l) => l.kind === "remote");
    const extraRel = callSite
      ? [
          {
            file: this.file.path,
            line: callSite.line,
            column: callSite.column,
            note: "passed in by this call",
          },
        ]
      : [];
    if (remote) {
      // As the text rules do: weighed by who controls the host the code comes from (provenance.ts).
      const origin =
        remote.host === undefined
          ? undefined
          : provenanceOf(
              remote.url && isKnown(remote.url) ? remote.url : `https://${remote.host}/`,
              this.ctx.ruleSet.domains,
              this.ctx.skill,
            );
      const f = this.emit(C.EXEC_REMOTE, at, {
        explanation: `The script runs ${remote.what} with ${via} (${lineWords([remote.loc.line], at.line)}). ${C.EXEC_REMOTE.explanation}`,
        related: [this.related(remote, `source: ${remote.what}`), ...extraRel],
      });
      if (f && origin) this.observe(f, { seen: "origin", origin, official: "RISKY", unknown: "SUSPICIOUS" });
      return true;
    }
    const dec = L.find((l) => l.kind === "decoded" && !l.seeThrough);
    if (dec) {
      this.emit(C.EXEC_DECODED, at, {
        explanation: `The script runs ${dec.what} with ${via} (${lineWords([dec.loc.line], at.line)}). ${C.EXEC_DECODED.explanation}`,
        related: [this.related(dec, "decoded here"), ...extraRel],
      });
      return true;
    }
    const secrets = L.filter((l) => l.kind === "secret");
    if (secrets.length) {
      this.flow(C.FLOW_SECRET_TO_EXEC, at, secrets, undefined, "passes it to", callSite);
      return true;
    }
    return false;
  }

  /** Runs the walker of `lang` over `code`; findings inside are reported at `at`. */
  nested(lang: CodeLang, code: string, at: Loc, dec?: Decoded, stdin?: Value): Value {
    if (this.depth >= MAX_NESTED_DEPTH || code.length > MAX_NESTED_CODE || this.nestedRuns >= MAX_NESTED_RUNS)
      return EMPTY;
    this.nestedRuns++;
    const prevOverride = this.override;
    const prevDecoded = this.decodedNote;
    this.override ??= at;
    if (dec) this.decodedNote ??= dec;
    this.depth++;
    try {
      return this.runNested(lang, code, this, stdin);
    } catch {
      return EMPTY;
    } finally {
      this.depth--;
      this.override = prevOverride;
      this.decodedNote = prevDecoded;
    }
  }

  /** A value serialised as a whole (json.dumps, JSON.stringify): the whole environment is a finding. */
  serialise(at: Loc, v: Value): void {
    const dump = v.labels?.find((l) => l.kind === "envdump");
    if (!dump) return;
    this.caps.add("secrets");
    this.sourceFinding(
      dump,
      this.emit(C.ENV_DUMP, at, { related: [this.related(dump, "the environment is read here")] }),
    );
  }

  /**
   * A file write; `content` when known. Persistence and agent-config targets are findings.
   * `contentOnly`: the target was reported when it was opened; only judge what is written.
   */
  write(at: Loc, target: Value, content: Value | undefined, via: string, contentOnly = false): void {
    const s = target.text;
    if (content && hasKind(content, "envdump")) {
      const dump = content.labels?.find((l) => l.kind === "envdump");
      if (dump) {
        this.caps.add("secrets");
        this.sourceFinding(
          dump,
          this.emit(C.ENV_DUMP, at, {
            explanation: `The script saves all environment variables to a file (${via}). ${C.ENV_DUMP.explanation}`,
            related: [this.related(dump, "the environment is read here")],
          }),
        );
      }
    }
    const staged = content?.labels?.filter(
      (l) => l.kind === "remote" || l.kind === "secret" || l.kind === "envdump",
    );
    const key = this.fileKey(target);
    if (staged?.length && key) this.stage(key, staged);
    if (s === undefined || s === UNKNOWN) return;
    const p = normPath(s);
    if (isOutside(p)) this.caps.add("write-outside");
    const cls = classifyWritePath(s);
    if (!cls) return;
    const shown = p.replaceAll(UNKNOWN, "…").slice(0, 120);
    if (cls.kind === "agent-config") {
      if (contentOnly) return;
      this.caps.add("agent-config");
      this.emit(C.AGENT_CONFIG_WRITE, at, {
        explanation: `The script writes to \`${shown}\` (${cls.what}). ${C.AGENT_CONFIG_WRITE.explanation}`,
      });
      return;
    }
    this.persist(at, `${cls.what} (\`${shown}\`)`, content, cls.authorizedKeys, contentOnly);
  }

  /** Something made to run again later: a start-up file, crontab, a service, a scheduled task. */
  persist(
    at: Loc,
    what: string,
    content: Value | undefined,
    authorizedKeys = false,
    onlyMalicious = false,
  ): void {
    this.caps.add("persistence");
    this.caps.add("write-outside");
    const text = content?.text ?? "";
    if (authorizedKeys && LITERAL_SSH_KEY.test(text)) {
      this.emit(C.SSH_BACKDOOR, at);
      return;
    }
    const remote = content?.labels?.find((l) => l.kind === "remote");
    if (NETWORK_IN_TEXT.test(text.replaceAll(UNKNOWN, " ")) || remote) {
      this.caps.add("network");
      this.emit(C.PERSISTENCE_REMOTE, at, {
        explanation: `The script adds to ${what} a command that reaches the network. ${C.PERSISTENCE_REMOTE.explanation}`,
        ...(remote ? { related: [this.related(remote, remote.what)] } : {}),
      });
      return;
    }
    if (onlyMalicious) return;
    this.emit(C.PERSISTENCE, at, {
      explanation: `The script writes to ${what}. ${C.PERSISTENCE.explanation}`,
    });
  }

  execDownloaded(at: Loc, dl: Label, via: string): void {
    this.caps.add("shell");
    this.checkExec(at, [dl], via);
  }
}
