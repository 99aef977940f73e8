import { classifySecretPath, UNKNOWN } from "./paths.js";
import type { SNode as Node } from "./syntax.js";

// Abstract values: what the analysis knows about an expression without running it.

export interface Loc {
  offset: number;
  length: number;
  line: number;
  column: number;
}

/**
 * Taint carried by a value. secret: read from a sensitive file or keychain; envdump: the whole
 * environment; envsecret: one secret-looking environment variable; decoded: decoded from base64/hex…;
 * remote: downloaded; param: the n-th parameter of the function being summarised.
 */
export type LabelKind = "secret" | "envdump" | "envsecret" | "decoded" | "remote" | "param";

export interface Label {
  readonly id: number;
  readonly kind: LabelKind;
  readonly loc: Loc;
  /** Plain words: "your SSH keys", "data downloaded from 203.0.113.5". */
  readonly what: string;
  /** envsecret: the variable's name. */
  readonly name?: string;
  /** param: the parameter's index, and the function (summary id) it belongs to. */
  readonly param?: number;
  readonly fnId?: number;
  /**
   * param: the named field read from the parameter (`env.API_KEY`). At a call, the field is looked
   * up in the argument: one variable of the environment, not the whole environment.
   */
  readonly field?: string;
  /** remote: the host the data came from, when known, and the whole address (for its owner's path). */
  readonly host?: string;
  readonly url?: string;
  /**
   * decoded: text whose decoding is known and read where it is used (a reversed literal), so running
   * it is judged by what it says, as the plain form would be, not as a hidden blob.
   */
  readonly seeThrough?: boolean;
}

export interface Decoded {
  encoding: string;
  text: string;
}

/** A function defined in the script, analysed once (lazily) into a summary. */
export interface FnInfo {
  readonly name: string;
  state: 0 | 1 | 2;
  summary?: Summary;
  /**
   * Analyses the body once. With `args`, parameters are bound to those values (an inline callback
   * whose arguments are known); without, to symbolic param labels for a reusable summary.
   */
  run(args?: readonly Value[]): Summary;
}

/**
 * Summarises every function not yet run, in order. Running one may define more (nested functions,
 * callbacks): an array's or a map's iterator sees what is added while it runs, so they are summarised
 * too. A function being summarised (state 1) is not entered again: recursion ends there.
 */
export function summariseFunctions(fns: Iterable<FnInfo>): void {
  for (const fn of fns) {
    if (fn.state !== 0) continue;
    fn.state = 1;
    fn.summary = fn.run();
    fn.state = 2;
  }
}

export interface ParamSink {
  param: number;
  /** The field of the parameter that reaches the sink, when only one does. */
  field?: string;
  kind: "send-all" | "send-body" | "exec";
  loc: Loc;
  via: string;
  host?: string;
  /** exec: how the parameter is run, so a literal argument can be analysed at the call. */
  mode?: ExecMode;
  lang?: CodeLang;
}

export interface Summary {
  id: number;
  ret: Value;
  sinks: ParamSink[];
  /** Parameters used as a path to read, with where the read happens. */
  reads: { param: number; loc: Loc }[];
}

export type ExecMode = "code" | "shell" | "deser";
export type CodeLang = "python" | "javascript" | "shell" | "powershell";

export interface Value {
  /** Approximate string value; UNKNOWN marks run-time parts. */
  readonly text?: string;
  readonly labels?: readonly Label[];
  /** Qualified name of a module, function or client object: "subprocess.run", "requests". */
  readonly qualifiedName?: string;
  /** Properties of an object or dict literal (one level). */
  readonly props?: ReadonlyMap<string, Value>;
  /** Items of a list literal. */
  readonly list?: readonly Value[];
  /** An open file handle for writing (Python open(p, "w"), fs.createWriteStream). */
  readonly writeHandle?: { path: Value; loc: Loc };
  readonly fn?: FnInfo;
  /** Set when `s` is text decoded from an encoded literal. */
  readonly decoded?: Decoded;
  /**
   * A value known only at run time, named by where it was set (a shell variable and the assignment
   * that set it, `f@120`): a file written to `"$f"` and run from `"$f"` is one file even though its
   * path (`$(mktemp)`) is unknown. Concatenation keeps it with the known text after it (`"$d/x"`).
   */
  readonly ident?: string;
  /**
   * The characters of a known string taken as an array (`s.split("")`, `[...s]`, `Array.from(s)`),
   * so that reversing and joining them again is computed rather than lost.
   */
  readonly chars?: string;
}

export const EMPTY: Value = Object.freeze({});
const MAX_LABELS = 8;
const MAX_STR = 4096;
const MAX_LIST = 32;

export function lit(s: string): Value {
  return { text: s.length > MAX_STR ? s.slice(0, MAX_STR) + UNKNOWN : s };
}

export function unionLabels(
  a: readonly Label[] | undefined,
  b: readonly Label[] | undefined,
): readonly Label[] | undefined {
  if (!b?.length) return a;
  if (!a?.length) return b;
  const out = [...a];
  for (const l of b) {
    if (out.length >= MAX_LABELS) break;
    if (!out.some((o) => o.id === l.id)) out.push(l);
  }
  return out;
}

export function labelsOf(values: readonly (Value | undefined)[]): readonly Label[] | undefined {
  let out: readonly Label[] | undefined;
  for (const v of values) if (v?.labels) out = unionLabels(out, v.labels);
  return out;
}

/** Only the taint of a value (the result of an operation whose text is unknown). */
export function taint(...values: (Value | undefined)[]): Value {
  const L = labelsOf(values);
  return L ? { text: UNKNOWN, labels: L } : { text: UNKNOWN };
}

export function withLabels(v: Value, L: readonly Label[] | undefined): Value {
  if (!L?.length) return v;
  return { ...v, labels: unionLabels(v.labels, L) };
}

function sensitive(s: string | undefined): boolean {
  // Every secret path has a separator or a dot; most merged strings have neither.
  return !!s && /[./\\]/.test(s) && classifySecretPath(s) !== undefined;
}

/** Either value (a branch, `a or b`, a reassignment): keeps all taint, prefers a sensitive string. */
export function merge(a: Value | undefined, b: Value | undefined): Value {
  if (!a || a === EMPTY) return b ?? EMPTY;
  if (!b || b === EMPTY) return a;
  let s = a.text ?? b.text;
  if (
    a.text !== undefined &&
    b.text !== undefined &&
    a.text !== b.text &&
    !sensitive(a.text) &&
    sensitive(b.text)
  )
    s = b.text;
  const props = a.props && b.props ? mergeProps(a.props, b.props) : (a.props ?? b.props);
  const list = a.list && b.list ? [...a.list, ...b.list].slice(0, MAX_LIST) : (a.list ?? b.list);
  return {
    text: s,
    labels: unionLabels(a.labels, b.labels),
    qualifiedName: a.qualifiedName ?? b.qualifiedName,
    props,
    list,
    writeHandle: a.writeHandle ?? b.writeHandle,
    fn: a.fn ?? b.fn,
    decoded: a.decoded ?? b.decoded,
  };
}

/** Fields of two objects that either may be: a field both have keeps the taint of both. */
function mergeProps(a: ReadonlyMap<string, Value>, b: ReadonlyMap<string, Value>): Map<string, Value> {
  const out = new Map(a);
  for (const [k, v] of b) {
    const old = out.get(k);
    out.set(k, old ? merge(old, v) : v);
  }
  return out;
}

/**
 * A container after `push`/`append` of `items`: the items are kept one by one (bounded), so that a
 * field read from an element later (`tiles[0].path`) carries that field's taint, not every field's.
 * The container as a whole still carries every item's labels (serialising it sends them all).
 */
export function appended(container: Value, items: readonly Value[], front = false): Value {
  const old = container.list ?? [];
  const list = (front ? [...items, ...old] : [...old, ...items]).slice(0, MAX_LIST);
  return { ...container, list, labels: unionLabels(container.labels, labelsOf(items)) };
}

/** String concatenation: "a" + x + f"{y}". */
export function concat(parts: readonly (Value | undefined)[], sep = ""): Value {
  let s = "";
  let first = true;
  for (const p of parts) {
    if (!first) s += sep;
    first = false;
    s += p?.text ?? UNKNOWN;
    if (s.length > MAX_STR) {
      s = s.slice(0, MAX_STR) + UNKNOWN;
      break;
    }
  }
  const L = labelsOf(parts);
  const dec = parts.find((p) => p?.decoded)?.decoded;
  const ident = identOf(parts, sep);
  return {
    text: s,
    ...(L ? { labels: L } : {}),
    ...(dec ? { decoded: dec } : {}),
    ...(ident ? { ident } : {}),
  };
}

/** `"$f"`, `"$d/run.sh"`: the identity of a run-time value that starts the string, and what follows. */
function identOf(parts: readonly (Value | undefined)[], sep: string): string | undefined {
  const head = parts[0]?.ident;
  if (head === undefined) return undefined;
  let rest = "";
  for (let i = 1; i < parts.length; i++) {
    const t = parts[i]?.text;
    if (!isKnown(t)) return undefined;
    rest += sep + t;
  }
  return rest.length > MAX_STR ? undefined : head + rest;
}

/** Characters joined again with no separator (`chars.join("")`, `"".join(chars)`): the string. */
export function joinChars(v: Value & { chars: string }): Value {
  return {
    text: v.chars,
    ...(v.labels ? { labels: v.labels } : {}),
    ...(v.decoded ? { decoded: v.decoded } : {}),
  };
}

/** os.path.join / path.join / Path / "/": an absolute part restarts the path. */
export function joinPath(parts: readonly (Value | undefined)[]): Value {
  let s = "";
  for (const p of parts) {
    const part = p?.text ?? UNKNOWN;
    if (part.startsWith("/") || part.startsWith("~") || /^[a-z]:[\\/]/i.test(part) || !s) s = part;
    else s = `${s.endsWith("/") ? s : `${s}/`}${part}`;
  }
  const L = labelsOf(parts);
  return { text: s.slice(0, MAX_STR), ...(L ? { labels: L } : {}) };
}

/** The folder part of a path value (os.path.dirname, path.dirname); unknown stays unknown. */
export function dirname(v: Value): Value {
  const s = v.text;
  if (!isKnown(s)) return taint(v);
  const i = s.replace(/\/+$/, "").lastIndexOf("/");
  return { text: i > 0 ? s.slice(0, i) : i === 0 ? "/" : ".", ...(v.labels ? { labels: v.labels } : {}) };
}

export function listOf(items: readonly Value[]): Value {
  const list = items.slice(0, MAX_LIST);
  const L = labelsOf(items);
  return { list, ...(L ? { labels: L } : {}) };
}

/** One element of a list or iterable (a loop variable, a callback parameter). */
export function elementOf(v: Value): Value {
  if (v.list?.length) {
    let out: Value = EMPTY;
    for (const item of v.list) out = merge(out, item);
    return withLabels(out, v.labels);
  }
  return { ...(v.text !== undefined ? { text: v.text } : {}), ...(v.labels ? { labels: v.labels } : {}) };
}

export function objectOf(props: Map<string, Value>, extra: readonly Value[] = []): Value {
  const L = labelsOf([...props.values(), ...extra]);
  return { props, ...(L ? { labels: L } : {}) };
}

export function hasKind(v: Value | undefined, kind: LabelKind): boolean {
  return !!v?.labels?.some((l) => l.kind === kind);
}

export function isKnown(s: string | undefined): s is string {
  return s !== undefined && !s.includes(UNKNOWN);
}

/** A node's text, bounded: literal strings are short, a huge node is never copied whole. */
export function textOf(n: Node, source: string, max = MAX_STR): string {
  const end = Math.min(n.endIndex, n.startIndex + max);
  return source.slice(n.startIndex, end);
}
