import { parse, postprocess, preprocess } from "micromark";
import type { TextContext } from "../types.js";

export interface ContextRange {
  start: number;
  end: number;
  context: TextContext;
}

// micromark token types that change how a match weighs; everything else is prose.
const CONTEXT_OF: Record<string, TextContext> = {
  codeFenced: "code-block",
  codeIndented: "code-block",
  codeText: "inline-code",
  htmlFlow: "html-comment",
  htmlText: "html-comment",
  link: "link",
  image: "link",
  definition: "link",
  autolinkProtocol: "link",
};

/**
 * Outermost context ranges of a Markdown document, from micromark's event stream (the tokenizer
 * mdast is built from; we need positions only, so we skip building the tree).
 */
export function markdownContexts(markdown: string): ContextRange[] {
  const events = postprocess(
    parse()
      .document()
      .write(preprocess()(markdown, undefined, true)),
  );
  const ranges: ContextRange[] = [];
  let depth = 0;
  let open: { type: string; start: number } | null = null;
  for (const [kind, token] of events) {
    const ctx = CONTEXT_OF[token.type];
    if (!ctx) continue;
    if (kind === "enter") {
      if (depth === 0) open = { type: token.type, start: token.start.offset };
      depth++;
    } else {
      depth--;
      if (depth === 0 && open) {
        let context = CONTEXT_OF[open.type] ?? "prose";
        // HTML that is not a comment is markup the reader sees rendered, so it weighs as prose.
        if (context === "html-comment" && !markdown.startsWith("<!--", token.start.offset)) context = "prose";
        ranges.push({ start: open.start, end: token.end.offset, context });
        open = null;
      }
    }
  }
  return ranges;
}

/** Finds the context of an offset in sorted, non-overlapping ranges. */
export function contextAt(ranges: ContextRange[], offset: number): TextContext {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (offset < r.start) hi = mid - 1;
    else if (offset >= r.end) lo = mid + 1;
    else return r.context;
  }
  return "prose";
}
