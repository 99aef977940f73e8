/**
 * Finds which of many literal keywords occur in a text in one pass. Testing each rule's keywords
 * with `includes` re-reads the file once per keyword (hundreds of times), which dominated scans.
 * Keywords are indexed by their first two characters; a 64 Ki-bit table rejects most positions with
 * one array read, and only the few candidates for a matching pair are compared.
 */
export class KeywordIndex {
  private readonly bits = new Uint8Array(65536 / 8);
  private readonly byPair = new Map<number, string[]>();
  readonly size: number;

  constructor(keywords: Iterable<string>) {
    const unique = new Set<string>();
    for (const k of keywords) if (k.length >= 2) unique.add(k);
    this.size = unique.size;
    for (const k of unique) {
      const pair = (k.charCodeAt(0) << 8) ^ k.charCodeAt(1);
      const key = pair & 0xffff;
      this.bits[key >> 3]! |= 1 << (key & 7);
      const list = this.byPair.get(key);
      if (list) list.push(k);
      else this.byPair.set(key, [k]);
    }
  }

  /** The keywords present in `text` (already lower-cased by the caller). */
  present(text: string): Set<string> {
    const found = new Set<string>();
    const bits = this.bits;
    let prev = text.length ? text.charCodeAt(0) : 0;
    for (let i = 1; i < text.length; i++) {
      const cur = text.charCodeAt(i);
      const key = ((prev << 8) ^ cur) & 0xffff;
      prev = cur;
      if ((bits[key >> 3]! & (1 << (key & 7))) === 0) continue;
      const list = this.byPair.get(key);
      if (!list) continue;
      for (const k of list) {
        if (
          k.charCodeAt(0) === text.charCodeAt(i - 1) &&
          k.charCodeAt(1) === cur &&
          !found.has(k) &&
          text.startsWith(k, i - 1)
        )
          found.add(k);
      }
      if (found.size === this.size) break;
    }
    return found;
  }
}

/** Every match of a rule contains one of its keywords, so a match lies within this reach of one. */
export const WINDOW_REACH = 1024;
const MAX_POSITIONS = 4096;

/**
 * The parts of a file where a rule's regex can match: every keyword occurrence widened by
 * WINDOW_REACH characters and out to whole lines, merged. Prose rules have common keywords ("user",
 * "system") but their regexes begin with word alternations that cannot be skipped through quickly;
 * running them only near their keywords keeps the scan linear in the text that matters. Matches
 * longer than WINDOW_REACH characters are the only ones this could cut short.
 */
export class KeywordWindows {
  private readonly positions = new Map<string, number[] | null>();
  private readonly whole: [number, number][];

  constructor(
    private readonly text: string,
    private readonly lower: string,
  ) {
    this.whole = [[0, text.length]];
  }

  private positionsOf(keyword: string): number[] | null {
    let list = this.positions.get(keyword);
    if (list !== undefined) return list;
    list = [];
    for (let i = this.lower.indexOf(keyword); i !== -1; i = this.lower.indexOf(keyword, i + 1)) {
      list.push(i);
      if (list.length > MAX_POSITIONS) {
        list = null;
        break;
      }
    }
    this.positions.set(keyword, list);
    return list;
  }

  for(keywords: string[]): [number, number][] {
    const { text } = this;
    // Lower-casing can change the length of some characters (e.g. "İ"); positions then do not map back.
    if (text.length < 4 * WINDOW_REACH || this.lower.length !== text.length) return this.whole;
    const spans: [number, number][] = [];
    for (const k of keywords) {
      const list = this.positionsOf(k);
      if (list === null) return this.whole;
      for (const p of list) {
        const a = text.lastIndexOf("\n", Math.max(0, p - WINDOW_REACH)) + 1;
        let b = text.indexOf("\n", Math.min(text.length, p + k.length + WINDOW_REACH));
        if (b === -1) b = text.length;
        spans.push([a, b]);
      }
    }
    spans.sort((x, y) => x[0] - y[0]);
    const merged: [number, number][] = [];
    for (const s of spans) {
      const last = merged[merged.length - 1];
      if (last && s[0] <= last[1] + 1) last[1] = Math.max(last[1], s[1]);
      else merged.push([s[0], s[1]]);
    }
    let covered = 0;
    for (const [a, b] of merged) covered += b - a;
    return covered > text.length * 0.6 ? this.whole : merged;
  }
}
