// Markdown prose is often wrapped by hand: one sentence over two or three lines of the same paragraph
// ("Download https://…/core.zip and⏎launch core.exe once."). The agent reads the paragraph as one
// sentence; a rule that stops at a line end (`[^\n]`) would read two harmless halves. This joins the
// lines of each wrapped prose paragraph with spaces, keeping every offset where it was (the text keeps
// its length), so a second pass of the instruction rules can read wrapped sentences and report them at
// their place in the file. Only those paragraphs: the rest was read as written by the first pass, and
// leaving it out keeps the second pass to a fraction of the first.

/** Code fence opener or closer (up to three spaces of indentation, as CommonMark allows). */
const FENCE = /^ {0,3}(?:`{3,}|~{3,})/;
/** A line that starts a block of its own, so the line before it ends a paragraph. */
const STARTS_BLOCK = /^\s*(?:[-*+]\s|\d{1,9}[.)]\s|#|>|\||<|(?:`{3,}|~{3,})|(?:=+|-+)\s*$)/;
/** A line that is not part of a paragraph's running text. */
const NOT_PROSE = /^\s*(?:#|\||(?:`{3,}|~{3,}))/;

/**
 * The prose paragraphs of `text` (outside fenced code, after `from`) that are wrapped over several
 * lines, each with its line breaks replaced by spaces; everything else blanked to spaces, since what
 * lies outside them was read as written already. Undefined when no paragraph is wrapped. Same length
 * as `text`: offsets keep their meaning.
 */
export function joinSoftWraps(text: string, from = 0): string | undefined {
  const breaks: number[] = [];
  /** [start, end) of each wrapped paragraph, in order. */
  const runs: [number, number][] = [];
  let runStart = -1;
  let inFence = false;
  let start = from;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    let joined = false;
    if (FENCE.test(line)) inFence = !inFence;
    else if (!inFence && end < text.length && line.trim() !== "" && !NOT_PROSE.test(line)) {
      const nextEnd = text.indexOf("\n", end + 1);
      const next = text.slice(end + 1, nextEnd === -1 ? text.length : nextEnd);
      joined = next.trim() !== "" && !STARTS_BLOCK.test(next);
    }
    if (joined) {
      if (runStart < 0) runStart = start;
      breaks.push(text[end - 1] === "\r" ? end - 1 : end);
    } else if (runStart >= 0) {
      runs.push([runStart, text[end - 1] === "\r" ? end - 1 : end]);
      runStart = -1;
    }
    start = end + 1;
  }
  if (runs.length === 0) return undefined;
  let out = "";
  let at = 0;
  let b = 0;
  for (const [s, e] of runs) {
    out += " ".repeat(s - at);
    let piece = "";
    let from2 = s;
    for (; b < breaks.length && (breaks[b] ?? e) < e; b++) {
      const k = breaks[b] ?? e;
      const width = text[k] === "\r" ? 2 : 1;
      piece += `${text.slice(from2, k)}${" ".repeat(width)}`;
      from2 = k + width;
    }
    out += piece + text.slice(from2, e);
    at = e;
  }
  return out + " ".repeat(text.length - at);
}
