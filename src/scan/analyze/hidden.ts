import { CHECKS } from "../code-checks.js";
import { findingAt } from "../findings.js";
import { isScriptKind } from "../text/file-kind.js";
import { escapeInvisible, LineIndex } from "../text/lines.js";
import type { Finding } from "../types.js";
import type { TextFile } from "./analysis-context.js";
import { spellLatin } from "./confusables.js";
import { contextOf } from "./rules.js";

/** Text that a person cannot see but the agent reads, to be scanned again by the caller. */
export interface HiddenText {
  text: string;
  encoding: string;
  offset: number;
  /**
   * Set when `text` is the file itself with a disguise undone, line for line: findings on it are placed
   * where they were written, and only those on a line the disguise touched are news.
   */
  undone?: Undone;
}

export interface Undone {
  /** Where an offset of the undone text is in the file. */
  originOffset(at: number): number;
  /** The file's Markdown context and frontmatter, at the undone text's offsets. */
  reading: Pick<TextFile, "contextAt" | "bodyOffset">;
  /** Whether lines `from`..`to` of the file hold a disguised word. */
  touches(from: number, to: number): boolean;
  /** The finding that names the disguise, for when the undone text says something the file did not. */
  named(line: number): Finding;
}

const TAGS = /(?:\udb40[\udc00-\udc7f])+/g;
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;
// Zero-width characters and the other format characters that draw nothing and have no use inside a
// Latin word: combining grapheme joiner, Mongolian selectors and vowel separator, direction marks,
// Khmer inherent vowels, deprecated format controls, Hangul fillers, variation selectors.
// (A class built from a string: lone joiners are what it matches, not a misleading literal.)
const SPLITTERS =
  "\\u200b-\\u200f\\u2060-\\u2065\\u206a-\\u206f\\ufeff\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u3164\\uffa0\\ufe00-\\ufe0f";
const ZERO_WIDTH = new RegExp(`[${SPLITTERS}]+`, "g");
const ANY_SPLITTER = new RegExp(`[${SPLITTERS}]`);
const EMOJI_NEAR = /\p{Extended_Pictographic}|\ufe0f/u;
/**
 * Every code point that draws nothing (Unicode Default_Ignorable_Code_Point: zero-width space and
 * joiners, soft hyphen, word joiner, bidi controls, U+034F, U+180E, Hangul fillers, variation
 * selectors, tag characters…), and the interlinear annotation controls, which hide what they enclose.
 */
const IGNORABLE_RUN = /[\p{Default_Ignorable_Code_Point}\ufff9-\ufffb]+/gu;
// Joiners and variation selectors that shape emoji, Persian or Indic text rather than split a word.
// biome-ignore lint/suspicious/noMisleadingCharacterClass: a run of lone joiners is the point
const SHAPING_RUN = /^(?:[\u200c\u200d\ufe00-\ufe0f]|\udb40[\udd00-\uddef])+$/;
const NON_LATIN_LETTER = /^(?![A-Za-z])[\p{L}\p{M}]/u;
/** Lines of the paragraph around a disguised line that are read with it (rules span lines). */
const PARAGRAPH_LINES = 8;
/**
 * HTML comments in one linear pass (a lazy `<!--[\s\S]*?-->` regex rescans to the end of the text
 * for every opener without a closer: quadratic on hostile input). A comment that is never closed
 * runs to the end of the text, as it does when Markdown or a browser renders it: all of it is hidden.
 */
function* htmlComments(text: string): Generator<{ index: number; length: number; body: string }> {
  for (let i = text.indexOf("<!--"); i !== -1; ) {
    const end = text.indexOf("-->", i + 4);
    const stop = end === -1 ? text.length : end + 3;
    yield { index: i, length: stop - i, body: text.slice(i + 4, end === -1 ? text.length : end) };
    if (end === -1) return;
    i = text.indexOf("<!--", stop);
  }
}
const DIRECTIVE =
  /\b(ignore|disregard|override|system prompt|assistant|you (must|should|are)|always|never|do not|don't|instead|secretly|silently|execute|run|read|send|upload|fetch|curl|wget|include|before (writing|answering|responding))\b/gi;
/**
 * What makes a comment an order to the agent rather than a note to whoever edits the file: overriding
 * its instructions, acting in secret, hiding from the user, running or sending something.
 */
const STRONG =
  /\b(ignore|disregard|override|system prompt|secretly|silently(?! (?:decide|determine|drift|fail|diverge|differ|become)s?\b)|execute|run|send|upload|fetch|curl|wget|exfiltrat\w*|before (writing|answering|responding)|(do not|don't|never) (tell|mention|show|reveal|inform|let)\b|without (telling|asking|informing))\b/i;
/**
 * Authoring notes in templates ("HOW TO USE (agents): replace …", "SKELETON INSTRUCTION: …") speak
 * to the agent about the document; only the covert part of STRONG still makes them orders.
 */
const AUTHORING =
  /\b(replace|fill in|placeholder|template|skeleton|section|verbatim|this comment|renders?|table|columns?|heading)\b/i;
// "never let one choice silently decide another" is about the document's logic, not a hidden act: a
// "silently" whose verb is a decision or a change of something else is no covert action.
const COVERT =
  /\b(ignore (all |any )?(previous|prior|above|earlier)|disregard|override|system prompt|secretly|silently(?! (?:decide|determine|drift|fail|diverge|differ|become)s?\b)|curl|wget|upload|exfiltrat\w*|(do not|don't|never) (tell|mention|reveal|inform|let) (the )?user|without (telling|asking|informing))\b/i;
const STYLED =
  /<(span|div|p|font)\b[^>]{0,200}?(display\s*:\s*none|font-size\s*:\s*0|opacity\s*:\s*0(?:[;"'\s]|$)|color\s*:\s*(white|#fff\b|#ffffff)|visibility\s*:\s*hidden)[^>]{0,200}>([^<]{12,2000})</gi;

/**
 * Hidden-text checks; returns findings, the hidden texts that the caller rescans with the rules, and
 * the file with its disguised words undone, which the caller rescans last (see `undisguise`).
 */
// Any invisible or reordering character at all: one pass decides whether the detailed checks run.
const ANY_INVISIBLE = /[\p{Default_Ignorable_Code_Point}\ufff9-\ufffb]/u;

export function analyzeHidden(
  file: TextFile,
  lower = file.text.toLowerCase(),
): { findings: Finding[]; hidden: HiddenText[]; disguised?: HiddenText } {
  const findings: Finding[] = [];
  const hidden: HiddenText[] = [];
  const { text } = file;
  const at = (offset: number, length: number) => ({
    file: file.path,
    index: file.lines,
    offset,
    length,
    context: contextOf(file, offset),
  });

  // Tag characters mirror ASCII at U+E0000 + code: decode them to show what the agent would read.
  const invisible = ANY_INVISIBLE.test(text);
  if (invisible && text.includes("\udb40")) {
    for (const m of text.matchAll(TAGS)) {
      let decoded = "";
      for (const ch of m[0]) decoded += String.fromCharCode((ch.codePointAt(0) ?? 0) - 0xe0000);
      const clean = decoded.replace(/[^\x20-\x7e\n\t]/g, "");
      findings.push(
        findingAt(CHECKS.unicodeTags, at(m.index, m[0].length), {
          excerpt: `hidden text: "${clean.slice(0, 200)}${clean.length > 200 ? "…" : ""}"`,
          decoded: { encoding: "unicode-tags", text: clean.slice(0, 2000) },
        }),
      );
      hidden.push({ text: clean, encoding: "unicode-tags", offset: m.index });
    }
  }

  BIDI.lastIndex = 0;
  const bidi = invisible ? BIDI.exec(text) : null;
  if (bidi) findings.push(findingAt(CHECKS.bidi, at(bidi.index, 1)));

  if (invisible && ANY_SPLITTER.test(text)) {
    let isolated: number | undefined;
    for (const m of text.matchAll(ZERO_WIDTH)) {
      if (m.index === 0 && m[0] === "\ufeff") continue;
      if (m[0].length >= 4) {
        findings.push(findingAt(CHECKS.zeroWidthRun, at(m.index, m[0].length)));
        break;
      }
      // ZWJ and ZWNJ join emoji and shape scripts such as Persian; only flag them inside ASCII words.
      const before = text[m.index - 1] ?? "";
      const after = text[m.index + m[0].length] ?? "";
      if (EMOJI_NEAR.test(before) || EMOJI_NEAR.test(after)) continue;
      if (/[A-Za-z]/.test(before) && /[A-Za-z]/.test(after)) isolated ??= m.index;
    }
    if (isolated !== undefined && !findings.some((f) => f.ruleId === CHECKS.zeroWidthRun.id))
      findings.push(findingAt(CHECKS.zeroWidth, at(isolated, 1)));
  }
  // Pages copied from the web carry soft hyphens in long words: worth a note, no more, by itself. What
  // the words say without them is read by the rescan of the undone text.
  if (invisible && text.includes("\u00ad")) {
    const m = /[A-Za-z]\u00ad+[A-Za-z]/.exec(text);
    if (m) findings.push(findingAt(CHECKS.softHyphen, at(m.index + 1, 1)));
  }

  if (file.kind === "instructions" || file.kind === "markup") {
    if (text.includes("<!--")) {
      for (const m of htmlComments(text)) {
        const { body } = m;
        if (body.length < 30) continue;
        // Inside a code span or block a Markdown page shows the comment as written: nothing is hidden
        // (security guides quote injected comments this way). What it says is read by the rules.
        if (file.kind === "instructions" && file.contextAt) {
          const where = file.contextAt(m.index);
          if (where === "inline-code" || where === "code-block") continue;
        }
        const words = new Set([...body.matchAll(DIRECTIVE)].map((d) => d[0].toLowerCase()));
        const order = STRONG.test(body) && (!AUTHORING.test(body) || COVERT.test(body));
        if (words.size >= 2 && order) {
          const shown = escapeInvisible(body.replace(/\s+/g, " ").trim());
          findings.push(
            findingAt(CHECKS.commentDirective, at(m.index, m.length), {
              context: "html-comment",
              excerpt: `<!-- ${shown.slice(0, 150)}${shown.length > 150 ? "…" : ""} -->`,
            }),
          );
        }
      }
    }
    if (
      lower.includes("<span") ||
      lower.includes("<div") ||
      lower.includes("<p") ||
      lower.includes("<font")
    ) {
      for (const m of text.matchAll(STYLED)) {
        // A web page or UI asset hides panels, tabs and modals all the time; there only hidden text
        // that gives orders is a finding. In Markdown any hidden text is.
        if (file.kind === "markup" && !STRONG.test(m[4] ?? "")) continue;
        findings.push(findingAt(CHECKS.styledHidden, at(m.index, m[0].length)));
        hidden.push({ text: m[4] ?? "", encoding: "hidden-style", offset: m.index });
      }
    }
  }
  const disguised =
    file.kind === "instructions" || isScriptKind(file.kind) ? undisguise(file, invisible) : undefined;
  return { findings, hidden, disguised };
}

/** Cyrillic and Greek letters inside words that also hold Latin ones, escaped: "S\\u{435}nd". */
function showLookAlikes(s: string): string {
  return s.replace(/[\p{L}\p{N}]+/gu, (word) =>
    /[A-Za-z]/.test(word)
      ? word.replace(
          /[\u0370-\u03ff\u0400-\u052f]/g,
          (c) => `\\u{${c.charCodeAt(0).toString(16).toUpperCase()}}`,
        )
      : word,
  );
}

/** Code point before `i` and at `i` of `s` (a surrogate pair read whole), "" at either end. */
function before(s: string, i: number): string {
  if (i <= 0) return "";
  const low = s.charCodeAt(i - 1);
  return i >= 2 && low >= 0xdc00 && low <= 0xdfff ? s.slice(i - 2, i) : s.slice(i - 1, i);
}
function after(s: string, i: number): string {
  const cp = s.codePointAt(i);
  return cp === undefined ? "" : String.fromCodePoint(cp);
}

/** Whether a run of invisible characters shapes the text around it (emoji, Persian, Indic, CJK variants). */
function shapes(run: string, prev: string, next: string): boolean {
  if (!SHAPING_RUN.test(run)) return false;
  if (EMOJI_NEAR.test(prev) || EMOJI_NEAR.test(next) || next === "\u20e3") return true;
  if (!NON_LATIN_LETTER.test(prev)) return false;
  // A variation selector follows its base alone (an ideograph); a joiner sits between two letters.
  return /^[\u200c\u200d]/.test(run) ? NON_LATIN_LETTER.test(next) : true;
}

/** The greatest index of `starts` whose value is at most `at` (`starts` ascending, starting at 0). */
function segmentOf(starts: readonly number[], at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The text as the agent reads it, for the caller to rescan with every rule: invisible characters that
 * split words removed (joiners and selectors that shape emoji, Persian or Indic text kept), Latin
 * words spelled with look-alike letters in Latin. Only the paragraphs around lines that changed are
 * kept, the other lines left empty, so that line numbers stay those of the file. One pass over the
 * text and one rescan per file, whatever the text holds.
 */
function undisguise(file: TextFile, invisible: boolean): HiddenText | undefined {
  const { text } = file;
  const changed = new Set<number>();
  const kinds = new Set<string>();
  // Where each kept stretch starts in the cleaned text and in the file.
  const cleanAt: number[] = [0];
  const fileAt: number[] = [0];
  let clean = text;
  if (invisible) {
    clean = "";
    let last = 0;
    for (const m of text.matchAll(IGNORABLE_RUN)) {
      const run = m[0];
      const end = m.index + run.length;
      if (shapes(run, before(text, m.index), after(text, end))) continue;
      clean += text.slice(last, m.index);
      last = end;
      cleanAt.push(clean.length);
      fileAt.push(end);
      // A byte order mark opening the file is how some editors save UTF-8, not a disguise.
      if (m.index === 0 && run === "\ufeff") continue;
      changed.add(file.lines.position(m.index).line);
      kinds.add(/^\u00ad+$/.test(run) ? "soft hyphens" : "invisible characters");
    }
    clean += text.slice(last);
  }
  const latin = spellLatin(clean);
  const cleanLines = new LineIndex(latin?.text ?? clean);
  if (latin) {
    for (const at of latin.at) changed.add(cleanLines.position(at).line);
    kinds.add("look-alike letters");
  }
  if (changed.size === 0) return undefined;

  const keep = new Uint8Array(cleanLines.lineCount + 2);
  const blank = (line: number) => cleanLines.lineText(line).trim() === "";
  for (const line of changed) {
    keep[line] = 1;
    for (let l = line - 1; l >= 1 && l >= line - PARAGRAPH_LINES && !keep[l] && !blank(l); l--) keep[l] = 1;
    for (
      let l = line + 1;
      l <= cleanLines.lineCount && l <= line + PARAGRAPH_LINES && !keep[l] && !blank(l);
      l++
    )
      keep[l] = 1;
  }
  // Where each kept line starts in the rescanned text and in the cleaned text.
  const partAt: number[] = [0];
  const cleanOf: number[] = [0];
  const parts: string[] = [];
  let length = 0;
  // The frontmatter ends at a line's start: the same line's start in the undone text.
  const bodyLine = file.bodyOffset === undefined ? undefined : file.lines.position(file.bodyOffset).line;
  let bodyOffset: number | undefined;
  for (let line = 1; line <= cleanLines.lineCount; line++) {
    if (line === bodyLine) bodyOffset = length;
    if (keep[line]) {
      partAt.push(length);
      cleanOf.push(cleanLines.lineStart(line));
      const t = cleanLines.lineText(line);
      parts.push(t);
      length += t.length;
    } else parts.push("");
    length += 1;
  }
  const originOffset = (at: number): number => {
    const p = segmentOf(partAt, at);
    const c = (cleanOf[p] ?? 0) + at - (partAt[p] ?? 0);
    const s = segmentOf(cleanAt, c);
    return (fileAt[s] ?? 0) + c - (cleanAt[s] ?? 0);
  };
  const { contextAt } = file;
  const what = [...kinds].join(" and ");
  const lines = [...changed].sort((a, b) => a - b);
  const first = lines[0] ?? 1;
  return {
    text: parts.join("\n"),
    encoding: `text disguised with ${what}`,
    offset: file.lines.lineStart(first),
    undone: {
      originOffset,
      reading: {
        ...(contextAt ? { contextAt: (at: number) => contextAt(originOffset(at)) } : {}),
        ...(bodyOffset === undefined ? {} : { bodyOffset }),
      },
      touches: (from, to) => {
        for (let l = from; l <= to; l++) if (changed.has(l)) return true;
        return false;
      },
      named: (line) => {
        const line0 = changed.has(line) ? line : (lines.find((l) => l >= line) ?? first);
        const shown = (s: string) => {
          const t = s.trim();
          return t.length > 120 ? `${t.slice(0, 120)}…` : t;
        };
        return findingAt(
          CHECKS.disguisedWords,
          {
            file: file.path,
            line: line0,
            column: 1,
            context: contextOf(file, file.lines.lineStart(line0)),
          },
          {
            excerpt: `"${escapeInvisible(showLookAlikes(shown(file.lines.lineText(line0))))}" is written with ${what}; the agent reads "${escapeInvisible(shown(cleanLines.lineText(line0)))}"`,
          },
        );
      },
    },
  };
}
