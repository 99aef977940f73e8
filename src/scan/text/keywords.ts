import type { LineIndex } from "./lines.js";

/** Every match of a rule contains one of its keywords, so a match lies within this reach of one. */
export const WINDOW_REACH = 1024;
const MAX_POSITIONS = 4096;

/**
 * Finds which of many literal keywords occur in a text, and where, in one pass: an Aho-Corasick
 * automaton compiled to a dense transition table over the keywords' own characters. Every other
 * character sends the automaton back to its root with one table read, so the cost is one or two
 * array reads per character whatever the number of keywords. (A per-keyword `indexOf` re-reads the
 * file hundreds of times; a bigram table still stopped on every common letter pair, e.g. "us" of
 * "user", and measured ~16 MB/s on real skills.)
 */
export class KeywordIndex {
  readonly keywords: readonly string[];
  /** UTF-16 code unit → alphabet class; 0 for characters no keyword contains. */
  private readonly classOf = new Uint8Array(65536);
  private readonly width: number;
  /**
   * delta[state * width + class] → next state (a complete DFA: failure links folded in). 16 bits a
   * cell when the states fit: the table is read once per character and is several MB, so half the
   * size is fewer cache misses.
   */
  private readonly delta: Uint16Array | Uint32Array;
  /** Keyword ids that end at a state, including those reached through failure links. */
  private readonly out: (readonly number[] | undefined)[];
  /** locate()'s positions by keyword id, all undefined between calls. */
  private readonly scratch: (number[] | undefined)[];

  constructor(keywords: Iterable<string>) {
    this.keywords = [...new Set([...keywords].filter((k) => k.length > 0))];
    let classes = 1;
    for (const k of this.keywords)
      for (let i = 0; i < k.length; i++) {
        const c = k.charCodeAt(i);
        if (this.classOf[c] === 0) {
          if (classes === 256) throw new Error("keyword alphabet over 255 characters");
          this.classOf[c] = classes++;
        }
      }
    const width = classes;
    this.width = width;
    // Trie with sparse children (state → class → child), numbered breadth-first below: the dense
    // table is then written once, in its final order, with no per-state arrays of `width` cells
    // (with the rules' anchors there are ~9,000 states: such arrays were ~15 MB of garbage per thread).
    const children: Map<number, number>[] = [new Map()];
    const outs: number[][] = [[]];
    this.keywords.forEach((k, id) => {
      let s = 0;
      for (let i = 0; i < k.length; i++) {
        const cls = this.classOf[k.charCodeAt(i)]!;
        let next = children[s]!.get(cls);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          outs.push([]);
          children[s]!.set(cls, next);
        }
        s = next;
      }
      outs[s]!.push(id);
    });
    // Breadth-first order; the shallow states, where most characters of a text leave the automaton,
    // then sit together at the start of the table.
    const order = [0];
    for (let qi = 0; qi < order.length; qi++)
      for (const child of children[order[qi]!]!.values()) order.push(child);
    const renamed = new Uint32Array(children.length);
    order.forEach((old, now) => {
      renamed[old] = now;
    });
    // delta[state * width + class] in the new numbering: a child, else the failure state's move
    // (already written: failure states are shallower, so earlier in breadth-first order).
    const n = children.length;
    const delta = n <= 0xffff ? new Uint16Array(n * width) : new Uint32Array(n * width);
    const fail = new Uint32Array(n);
    const out: (number[] | undefined)[] = new Array(n);
    for (let now = 0; now < n; now++) {
      const old = order[now]!;
      const f = fail[now]!;
      const mine = outs[old]!;
      if (now > 0 && out[f]) mine.push(...out[f]!);
      out[now] = mine.length ? mine : undefined;
      const row = now * width;
      for (let cls = 1; cls < width; cls++) {
        const child = children[old]!.get(cls);
        if (child !== undefined) {
          const c = renamed[child]!;
          delta[row + cls] = c;
          // The root's children fail to the root; deeper ones to where the parent's failure goes.
          fail[c] = now === 0 ? 0 : delta[f * width + cls]!;
        } else delta[row + cls] = now === 0 ? 0 : delta[f * width + cls]!;
      }
    }
    this.delta = delta;
    this.out = out;
    this.scratch = new Array<number[] | undefined>(this.keywords.length).fill(undefined);
  }

  get size(): number {
    return this.keywords.length;
  }

  /** The keywords present in `text` (already lower-cased by the caller). */
  present(text: string): Set<string> {
    return new Set(this.locate(text).keys());
  }

  /**
   * Each keyword found in `text` with the start offsets of its occurrences, or null once it
   * occurs more than `maxPositions` times (then callers treat it as "everywhere").
   */
  locate(text: string, maxPositions = MAX_POSITIONS): Map<string, number[] | null> {
    const { classOf, delta, width, out, keywords } = this;
    // Positions by keyword id while scanning (no string hashing per occurrence), in a table kept
    // between calls and cleared through `touched` (a call costs what it finds, not the number of
    // keywords); `full` marks a keyword past maxPositions.
    const lists = this.scratch;
    const touched: number[] = [];
    const full = new Set<number>();
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const cls = classOf[text.charCodeAt(i)]!;
      if (cls === 0) {
        s = 0;
        continue;
      }
      s = delta[s * width + cls]!;
      const ids = out[s];
      if (ids === undefined) continue;
      for (const id of ids) {
        const at = i + 1 - keywords[id]!.length;
        const list = lists[id];
        if (list === undefined) {
          lists[id] = [at];
          touched.push(id);
        } else if (list.length < maxPositions) list.push(at);
        else full.add(id);
      }
    }
    const hits = new Map<string, number[] | null>();
    for (const id of touched) {
      hits.set(keywords[id]!, full.has(id) ? null : lists[id]!);
      lists[id] = undefined;
    }
    return hits;
  }
}

/**
 * The parts of a file where a rule's regex can match: every keyword occurrence widened by
 * WINDOW_REACH characters and out to whole lines, merged. Prose rules have common keywords ("user",
 * "system") but their regexes begin with word alternations that cannot be skipped through quickly;
 * running them only near their keywords keeps the scan linear in the text that matters. Matches
 * longer than WINDOW_REACH characters are the only ones this could cut short.
 */
/** [from, to, cut]: cut when an edge falls inside a line, so a match there needs confirming. */
export type Window = [from: number, to: number, cut: boolean];

export class KeywordWindows {
  private readonly whole: Window[];

  /** `hits` are the keyword positions in `lower`, from KeywordIndex.locate; `lines` indexes `text`. */
  constructor(
    private readonly text: string,
    private readonly lower: string,
    private readonly hits: ReadonlyMap<string, number[] | null>,
    private readonly lines: LineIndex,
  ) {
    this.whole = [[0, text.length, false]];
  }

  private positionsOf(keyword: string): number[] | null {
    // null (more occurrences than locate() keeps) means "everywhere"; `?? []` would read it as
    // "nowhere" and let a file that repeats a keyword thousands of times switch its rules off.
    const list = this.hits.get(keyword);
    return list === undefined ? [] : list;
  }

  /**
   * Windows widen to whole lines so that `^`, `$`, `\b` and lookbehinds see what they would see in
   * the whole file; a line longer than WINDOW_REACH on that side is cut instead (else one huge line
   * makes every window the whole file), and the window is marked `cut`: its matches must be
   * confirmed against the whole text.
   */
  for(keywords: string[], maxLength = WINDOW_REACH): Window[] {
    const { text, lines } = this;
    // A match holds its keyword, so it lies within its own longest length of it on either side.
    const reach = Math.min(WINDOW_REACH, maxLength);
    // Lower-casing can change the length of some characters (e.g. "İ"); positions then do not map back.
    if (text.length < 4 * WINDOW_REACH || this.lower.length !== text.length) return this.whole;
    const spans: Window[] = [];
    for (const k of keywords) {
      const list = this.positionsOf(k);
      if (list === null) return this.whole;
      for (const p of list) {
        const from = Math.max(0, p - reach);
        const to = Math.min(text.length, p + k.length + reach);
        const lineStart = lines.lineStart(lines.position(from).line);
        const lineEnd = lines.lineEnd(lines.position(to).line);
        const cutStart = from - lineStart > reach;
        const cutEnd = lineEnd - to > reach;
        spans.push([cutStart ? from : lineStart, cutEnd ? to : lineEnd, cutStart || cutEnd]);
      }
    }
    spans.sort((x, y) => x[0] - y[0]);
    const merged: Window[] = [];
    for (const s of spans) {
      const last = merged[merged.length - 1];
      if (last && s[0] <= last[1] + 1) {
        if (s[1] > last[1]) {
          last[1] = s[1];
          last[2] = last[2] || s[2];
        }
      } else merged.push([s[0], s[1], s[2]]);
    }
    let covered = 0;
    for (const [a, b] of merged) covered += b - a;
    return covered > text.length * 0.6 ? this.whole : merged;
  }
}

/**
 * Characters a case-insensitive regex matches as another letter that `toLowerCase` leaves alone: the
 * long s (`/s/iu` matches "ſ") and the Cyrillic letter variants U+1C80–U+1C88 (`/в/i` matches "ᲀ").
 * Each folds to one code unit, so offsets in the folded text are the text's own.
 */
const FOLDS: Record<string, string> = {
  "\u017f": "s",
  "\u1c80": "\u0432",
  "\u1c81": "\u0434",
  "\u1c82": "\u043e",
  "\u1c83": "\u0441",
  "\u1c84": "\u0442",
  "\u1c85": "\u0442",
  "\u1c86": "\u044a",
  "\u1c87": "\u0463",
  "\u1c88": "\ua64b",
};
const FOLDED = /[\u017f\u1c80-\u1c88]/g;

/**
 * The text the keyword prefilter reads: lower-cased, with the letters above folded, so a keyword or
 * anchor written with one of them is still found where the rule's regex would match it.
 */
export function lowerForKeywords(text: string): string {
  const lower = text.toLowerCase();
  FOLDED.lastIndex = 0;
  return FOLDED.test(lower) ? lower.replace(FOLDED, (c) => FOLDS[c] ?? c) : lower;
}
