import { findingAt } from "../findings.js";
import { lowerSeverity } from "../levels.js";
import type { CompiledRule } from "../rules/compile.js";
import type { TextKind } from "../rules/schema.js";
import { KeywordIndex, KeywordWindows } from "../text/keywords.js";
import type { Finding, TextContext } from "../types.js";
import type { AnalysisContext, TextFile } from "./context.js";
import { hostsIn } from "./urls.js";

const MAX_MATCHES_PER_RULE_PER_FILE = 20;

export function contextOf(file: TextFile, offset: number): TextContext {
  if (file.bodyOffset !== undefined && offset < file.bodyOffset) return "frontmatter";
  if (file.contextAt) return file.contextAt(offset);
  if (
    file.kind === "python" ||
    file.kind === "javascript" ||
    file.kind === "shell" ||
    file.kind === "powershell"
  )
    return "script";
  return "file";
}

/**
 * Runs every rule that applies to the file's kind. The keyword prefilter (literal, case-insensitive)
 * decides whether the regex runs at all, as in gitleaks: most rules never touch most files.
 */
const indexes = new WeakMap<readonly CompiledRule[], KeywordIndex>();

function keywordIndex(rules: readonly CompiledRule[]): KeywordIndex {
  let index = indexes.get(rules);
  if (!index) {
    index = new KeywordIndex(rules.flatMap((r) => r.keywordsLower));
    indexes.set(rules, index);
  }
  return index;
}

/** Which rule keywords occur in `lower`, and where (see KeywordIndex.locate). */
export function keywordHits(rules: readonly CompiledRule[], lower: string): KeywordHits {
  return keywordIndex(rules).locate(lower);
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
  hits: KeywordHits = keywordHits(rules, lower),
): Finding[] {
  const out: Finding[] = [];
  const kind = kindOverride ?? file.kind;
  if (hits.size === 0) return out;
  const windows = new KeywordWindows(file.text, lower, hits);
  for (const rule of rules) {
    const frontmatterOnly = rule.kinds.has("frontmatter") && rule.kinds.size === 1;
    if (!rule.kinds.has(kind) && !(file.bodyOffset !== undefined && rule.kinds.has("frontmatter"))) continue;
    if (!rule.keywordsLower.some((k) => hits.has(k))) continue;
    const re = rule.regex;
    let count = 0;
    for (const [from, to, cut] of windows.for(rule.keywordsLower.filter((k) => hits.has(k)))) {
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
        const context = contextOf(file, m.index);
        const inFrontmatter = context === "frontmatter";
        // Frontmatter rules look at frontmatter only; instruction rules at the body only.
        if (inFrontmatter ? !rule.kinds.has("frontmatter") : frontmatterOnly || !rule.kinds.has(kind))
          continue;
        const f = findingAt(rule, {
          file: file.path,
          index: file.lines,
          offset: m.index,
          length: m[0].length,
          context,
        });
        if (rule.whenQuoted !== "keep" && isQuoted(file, m.index, m[0].length, context)) {
          if (rule.whenQuoted === "skip") continue;
          const lowered = lowerSeverity(f.level);
          if (!lowered) continue;
          f.adjusted = {
            from: f.level,
            reason: "quoted in documentation (code or quotation marks), not an instruction",
          };
          f.level = lowered;
          f.confidence = "low";
        }
        if (rule.allowlistedHostLevel) {
          const hosts = hostsIn(m[0]);
          if (hosts.length > 0 && hosts.every((h) => ctx.isAllowedHost(h))) {
            f.adjusted = {
              from: f.level,
              reason: `every host in it is on the allowlist (${hosts.join(", ")})`,
            };
            f.level = rule.allowlistedHostLevel;
          }
        }
        out.push(f);
        if (++count >= MAX_MATCHES_PER_RULE_PER_FILE) break;
      }
      if (count >= MAX_MATCHES_PER_RULE_PER_FILE) break;
    }
  }
  return out;
}

const OPEN_QUOTES = new Set(['"', "'", "\u201C", "\u2018", "\u00AB", "`"]);

/** A match in Markdown code, or wrapped in quotation marks in prose, is quoted text rather than an order. */
function isQuoted(file: TextFile, offset: number, length: number, context: TextContext): boolean {
  if (file.kind !== "instructions") return false;
  if (context === "code-block" || context === "inline-code") return true;
  const before = file.text.slice(Math.max(0, offset - 3), offset);
  const after = file.text.slice(offset + length, offset + length + 3);
  return [...before].some((c) => OPEN_QUOTES.has(c)) && /["'\u201D\u2019\u00BB`]/.test(after);
}
