import { CHECKS } from "../code-checks.js";
import { findingAt } from "../findings.js";
import type { Finding } from "../types.js";
import type { TextFile } from "./analysis-context.js";
import type { HiddenText } from "./hidden.js";
import { contextOf } from "./rules.js";

// Encoded blobs worth decoding. Each pattern is linear: a single character class with a bounded
// minimum, so the engine never backtracks into nested repetition.
const BASE64 = /[A-Za-z0-9+/]{40,}={0,2}|[A-Za-z0-9_-]{60,}={0,2}/g;
const HEX_ESCAPES = /(?:\\x[0-9a-fA-F]{2}){8,}/g;
const HEX_PLAIN = /\b(?:[0-9a-fA-F]{2}){20,}\b/g;
const UNICODE_ESCAPES = /(?:\\u00[0-9a-fA-F]{2}){8,}/g;
const CHAR_CODES = /fromCharCode\(\s*((?:\d{1,3}\s*,\s*){5,}\d{1,3})\s*\)/g;
const PY_CHR = /(?:chr\(\s*\d{1,3}\s*\)\s*\+\s*){5,}chr\(\s*\d{1,3}\s*\)/g;

const MAX_DECODED_PER_FILE = 1024 * 1024;

// Characters of base64 (both alphabets) and hex, as a lookup table for one linear pass.
const B64 = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=")
  B64[c.charCodeAt(0)] = 1;

/**
 * Runs of at least `min` base64/hex characters, found in one pass. Regexes with a counted class
 * (`[A-Za-z0-9+/]{40}`) retry at every position and were the hot spot of whole scans.
 */
function longRuns(text: string, min: number): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    if (c < 128 && B64[c] === 1) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start >= min) runs.push([start, i]);
      start = -1;
    }
  }
  return runs;
}

function printableRatio(s: string): number {
  if (!s.length) return 0;
  let ok = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13) ok++;
  }
  return ok / s.length;
}

function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

function decodeBase64(s: string): string {
  return Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("latin1");
}

// Data URIs of media and integrity hashes are base64 by design and say nothing about behaviour.
function isBenignBase64Context(text: string, index: number): boolean {
  const before = text.slice(Math.max(0, index - 40), index).toLowerCase();
  return (
    /data:(image|font|audio|video|application\/(font|x-font|octet-stream))[^,]{0,30}base64,$/.test(before) ||
    /sha(256|384|512)-$/.test(before) ||
    /integrity["']?\s*[:=]\s*["']?sha\d+-$/.test(before)
  );
}

/**
 * An image embedded without a data: prefix (an XML `<ImageSource>` of a diagram file, an icon in a
 * manifest) starts with its format's magic bytes: a picture, not hidden code.
 */
function isMedia(decoded: string): boolean {
  return /^(?:\x89PNG\r\n\x1a\n|\xff\xd8\xff|GIF8[79]a|RIFF[\s\S]{4}WEBP|\x00\x00\x01\x00)/.test(decoded);
}

/** Finds encoded blobs; readable decodings are returned for rescanning, unreadable high-entropy ones are findings. */
export function findEncoded(file: TextFile, text = file.text): { hidden: HiddenText[]; findings: Finding[] } {
  const hidden: HiddenText[] = [];
  const findings: Finding[] = [];
  let budget = MAX_DECODED_PER_FILE;
  const push = (decoded: string, encoding: string, offset: number) => {
    if (budget <= 0 || printableRatio(decoded) < 0.85 || decoded.trim().length < 8) return false;
    budget -= decoded.length;
    hidden.push({ text: decoded, encoding, offset });
    return true;
  };

  const runs = longRuns(text, 40);
  let entropyReported = false;
  for (const [from, to] of runs) {
    const run = text.slice(from, to);
    for (const m of run.matchAll(BASE64)) {
      const index = from + m.index;
      if (isBenignBase64Context(text, index)) continue;
      const s = m[0];
      // Identifiers and paths are long runs of letters too; base64 of text mixes cases and digits.
      if (!/[0-9]/.test(s) || !/[a-z]/.test(s) || !/[A-Z]/.test(s)) continue;
      const decoded = decodeBase64(s);
      if (push(decoded, "base64", index)) continue;
      if (!entropyReported && s.length >= 256 && entropy(s) > 5.2 && !isMedia(decoded)) {
        entropyReported = true;
        findings.push(
          findingAt(CHECKS.highEntropy, {
            file: file.path,
            index: file.lines,
            offset: index,
            length: s.length,
            context: contextOf(file, index),
          }),
        );
      }
    }
  }
  if (text.includes("\\x")) {
    for (const m of text.matchAll(HEX_ESCAPES)) {
      push(
        m[0].replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
        "hex",
        m.index,
      );
    }
  }
  for (const [from, to] of runs) {
    const run = text.slice(from, to);
    for (const m of run.matchAll(HEX_PLAIN))
      push(Buffer.from(m[0], "hex").toString("latin1"), "hex", from + m.index);
  }
  if (text.includes("\\u00")) {
    for (const m of text.matchAll(UNICODE_ESCAPES)) {
      push(
        m[0].replace(/\\u00([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
        "unicode-escapes",
        m.index,
      );
    }
  }
  if (text.includes("fromCharCode")) {
    for (const m of text.matchAll(CHAR_CODES)) {
      push(
        String.fromCharCode(...(m[1] ?? "").split(",").map((n) => Number(n.trim()))),
        "char-codes",
        m.index,
      );
    }
  }
  if (text.includes("chr(")) {
    for (const m of text.matchAll(PY_CHR)) {
      push(
        String.fromCharCode(...[...m[0].matchAll(/\d{1,3}/g)].map((d) => Number(d[0]))),
        "char-codes",
        m.index,
      );
    }
  }
  return { hidden, findings };
}
