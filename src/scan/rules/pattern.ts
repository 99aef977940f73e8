// A rule's regular expression read into a small tree, for what is worked out from a pattern without
// running it: how far a match can reach (reach.ts) and which literals every match holds
// (anchors.ts). Only the syntax the rules use is understood; anything else throws, and each reader
// then falls back to its safe answer (no bound, no anchors).

export type PatternNode =
  | { t: "alt"; branches: PatternNode[] }
  | { t: "seq"; items: PatternNode[] }
  | { t: "rep"; node: PatternNode; min: number; max: number }
  /** A group; a lookaround matches no text of its own. */
  | { t: "group"; node: PatternNode; look: boolean }
  /** One character written as itself, or escaped as itself (`\.`). */
  | { t: "char"; ch: string }
  /**
   * One character of a kind. Its width in code units: "unit" for a class, `.`, `\d`, `\w`, `\s` (two
   * with the u flag, a surrogate pair); 2 for a Unicode property or `\u{…}`; 1 for a control, hex or
   * other escape.
   */
  | { t: "any"; width: "unit" | 1 | 2 }
  /** `^`, `$`, `\B`: no text. */
  | { t: "empty" }
  /** `\b`: no text, a word boundary. */
  | { t: "boundary" }
  /** A back-reference: any text. */
  | { t: "backref" };

interface Cursor {
  s: string;
  i: number;
}

/** The tree of `source`; throws on syntax it does not understand. */
export function parsePattern(source: string): PatternNode {
  const c: Cursor = { s: source, i: 0 };
  const node = alternation(c);
  if (c.i !== source.length) throw new Error(`unexpected "${source[c.i]}"`);
  return node;
}

function alternation(c: Cursor): PatternNode {
  const branches = [sequence(c)];
  while (c.s[c.i] === "|") {
    c.i++;
    branches.push(sequence(c));
  }
  return branches.length === 1 ? branches[0]! : { t: "alt", branches };
}

function sequence(c: Cursor): PatternNode {
  const items: PatternNode[] = [];
  while (c.i < c.s.length && c.s[c.i] !== "|" && c.s[c.i] !== ")") items.push(quantified(c, atom(c)));
  return { t: "seq", items };
}

const QUANTIFIER = /\{(\d+)(,(\d*))?\}/y;

function quantified(c: Cursor, node: PatternNode): PatternNode {
  const ch = c.s[c.i];
  let min: number;
  let max: number;
  if (ch === "*" || ch === "+" || ch === "?") {
    c.i++;
    min = ch === "+" ? 1 : 0;
    max = ch === "?" ? 1 : Number.POSITIVE_INFINITY;
  } else if (ch === "{") {
    QUANTIFIER.lastIndex = c.i;
    const m = QUANTIFIER.exec(c.s);
    if (!m) return node; // a literal "{" (Annex B), already read by atom()
    c.i += m[0].length;
    min = Number(m[1]);
    max = m[2] === undefined ? min : m[3] ? Number(m[3]) : Number.POSITIVE_INFINITY;
  } else return node;
  if (c.s[c.i] === "?") c.i++; // lazy
  return { t: "rep", node, min, max };
}

function atom(c: Cursor): PatternNode {
  const ch = c.s[c.i]!;
  if (ch === "(") return group(c);
  if (ch === "[") return charClass(c);
  if (ch === "\\") return escaped(c);
  if (ch === "*" || ch === "+" || ch === "?") throw new Error("nothing to repeat");
  c.i++;
  if (ch === "^" || ch === "$") return { t: "empty" };
  if (ch === ".") return { t: "any", width: "unit" };
  return { t: "char", ch };
}

function group(c: Cursor): PatternNode {
  c.i++; // "("
  let look = false;
  if (c.s[c.i] === "?") {
    const rest = c.s.slice(c.i, c.i + 3);
    if (rest.startsWith("?:")) c.i += 2;
    else if (rest.startsWith("?=") || rest.startsWith("?!")) {
      c.i += 2;
      look = true;
    } else if (rest === "?<=" || rest === "?<!") {
      c.i += 3;
      look = true;
    } else if (rest.startsWith("?<")) {
      const end = c.s.indexOf(">", c.i);
      if (end < 0) throw new Error("unclosed group name");
      c.i = end + 1;
    } else throw new Error("unknown group");
  }
  const node = alternation(c);
  if (c.s[c.i] !== ")") throw new Error("unclosed group");
  c.i++;
  return { t: "group", node, look };
}

function charClass(c: Cursor): PatternNode {
  c.i++; // "["
  if (c.s[c.i] === "^") c.i++;
  // A "]" right after "[" or "[^" is a literal in JavaScript only without u/v; either way it ends an
  // empty class there. Nested classes (v flag) are not understood.
  while (c.i < c.s.length && c.s[c.i] !== "]") {
    if (c.s[c.i] === "[") throw new Error("nested class");
    c.i += c.s[c.i] === "\\" ? 2 : 1;
  }
  if (c.s[c.i] !== "]") throw new Error("unclosed class");
  c.i++;
  return { t: "any", width: "unit" };
}

function escaped(c: Cursor): PatternNode {
  const start = c.i;
  const next = c.s[c.i + 1];
  if (next === undefined) throw new Error("trailing backslash");
  c.i += 2;
  if (next === "b") return { t: "boundary" };
  if (next === "B") return { t: "empty" };
  if (/[1-9]/.test(next)) return { t: "backref" };
  if (next === "k") {
    const end = c.s[c.i] === "<" ? c.s.indexOf(">", c.i) : -1;
    if (end >= 0) c.i = end + 1;
    return { t: "backref" };
  }
  if (next === "p" || next === "P" || next === "u") {
    if (c.s[c.i] === "{") {
      const end = c.s.indexOf("}", c.i);
      if (end < 0) throw new Error("unclosed escape");
      c.i = end + 1;
      return { t: "any", width: 2 };
    }
    if (next === "u") {
      // \uXXXX is one code unit (a surrogate pair is written as two of them).
      c.i += 4;
      return { t: "any", width: 1 };
    }
    return { t: "any", width: 2 };
  }
  if ("dDwWsS".includes(next)) return { t: "any", width: "unit" };
  if (next === "x") c.i += 2;
  else if (next === "c") c.i += 1;
  // A legacy octal escape (`\012`) is one character, its digits included.
  else if (next === "0") while (c.i < c.s.length && /[0-7]/.test(c.s[c.i]!) && c.i - start < 4) c.i++;
  // Control and hex escapes, and letters or digits whose meaning depends on the flags.
  if (/[0-9A-Za-z]/.test(next)) return { t: "any", width: 1 };
  // An escaped syntax character (`\.`, `\/`, `\-`): itself.
  return { t: "char", ch: next };
}
