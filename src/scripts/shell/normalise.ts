// Shell spellings that hide a command from a reader and from the bash grammar's tree, rewritten to
// the plain form before the tree is built: backslash-newline inside a word (`cu\⏎rl`), brace lists
// standing for words (`{curl,-fsSL,URL}`), `${IFS}` standing for a space, and ANSI-C strings of
// escaped printable characters (`$'\x63\x75\x72\x6c'`, `$'\x7c'` for a pipe).
//
// The rewrite keeps every character at its offset (same length, each spelling replaced in place
// and padded with empty quotes or spaces), so the engine's positions are the file's own: findings
// point at the line as written. Quoting is followed (single, double and ANSI-C quotes, `$(…)`,
// backticks, `${…}`, comments, here-documents), and only unquoted spellings are rewritten, as bash
// expands only those. One reading is not bash's: an ANSI-C string standing alone that spells a
// control operator (`$'\x7c'`) becomes that operator. Bash would pass a literal `|`; the only
// reason to spell a pipe that way is to hide one.

export interface ShellRewrite {
  /** Where the spelling was, in the original text. */
  start: number;
  end: number;
  /** What it reads as, for people (no padding). */
  plain: string;
}

export interface NormalisedShell {
  /** The text with each spelling rewritten in place; same length as the original. */
  text: string;
  rewrites: ShellRewrite[];
}

/** Anything worth a pass: a continuation, a brace list, IFS, an ANSI-C string. */
const WORTH = /\\\r?\n|\{[^{}\s]*,|\$\{?IFS|\$'/;

const OPERATORS = new Set(["|", "||", "&&", ";", "&", "|&"]);

/** Characters that end a word in unquoted shell text. */
const isBreak = (c: string | undefined): boolean => c === undefined || /[\s;&|()<>]/.test(c);

/** Escapes bash's `$'…'` knows; `hidden` is whether any of them spells a printable character by code. */
export function decodeAnsiC(body: string): { text: string; hidden: boolean } {
  let hidden = false;
  const text = body.replace(
    /\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|[\s\S])/g,
    (_m, e: string) => {
      const k = e[0] ?? "";
      if (k === "x" || k === "u" || k === "U" || /[0-7]/.test(k)) {
        hidden = true;
        const cp = Number.parseInt(/[0-7]/.test(k) ? e : e.slice(1), /[0-7]/.test(k) ? 8 : 16);
        return cp <= 0x10ffff ? String.fromCodePoint(cp) : "\uFFFD";
      }
      if (k === "c") return String.fromCharCode((e.charCodeAt(1) || 0) & 0x1f);
      const simple: Record<string, string> = {
        a: "\x07",
        b: "\b",
        e: "\x1b",
        E: "\x1b",
        f: "\f",
        n: "\n",
        r: "\r",
        t: "\t",
        v: "\v",
      };
      return simple[k] ?? k;
    },
  );
  return { text, hidden };
}

/** Index just past the `'` that closes an ANSI-C string whose body starts at `i`, or -1. */
function ansiCEnd(s: string, i: number): number {
  for (let j = i; j < s.length; j++) {
    if (s[j] === "\\") j++;
    else if (s[j] === "'") return j + 1;
  }
  return -1;
}

/**
 * Index just past the `}` closing a `${` opened at `i` (nested braces counted), or -1. Bounded: a
 * file of unclosed `${` must not cost a scan to its end for each one.
 */
function expansionEnd(s: string, i: number): number {
  let depth = 0;
  for (let j = i; j < s.length && j < i + 4096; j++) {
    const c = s[j];
    if (c === "\\") j++;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return j + 1;
  }
  return -1;
}

const IFS_EXPANSION = /^\$(?:IFS(?![\w])|\{IFS(?:[%#:][^{}\s]{0,8})?\})/;
const BRACE_LIST = /\{([^\s{}'"\\`;&|<>(),]*(?:,[^\s{}'"\\`;&|<>(),]*)+)\}/y;
const HEREDOC = /^<<(-?)[ \t]*(["']?)([A-Za-z_][\w.-]{0,40})\2/;

interface Frame {
  kind: "code" | "dq";
  /** What closes this frame: `)` of `$(`, a backtick, or nothing (top level). */
  close?: ")" | "`";
  depth: number;
}

/** The text rewritten, or undefined when nothing in it is spelled in one of these ways. */
export function normaliseShell(src: string): NormalisedShell | undefined {
  if (!WORTH.test(src)) return undefined;
  const out = src.split("");
  const rewrites: ShellRewrite[] = [];
  const put = (start: number, replacement: string, plain: string) => {
    for (let k = 0; k < replacement.length; k++) out[start + k] = replacement[k] ?? " ";
    rewrites.push({ start, end: start + replacement.length, plain });
  };
  const stack: Frame[] = [{ kind: "code", depth: 0 }];
  const heredocs: { delim: string; strip: boolean }[] = [];
  let i = 0;
  while (i < src.length) {
    const top = stack[stack.length - 1] ?? { kind: "code", depth: 0 };
    const c = src[i] ?? "";
    const next = src[i + 1];
    if (top.kind === "dq") {
      if (c === '"') stack.pop();
      else if (c === "\\") i++;
      else if (c === "$" && next === "(") {
        stack.push({ kind: "code", close: ")", depth: 0 });
        i++;
      } else if (c === "`") stack.push({ kind: "code", close: "`", depth: 0 });
      else if (c === "$" && next === "{") {
        const end = expansionEnd(src, i + 1);
        if (end > 0) {
          i = end;
          continue;
        }
      }
      i++;
      continue;
    }
    // Unquoted code.
    const prev = i > 0 ? out[i - 1] : undefined;
    if (c === "\n" && heredocs.length) {
      i = skipHeredocs(src, i + 1, heredocs);
      heredocs.length = 0;
      continue;
    }
    if (c === "#" && isBreak(prev)) {
      const nl = src.indexOf("\n", i);
      i = nl < 0 ? src.length : nl;
      continue;
    }
    if (c === "'") {
      const end = src.indexOf("'", i + 1);
      i = end < 0 ? src.length : end + 1;
      continue;
    }
    if (c === '"') {
      stack.push({ kind: "dq", depth: 0 });
      i++;
      continue;
    }
    if (c === "\\" && next === "\n") {
      // A continuation inside a word joins its halves (`cu\⏎rl` is `curl`): two empty quotes keep
      // the word whole. Between words (`docker run \⏎ -v …`) the grammar reads it as bash does.
      if (!isBreak(src[i - 1]) && !isBreak(src[i + 2])) put(i, "''", "");
      i += 2;
      continue;
    }
    if (c === "\\") {
      i += 2;
      continue;
    }
    if (c === "`") {
      if (top.close === "`") stack.pop();
      else stack.push({ kind: "code", close: "`", depth: 0 });
      i++;
      continue;
    }
    if (c === "(") top.depth++;
    else if (c === ")") {
      if (top.depth > 0) top.depth--;
      else if (top.close === ")") stack.pop();
      i++;
      continue;
    }
    if (c === "<" && next === "<" && src[i + 2] !== "<") {
      const m = HEREDOC.exec(src.slice(i, i + 60));
      if (m?.[3]) {
        heredocs.push({ delim: m[3], strip: m[1] === "-" });
        i += m[0].length;
        continue;
      }
    }
    if (c === "$") {
      const ifs = IFS_EXPANSION.exec(src.slice(i, i + 16));
      if (ifs) {
        // Unquoted, `${IFS}` is split away: it separates words, as a space does.
        put(i, " ".repeat(ifs[0].length), " ");
        i += ifs[0].length;
        continue;
      }
      if (next === "(") {
        stack.push({ kind: "code", close: ")", depth: 0 });
        i += 2;
        continue;
      }
      if (next === "{") {
        const end = expansionEnd(src, i + 1);
        i = end > 0 ? end : i + 2;
        continue;
      }
      if (next === "'") {
        const end = ansiCEnd(src, i + 2);
        if (end < 0) {
          i = src.length;
          continue;
        }
        ansiC(src, i, end, prev, put);
        i = end;
        continue;
      }
    }
    if (c === "{" && isBreak(prev)) {
      BRACE_LIST.lastIndex = i;
      const m = BRACE_LIST.exec(src);
      const after = m ? src.slice(i + m[0].length, i + m[0].length + 16) : "";
      if (m?.[1] && (isBreak(after[0]) || IFS_EXPANSION.test(after))) {
        // `{curl,-fsSL,URL}` standing alone is its items as words: spaces in place of the braces.
        put(i, ` ${m[1].replaceAll(",", " ")} `, m[1].split(",").join(" "));
        i += m[0].length;
        continue;
      }
    }
    i++;
  }
  if (!rewrites.length) return undefined;
  return { text: out.join(""), rewrites };
}

/** Past the bodies of the here-documents opened on the line that just ended. */
function skipHeredocs(src: string, from: number, docs: readonly { delim: string; strip: boolean }[]): number {
  let i = from;
  for (const d of docs) {
    while (i < src.length) {
      const nl = src.indexOf("\n", i);
      const line = src.slice(i, nl < 0 ? src.length : nl);
      i = nl < 0 ? src.length : nl + 1;
      if ((d.strip ? line.replace(/^\t+/, "") : line) === d.delim) break;
    }
  }
  return i;
}

/**
 * `$'…'` from `start` to `end`: rewritten when its escapes spell printable characters by code (what
 * hides a word), left as written when it holds control characters (`IFS=$'\n'`, `$'\e[1m'`) or
 * nothing spelled by code.
 */
function ansiC(
  src: string,
  start: number,
  end: number,
  prev: string | undefined,
  put: (start: number, replacement: string, plain: string) => void,
): void {
  const { text, hidden } = decodeAnsiC(src.slice(start + 2, end - 1));
  if (!hidden || !text || !/^[\x20-\x7e]+$/.test(text)) return;
  const len = end - start;
  const op = text.trim();
  if (OPERATORS.has(op) && isBreak(prev) && isBreak(src[end])) {
    put(start, ` ${op}`.padEnd(len, " "), op);
    return;
  }
  if (text.includes("'")) return;
  // The same word, quoted, padded with empty quotes ('' is nothing); a character escaped outside
  // the quotes (`\h`) makes up an odd length.
  let word = `'${text}'`;
  if ((len - word.length) % 2 === 1) word = `'${text.slice(0, -1)}'\\${text.slice(-1)}`;
  if (word.length > len) return;
  put(start, word + "''".repeat((len - word.length) / 2), text);
}

/**
 * What the logical line around `offset` reads as with its rewrites applied (continuations joined),
 * for a finding's "decoded" note (at most 300 characters), and where that line starts and ends.
 */
export function plainLineAt(
  src: string,
  n: NormalisedShell,
  offset: number,
): { text: string; start: number; end: number } {
  let start = src.lastIndexOf("\n", offset - 1) + 1;
  while (start >= 2 && src[start - 2] === "\\") start = src.lastIndexOf("\n", start - 2) + 1;
  let end = start;
  for (;;) {
    const nl = src.indexOf("\n", end);
    if (nl < 0) {
      end = src.length;
      break;
    }
    end = nl;
    if (src[nl - 1] !== "\\") break;
    end = nl + 1;
  }
  let s = "";
  let i = start;
  for (const r of n.rewrites) {
    if (r.end <= start || r.start >= end) continue;
    s += src.slice(i, r.start) + r.plain;
    i = r.end;
  }
  s += src.slice(i, end);
  return {
    text: s
      .replace(/\\\r?\n/g, " ")
      .replace(/[ \t]+/g, " ")
      .trim()
      .slice(0, 300),
    start,
    end,
  };
}
