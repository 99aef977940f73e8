import MarkdownIt from "markdown-it";
import { parse, postprocess, preprocess } from "micromark";
import type { StageClock } from "../profile.js";
import { LineIndex } from "../text/lines.js";
import type { TextContext } from "../types.js";

/** Where an offset of a Markdown document sits: prose, code, a link, an HTML comment. */
export type ContextOf = (offset: number) => TextContext;

interface Range {
  start: number;
  end: number;
  context: TextContext;
}

interface Block {
  startLine: number;
  /** Exclusive. */
  endLine: number;
  kind: "code" | "html" | "inline";
  /** The block's text cut into pieces of at most MAX_PIECE characters, each parsed on first use. */
  pieces?: Piece[];
}

interface Piece {
  start: number;
  end: number;
  /** Inline contexts (document offsets). */
  ranges?: Range[];
}

/**
 * micromark's inline parsing is quadratic on some hostile inputs (every unclosed `<!--` or backtick
 * run rescans the rest of its paragraph), so it never sees more than this many characters at once.
 * Real paragraphs are far shorter; a longer one is cut at line ends, a longer line anywhere.
 */
const MAX_PIECE = 4096;

// Block structure comes from markdown-it's block parser (line-mapped tokens, ~25× faster than a full
// micromark parse on real skills); positions inside a paragraph, heading or table come from
// micromark run on that block alone, which gives exact offsets. Most files never need either: the
// parse happens only when a finding or an unlisted URL needs its context.
const blockParser = new MarkdownIt({ html: true, linkify: false });
blockParser.core.ruler.disable(["inline", "linkify", "replacements", "smartquotes", "text_join"]);

/**
 * The context of offsets in `markdown` (which starts at `base` in its file). Lazy: nothing is parsed
 * until the first question.
 */
export function markdownContext(markdown: string, base = 0, clock?: StageClock): ContextOf {
  let state: ReturnType<typeof blocksOf> | undefined;
  const untimed: ContextOf = (offset) => {
    state ??= blocksOf(markdown);
    const rel = offset - base;
    if (rel < 0 || rel >= markdown.length) return "prose";
    // markdown-it counts lines from 0, LineIndex from 1.
    const line = state.lines.position(rel).line - 1;
    const block = blockAt(state.blocks, line);
    if (!block) return "prose";
    if (block.kind === "code") return "code-block";
    if (block.kind === "html") {
      const start = state.lines.lineStart(block.startLine + 1);
      return /^[ \t]*<!--/.test(markdown.slice(start, start + 64)) ? "html-comment" : "prose";
    }
    block.pieces ??= piecesOf(state.lines, block);
    const piece = block.pieces.find((p) => rel >= p.start && rel < p.end);
    if (!piece) return "prose";
    piece.ranges ??= inlineRanges(markdown, piece.start, piece.end);
    return rangeAt(piece.ranges, rel);
  };
  const contextAt: ContextOf = clock
    ? (offset) => {
        clock.enter("markdown");
        try {
          return untimed(offset);
        } finally {
          clock.leave();
        }
      }
    : untimed;
  // Code blocks are read as scripts from this same parse (one block parse per file, not two).
  fencesByContext.set(contextAt, () => {
    if (!state) {
      clock?.enter("markdown");
      state = blocksOf(markdown);
      clock?.leave();
    }
    return state.fences;
  });
  return contextAt;
}

export interface FenceInfo {
  lang: string;
  /** 0-based line of the opening fence in the parsed Markdown. */
  line: number;
  content: string;
}

const fencesByContext = new WeakMap<ContextOf, () => FenceInfo[]>();

/** The fenced code blocks of the Markdown behind a markdownContext, from its block parse. */
export function fencesOfContext(contextAt: ContextOf): FenceInfo[] | undefined {
  return fencesByContext.get(contextAt)?.();
}

function blocksOf(markdown: string): { lines: LineIndex; blocks: Block[]; fences: FenceInfo[] } {
  // markdown-it turns \r\n and lone \r into \n; a same-length stand-in keeps its lines ours.
  const src = markdown.includes("\r") ? markdown.replace(/\r/g, " ") : markdown;
  const blocks: Block[] = [];
  const fences: FenceInfo[] = [];
  let inTable = false;
  for (const t of blockParser.parse(src, {})) {
    if (t.type === "fence" && t.map) fences.push(fenceInfo(t.info, t.map[0], t.content));
    // A table is one block of text (its cells' own maps are incomplete): micromark reads it as a
    // paragraph, which finds the same inline code and links.
    if (t.type === "table_close") inTable = false;
    if (inTable || !t.map) continue;
    if (t.type === "table_open") {
      // Inline content never spans table rows: one block per row.
      inTable = true;
      for (let l = t.map[0]; l < t.map[1]; l++) blocks.push({ startLine: l, endLine: l + 1, kind: "inline" });
      continue;
    }
    const kind =
      t.type === "fence" || t.type === "code_block"
        ? "code"
        : t.type === "html_block"
          ? "html"
          : t.type === "inline"
            ? "inline"
            : undefined;
    if (!kind) continue;
    blocks.push({ startLine: t.map[0], endLine: Math.max(t.map[1], t.map[0] + 1), kind });
  }
  blocks.sort((a, b) => a.startLine - b.startLine);
  return { lines: new LineIndex(markdown), blocks, fences };
}

function blockAt(blocks: Block[], line: number): Block | undefined {
  let lo = 0;
  let hi = blocks.length - 1;
  let found: Block | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = blocks[mid]!;
    if (b.startLine <= line) {
      if (line < b.endLine) found = b;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

// micromark token types that change how a match weighs inside a block of text.
const INLINE_CONTEXT: Record<string, TextContext> = {
  codeText: "inline-code",
  htmlText: "html-comment",
  link: "link",
  image: "link",
  definition: "link",
  autolinkProtocol: "link",
};

function piecesOf(lines: LineIndex, block: Block): Piece[] {
  const pieces: Piece[] = [];
  let open: Piece | undefined;
  for (let l = block.startLine + 1; l <= block.endLine && l <= lines.lineCount; l++) {
    const from = lines.lineStart(l);
    const to = lines.lineStart(l + 1);
    if (open && to - open.start <= MAX_PIECE) {
      open.end = to;
      continue;
    }
    for (let at = from; at < to; at += MAX_PIECE) {
      open = { start: at, end: Math.min(to, at + MAX_PIECE) };
      pieces.push(open);
    }
  }
  return pieces;
}

/**
 * Inline context ranges of one piece of a block, in offsets of the whole document. The piece is
 * parsed alone, with its lines' common indentation removed so that a paragraph nested in a list is
 * not mistaken for indented code.
 */
function inlineRanges(markdown: string, start: number, end: number): Range[] {
  const lines: { from: number; text: string }[] = [];
  for (let from = start; from < end; ) {
    const nl = markdown.indexOf("\n", from);
    const to = nl === -1 || nl >= end ? end : nl + 1;
    lines.push({ from, text: markdown.slice(from, to) });
    from = to;
  }
  let indent = Number.POSITIVE_INFINITY;
  for (const { text } of lines) {
    if (!text.trim()) continue;
    indent = Math.min(indent, /^ */.exec(text)![0].length);
  }
  if (!Number.isFinite(indent)) indent = 0;
  // chunk offset → document offset, line by line.
  const map: { chunkStart: number; docStart: number }[] = [];
  let chunk = "";
  for (const { from, text } of lines) {
    const cut = Math.min(indent, /^ */.exec(text)![0].length);
    map.push({ chunkStart: chunk.length, docStart: from + cut });
    chunk += text.slice(cut);
  }
  const toDoc = (off: number): number => {
    let lo = 0;
    let hi = map.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (map[mid]!.chunkStart <= off) lo = mid;
      else hi = mid - 1;
    }
    const m = map[lo]!;
    return m.docStart + (off - m.chunkStart);
  };
  const events = postprocess(
    parse()
      .document()
      .write(preprocess()(chunk, undefined, true)),
  );
  const ranges: Range[] = [];
  let depth = 0;
  let open: { type: string; start: number } | null = null;
  for (const [kind, token] of events) {
    const ctx = INLINE_CONTEXT[token.type];
    if (!ctx) continue;
    if (kind === "enter") {
      if (depth === 0) open = { type: token.type, start: token.start.offset };
      depth++;
    } else {
      depth--;
      if (depth === 0 && open) {
        let context = INLINE_CONTEXT[open.type] ?? "prose";
        // Inline HTML that is not a comment is markup the reader sees rendered: prose.
        if (context === "html-comment" && !chunk.startsWith("<!--", open.start)) context = "prose";
        ranges.push({ start: toDoc(open.start), end: toDoc(token.end.offset - 1) + 1, context });
        open = null;
      }
    }
  }
  return ranges;
}

function rangeAt(ranges: Range[], offset: number): TextContext {
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

/**
 * The fenced code blocks of `markdown` with their info string's first word and 0-based opening line.
 * Files without a fence marker are not parsed.
 */
export function fencesOf(markdown: string): FenceInfo[] {
  if (!markdown.includes("```") && !markdown.includes("~~~")) return [];
  const src = markdown.includes("\r") ? markdown.replace(/\r/g, " ") : markdown;
  const out: FenceInfo[] = [];
  for (const t of blockParser.parse(src, {}))
    if (t.type === "fence" && t.map) out.push(fenceInfo(t.info, t.map[0], t.content));
  return out;
}

function fenceInfo(info: string, line: number, content: string): FenceInfo {
  // `{bash}`, `.sh` and `bash title="x"` name the same language.
  const lang = (info.trim().split(/\s+/)[0] ?? "").replace(/^[{.]+|[},]+$/g, "").toLowerCase();
  return { lang, line, content };
}
