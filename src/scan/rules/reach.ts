// How far a rule's match can reach from the keyword it contains: the longest text (in UTF-16 code
// units) its pattern can match. The text rules run only in windows around their keywords
// (text/keywords.ts); a window of this reach on each side of a keyword holds every match that
// contains that keyword, so a rule whose matches are short reads a few lines, not 1 kB each side.

/** Pattern read so far: a cursor over its source. */
interface Cursor {
  s: string;
  i: number;
  /** `u`/`v` flag: a class, escape or `.` can match a surrogate pair (two code units). */
  unit: number;
}

/**
 * The longest match of `source` in code units, or Infinity when it is unbounded (`*`, `+`, `{n,}`,
 * a back-reference) or the pattern is not understood. Lookarounds, `^`, `$` and `\b` match no text.
 */
export function maxMatchLength(source: string, flags: string): number {
  const c: Cursor = { s: source, i: 0, unit: /[uv]/.test(flags) ? 2 : 1 };
  try {
    const n = alternation(c);
    return c.i === source.length ? n : Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function alternation(c: Cursor): number {
  let max = sequence(c);
  while (c.s[c.i] === "|") {
    c.i++;
    max = Math.max(max, sequence(c));
  }
  return max;
}

function sequence(c: Cursor): number {
  let sum = 0;
  while (c.i < c.s.length && c.s[c.i] !== "|" && c.s[c.i] !== ")") sum += quantified(c, atom(c));
  return sum;
}

function quantified(c: Cursor, len: number): number {
  const ch = c.s[c.i];
  let times = 1;
  if (ch === "*" || ch === "+") {
    c.i++;
    times = Number.POSITIVE_INFINITY;
  } else if (ch === "?") {
    c.i++;
  } else if (ch === "{") {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(c.s.slice(c.i));
    if (m) {
      c.i += m[0].length;
      times = m[2] === undefined ? Number(m[1]) : m[3] ? Number(m[3]) : Number.POSITIVE_INFINITY;
    } else return len; // a literal "{" (Annex B), already counted by atom()
  } else return len;
  if (c.s[c.i] === "?") c.i++; // lazy
  return len === 0 ? 0 : len * times;
}

function atom(c: Cursor): number {
  const ch = c.s[c.i]!;
  if (ch === "(") {
    c.i++;
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
    const inner = alternation(c);
    if (c.s[c.i] !== ")") throw new Error("unclosed group");
    c.i++;
    return look ? 0 : inner;
  }
  if (ch === "[") {
    c.i++;
    if (c.s[c.i] === "^") c.i++;
    // A "]" right after "[" or "[^" is a literal in JavaScript only without u/v; either way it ends
    // an empty class there. Nested classes (v flag) are not understood.
    while (c.i < c.s.length && c.s[c.i] !== "]") {
      if (c.s[c.i] === "[") throw new Error("nested class");
      c.i += c.s[c.i] === "\\" ? 2 : 1;
    }
    if (c.s[c.i] !== "]") throw new Error("unclosed class");
    c.i++;
    return c.unit;
  }
  if (ch === "\\") return escaped(c);
  c.i++;
  if (ch === "^" || ch === "$") return 0;
  if (ch === ".") return c.unit;
  if (ch === "*" || ch === "+" || ch === "?") throw new Error("nothing to repeat");
  return 1;
}

function escaped(c: Cursor): number {
  const next = c.s[c.i + 1];
  if (next === undefined) throw new Error("trailing backslash");
  c.i += 2;
  if (next === "b" || next === "B") return 0;
  if (/[1-9]/.test(next) || next === "k") return Number.POSITIVE_INFINITY;
  if (next === "p" || next === "P" || next === "u") {
    if (c.s[c.i] === "{") {
      const end = c.s.indexOf("}", c.i);
      if (end < 0) throw new Error("unclosed escape");
      c.i = end + 1;
      return 2;
    }
    if (next === "u") {
      // \uXXXX is one code unit (a surrogate pair is written as two of them).
      c.i += 4;
      return 1;
    }
    return 2;
  }
  if (next === "x") c.i += 2;
  else if (next === "c") c.i += 1;
  return next === "d" || next === "w" || next === "s" || next === "D" || next === "W" || next === "S"
    ? c.unit
    : 1;
}
