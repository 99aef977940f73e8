import { CHECKS } from "../code-checks.js";
import { findingAt } from "../findings.js";
import { escapeInvisible } from "../text/lines.js";
import type { Finding } from "../types.js";
import type { TextFile } from "./analysis-context.js";
import { contextOf } from "./rules.js";

/** Text that a person cannot see but the agent reads, to be scanned again by the caller. */
export interface HiddenText {
  text: string;
  encoding: string;
  offset: number;
}

const TAGS = /(?:\udb40[\udc00-\udc7f])+/g;
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noMisleadingCharacterClass: matching lone joiners is the point
const ZERO_WIDTH = /[\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff]+/g;
const EMOJI_NEAR = /\p{Extended_Pictographic}|\ufe0f/u;
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

/** Hidden-text checks; returns findings and the hidden texts that the caller rescans with the rules. */
// Any invisible or reordering character at all: one pass decides whether the detailed checks run.
const ANY_INVISIBLE = /[\u200b-\u200d\u202a-\u202e\u2060-\u2069\ufeff\udb40]/;

export function analyzeHidden(
  file: TextFile,
  lower = file.text.toLowerCase(),
): { findings: Finding[]; hidden: HiddenText[] } {
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

  if (invisible && /[\u200b-\u200d\u2060-\u2064\ufeff]/.test(text)) {
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

  if (file.kind === "instructions" || file.kind === "markup") {
    if (text.includes("<!--")) {
      for (const m of htmlComments(text)) {
        const { body } = m;
        if (body.length < 30) continue;
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
  return { findings, hidden };
}
