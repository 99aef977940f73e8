// Markdown prose is often wrapped by hand: one sentence over two or three lines of the same paragraph
// ("Download https://…/core.zip and⏎launch core.exe once."). The agent reads the paragraph as one
// sentence; a rule that stops at a line end (`[^\n]`) would read two harmless halves. This joins the
// lines of each prose paragraph with spaces, keeping every offset where it was (the text keeps its
// length), so a second pass of the instruction rules can read wrapped sentences and report them at
// their place in the file.

/** Code fence opener or closer (up to three spaces of indentation, as CommonMark allows). */
const FENCE = /^ {0,3}(?:`{3,}|~{3,})/;
/** A line that starts a block of its own, so the line before it ends a paragraph. */
const STARTS_BLOCK = /^\s*(?:[-*+]\s|\d{1,9}[.)]\s|#|>|\||<|(?:`{3,}|~{3,})|(?:=+|-+)\s*$)/;
/** A line that is not part of a paragraph's running text. */
const NOT_PROSE = /^\s*(?:#|\||(?:`{3,}|~{3,}))/;

/**
 * `text` with the line breaks inside prose paragraphs (outside fenced code, after `from`) replaced by
 * spaces, or undefined when it has none. Same length as `text`: offsets keep their meaning.
 */
export function joinSoftWraps(text: string, from = 0): string | undefined {
  const breaks: number[] = [];
  let inFence = false;
  let start = from;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    if (FENCE.test(line)) inFence = !inFence;
    else if (!inFence && end < text.length && line.trim() !== "" && !NOT_PROSE.test(line)) {
      const nextEnd = text.indexOf("\n", end + 1);
      const next = text.slice(end + 1, nextEnd === -1 ? text.length : nextEnd);
      if (next.trim() !== "" && !STARTS_BLOCK.test(next)) {
        breaks.push(text[end - 1] === "\r" ? end - 1 : end);
      }
    }
    start = end + 1;
  }
  if (breaks.length === 0) return undefined;
  let joined = "";
  let at = 0;
  for (const b of breaks) {
    const width = text[b] === "\r" ? 2 : 1;
    joined += `${text.slice(at, b)}${" ".repeat(width)}`;
    at = b + width;
  }
  return joined + text.slice(at);
}
