// Literals every match of a rule's pattern must contain, read from the pattern itself: the rule's
// regex then runs only in windows that hold one of each set (as RE2's and Hyperscan's literal
// prefilters do). A rule's declared keywords say where to look; these say where a match is still
// possible. The prose rules are keyed on common words ("api", "key", "user") but begin with verbs or
// end with an address that most windows lack, and their regexes cost the most per character read.
//
// Sound, not complete: a set is only returned when the pattern, as parsed here, cannot match without
// one of its strings; anything not understood (a class, `.`, a back-reference, an unknown escape, a
// character whose case folds to another script) counts as "any text" and requires nothing.

import { type PatternNode, parsePattern } from "./pattern.js";

/** A literal (lower-cased), and whether a word boundary (`\\b`) stands on its left and right. */
export interface Anchor {
  text: string;
  wordStart: boolean;
  wordEnd: boolean;
}

/** Anchors of which every match (of one branch) contains at least one. */
export type AnchorSet = readonly Anchor[];

/**
 * The pattern's top-level branches, each with the sets a match of it requires (all of them): a
 * window where no branch has one anchor of each of its sets cannot hold a match.
 */
export type Anchors = readonly (readonly AnchorSet[])[];

/** Stands for `\\b` inside the exact strings while they are built; removed from the anchors. */
const B = "\u0001";

/**
 * Anchors as plain strings, as a compiled rule carries them: a digit for the word boundaries (1 on
 * the left, 2 on the right, 3 both, 0 none), then the literal. Computed once where rules are
 * compiled, they reach workers and the bundled Action as data (worked out from the patterns at
 * start-up, they cost a cold Action ~60 ms).
 */
export type EncodedAnchors = readonly (readonly (readonly string[])[])[];

export function encodeAnchors(anchors: Anchors): EncodedAnchors {
  return anchors.map((branch) =>
    branch.map((set) => set.map((a) => `${(a.wordStart ? 1 : 0) + (a.wordEnd ? 2 : 0)}${a.text}`)),
  );
}

export function decodeAnchors(encoded: EncodedAnchors): Anchors {
  return encoded.map((branch) =>
    branch.map((set) =>
      set.map((raw) => {
        const flags = raw.charCodeAt(0) - 48;
        return { text: raw.slice(1), wordStart: (flags & 1) === 1, wordEnd: (flags & 2) === 2 };
      }),
    ),
  );
}

/** What a part of the pattern matches: its exact strings when few and known, and the sets it requires. */
interface Info {
  exact?: string[];
  req: string[][];
}

const MAX_EXACT = 256;
const MAX_SET = 400;
const MAX_SETS_PER_RULE = 3;
const NOTHING: Info = { req: [] };
const EMPTY: Info = { exact: [""], req: [] };
const BOUNDARY: Info = { exact: ["\u0001"], req: [] };

/**
 * The anchors of `source`: for each top-level branch, at most three sets, the most selective first;
 * undefined when some branch requires no useful literal (or the pattern is not understood).
 */
export function requiredLiterals(source: string): Anchors | undefined {
  let tree: PatternNode;
  try {
    tree = parsePattern(source);
  } catch {
    return undefined;
  }
  const branches = (tree.t === "alt" ? tree.branches : [tree]).map(infoOf);
  const out: AnchorSet[][] = [];
  for (const b of branches) {
    const sets = b.exact ? [...b.req, b.exact] : b.req;
    const good = sets
      .filter(useful)
      .sort((x, y) => score(y) - score(x))
      .slice(0, MAX_SETS_PER_RULE);
    if (good.length === 0) return undefined;
    out.push(good.map(toAnchors));
  }
  return out;
}

const WORD = /^[a-z0-9_]$/;

function toAnchors(set: readonly string[]): Anchor[] {
  const seen = new Set<string>();
  const out: Anchor[] = [];
  for (const raw of set) {
    const text = raw.replaceAll(B, "");
    // A boundary only says something next to a word character: `\\b.env` needs a word before it.
    const wordStart = raw.startsWith(B) && WORD.test(text[0] ?? "");
    const wordEnd = raw.endsWith(B) && WORD.test(text[text.length - 1] ?? "");
    const key = `${wordStart ? 1 : 0}${wordEnd ? 1 : 0}${text}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ text, wordStart, wordEnd });
    }
  }
  // An unbounded anchor found inside a longer one is found wherever the longer one is.
  return out.filter(
    (a) =>
      !out.some(
        (o) =>
          o !== a && !o.wordStart && !o.wordEnd && o.text.length < a.text.length && a.text.includes(o.text),
      ),
  );
}

/** Characters whose lower case is one code unit and that no other character folds to (see lowerForKeywords in text/keywords.ts). */
function literalChar(ch: string): string | undefined {
  const code = ch.charCodeAt(0);
  const ok =
    (code >= 0x20 && code <= 0x7e) ||
    (code >= 0xc0 && code <= 0x24f && code !== 0x130 && code !== 0x131 && code !== 0x17f) ||
    (code >= 0x400 && code <= 0x4ff) ||
    (code >= 0x3040 && code <= 0x9fff);
  if (!ok) return undefined;
  const lower = ch.toLowerCase();
  return lower.length === 1 ? lower : undefined;
}

/**
 * A set worth looking for: every string long enough to be rare. Each occurrence of an anchor costs
 * the prefilter a little whether or not its boundaries hold, so short strings ("the", "end") cost
 * more than they save unless they are whole words; two characters of a non-Latin script are rare
 * enough.
 */
function useful(set: readonly string[]): boolean {
  return measured(set).useful;
}

/** Longer strings, whole words and fewer strings are rarer in text. */
function score(set: readonly string[]): number {
  return measured(set).score;
}

const measures = new WeakMap<readonly string[], { useful: boolean; score: number }>();

/** useful() and score() of a set, worked out once (sets are compared many times while sorting). */
function measured(set: readonly string[]): { useful: boolean; score: number } {
  let m = measures.get(set);
  if (!m) {
    let ok = set.length > 0 && set.length <= MAX_SET;
    let min = Number.POSITIVE_INFINITY;
    for (const raw of set) {
      const s = raw.includes(B) ? raw.replaceAll(B, "") : raw;
      ok &&=
        s.length >= 4 ||
        (s.length === 3 && /[^\x00-\x7f]/.test(s)) ||
        (s.length === 2 && /[^\x00-\u2fff]/.test(s));
      const bounded = (raw.startsWith(B) ? 1 : 0) + (raw.endsWith(B) ? 1 : 0);
      min = Math.min(min, s.length + bounded);
    }
    m = { useful: ok, score: min * 100 - set.length };
    measures.set(set, m);
  }
  return m;
}

function best(sets: string[][]): string[] | undefined {
  const good = sets.filter(useful);
  return good.sort((a, b) => score(b) - score(a))[0];
}

/** What `n` matches, for the anchors. */
function infoOf(n: PatternNode): Info {
  switch (n.t) {
    case "alt":
      return alternation(n.branches.map(infoOf));
    case "seq":
      return sequence(n.items.map(infoOf));
    case "rep":
      return repeated(infoOf(n.node), n.min, n.max);
    case "group":
      // A lookaround matches no text of its own: what it requires may lie outside the match.
      return n.look ? EMPTY : infoOf(n.node);
    case "char": {
      const lit = literalChar(n.ch);
      return lit === undefined ? NOTHING : { exact: [lit], req: [] };
    }
    case "boundary":
      return BOUNDARY;
    case "empty":
      return EMPTY;
    case "any":
    case "backref":
      return NOTHING;
  }
}

function alternation(branches: Info[]): Info {
  if (branches.every((b) => b.exact)) {
    const exact = branches.flatMap((b) => b.exact!);
    if (exact.length <= MAX_EXACT) return { exact, req: [] };
  }
  // Each branch must bring one set of its own; the union is then required of the whole.
  const picks: string[][] = [];
  for (const b of branches) {
    const pick = best(b.exact ? [b.exact, ...b.req] : b.req);
    if (!pick) return NOTHING;
    picks.push(pick);
  }
  const union = picks.flat();
  return union.length <= MAX_SET ? { req: [union] } : NOTHING;
}

function sequence(items: Info[]): Info {
  const req: string[][] = [];
  let cur: string[] | undefined = [""];
  let allExact = true;
  const flush = () => {
    if (cur && useful(cur)) req.push(cur);
  };
  for (const item of items) {
    req.push(...item.req);
    if (item.exact) {
      if (cur && cur.length * item.exact.length <= MAX_EXACT) {
        const prev: string[] = cur;
        cur = prev.flatMap((a) => item.exact!.map((b) => a + b));
      } else {
        flush();
        cur = item.exact;
        allExact = false;
      }
    } else {
      flush();
      cur = [""];
      allExact = false;
    }
  }
  if (allExact) return { exact: cur, req };
  flush();
  return { req };
}

function repeated(info: Info, min: number, max: number): Info {
  if (min === 0) {
    const exact = max === 1 && info.exact && info.exact.length < MAX_EXACT ? [...info.exact, ""] : undefined;
    return exact ? { exact, req: [] } : NOTHING;
  }
  if (max === 1) return info;
  // Repeated: each match holds at least one repetition, so whatever one requires.
  return { req: info.exact ? [...info.req, info.exact] : info.req };
}
