// How far a rule's match can reach from the keyword it contains: the longest text (in UTF-16 code
// units) its pattern can match. The text rules run only in windows around their keywords
// (text/keywords.ts); a window of this reach on each side of a keyword holds every match that
// contains that keyword, so a rule whose matches are short reads a few lines, not 1 kB each side.

import { type PatternNode, parsePattern } from "./pattern.js";

/**
 * The longest match of `source` in code units, or Infinity when it is unbounded (`*`, `+`, `{n,}`,
 * a back-reference) or the pattern is not understood. Lookarounds, `^`, `$` and `\b` match no text.
 */
export function maxMatchLength(source: string, flags: string): number {
  let tree: PatternNode;
  try {
    tree = parsePattern(source);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
  // `u`/`v` flag: a class, escape or `.` can match a surrogate pair (two code units).
  return longest(tree, /[uv]/.test(flags) ? 2 : 1);
}

function longest(n: PatternNode, unit: number): number {
  switch (n.t) {
    case "alt":
      return Math.max(...n.branches.map((b) => longest(b, unit)));
    case "seq":
      return n.items.reduce((sum, item) => sum + longest(item, unit), 0);
    case "rep": {
      const len = longest(n.node, unit);
      return len === 0 ? 0 : len * n.max;
    }
    case "group":
      return n.look ? 0 : longest(n.node, unit);
    case "char":
      return 1;
    case "any":
      return n.width === "unit" ? unit : n.width;
    case "empty":
    case "boundary":
      return 0;
    case "backref":
      return Number.POSITIVE_INFINITY;
  }
}
