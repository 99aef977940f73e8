/** Maps string offsets to 1-based line and column, built once per file. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.starts[lo] ?? 0) + 1 };
  }

  lineText(line: number): string {
    const start = this.starts[line - 1] ?? 0;
    const next = this.starts[line];
    return this.text.slice(start, next === undefined ? undefined : next - 1);
  }

  /** Offset where `line` (1-based) starts: 0 before the first line, the text's length after the last. */
  lineStart(line: number): number {
    if (line < 1) return 0;
    return this.starts[line - 1] ?? this.text.length;
  }

  /** Offset of the newline that ends `line` (1-based), or the text's length for the last line. */
  lineEnd(line: number): number {
    const next = this.starts[line];
    return next === undefined ? this.text.length : next - 1;
  }

  get lineCount(): number {
    return this.starts.length;
  }
}

const INVISIBLE =
  /[\u0000-\u0008\u000b-\u001f\u007f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|\udb40[\udc00-\udc7f]/g;

/** Makes invisible characters visible, so an excerpt never hides what it reports. */
export function escapeInvisible(s: string): string {
  return s.replace(INVISIBLE, (c) => {
    const cp = c.codePointAt(0) ?? 0;
    return `\\u{${cp.toString(16).toUpperCase()}}`;
  });
}

/** One line of context around a match, at most `max` characters, invisible characters escaped. */
export function excerptAround(index: LineIndex, offset: number, length: number, max = 160): string {
  const { line, column } = index.position(offset);
  const text = index.lineText(line);
  const start = column - 1;
  let from = Math.max(0, start - 40);
  let to = Math.min(text.length, Math.max(start + Math.min(length, max), from + max));
  if (to - from > max) to = from + max;
  if (start + length <= from) from = start;
  const body = text.slice(from, to).trim();
  return escapeInvisible((from > 0 ? "…" : "") + body + (to < text.length ? "…" : ""));
}
