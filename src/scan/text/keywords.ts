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
