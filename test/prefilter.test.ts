import { describe, expect, it } from "vitest";
import { loadBuiltinRuleSet } from "../src/node/load.js";
import type { AnalysisContext, TextFile } from "../src/scan/analyze/analysis-context.js";
import { type KeywordHits, runRules } from "../src/scan/analyze/rules.js";
import type { CompiledRule } from "../src/scan/rules/compile.js";
import { maxMatchLength } from "../src/scan/rules/reach.js";
import type { TextKind } from "../src/scan/rules/schema.js";
import { defaultConfig } from "../src/scan/scan-config.js";
import { LineIndex } from "../src/scan/text/lines.js";

// The keyword prefilter and its windows are a speed-up only: on any text they must find exactly what
// the rules find when every regex runs over the whole file. Every rule's own `examples.match` is put
// in a file large enough for windows to be used (short lines and one very long line, so both whole-
// line and cut windows are exercised) and scanned both ways.

const ruleSet = await loadBuiltinRuleSet();
const ctx: AnalysisContext = { ruleSet, config: defaultConfig(), isAllowedHost: () => false };

/** Every keyword "everywhere": no window, every applicable regex runs over the whole file. */
function unfiltered(rules: readonly CompiledRule[]): KeywordHits {
  return new Map(rules.flatMap((r) => r.keywordsLower.map((k) => [k, null] as const)));
}

const PROSE = "Format the report as a table and keep each section short for the reader.\n";
const LONG_LINE = "lorem ipsum dolor sit amet ".repeat(150); // ~4 kB on one line

function fileWith(example: string, kind: TextKind, longLine: boolean): TextFile {
  const before = longLine ? LONG_LINE : PROSE.repeat(60);
  const after = longLine ? ` ${LONG_LINE}\n` : `\n${PROSE.repeat(60)}`;
  const text = `${before}${example}${after}`;
  return { path: "s/file", skillPath: "file", kind, text, lines: new LineIndex(text) };
}

const strip = (fs: unknown[]) => JSON.stringify(fs);

describe("keyword prefilter and windows", () => {
  it("never drop a match the unfiltered rules find, on every rule's examples.match", () => {
    let fired = 0;
    let examples = 0;
    for (const rule of ruleSet.rules) {
      const kind = [...rule.kinds].find((k) => k !== "frontmatter") ?? "instructions";
      for (const example of rule.examples.match)
        for (const longLine of [false, true]) {
          const file = fileWith(example, kind, longLine);
          const lower = file.text.toLowerCase();
          const all = runRules(ruleSet.rules, file, lower, ctx, undefined, unfiltered(ruleSet.rules));
          const filtered = runRules(ruleSet.rules, file, lower, ctx);
          expect(strip(filtered), `${rule.id}: ${example}`).toBe(strip(all));
          examples++;
          if (all.some((f) => f.ruleId === rule.id)) fired++;
        }
    }
    // Not vacuous: the rules do fire on their own examples (a few are skipped as quoted text).
    expect(fired).toBeGreaterThan(examples * 0.8);
  });

  it("still runs a rule whose keyword occurs more often than the positions kept (4,096)", () => {
    // Before: a keyword past the cap counted as absent, so padding a file with "user" hid the rule.
    const rule = ruleSet.rules.find((r) => r.id === "inject.conceal-from-user")!;
    const text = `${"the user said hi. ".repeat(5000)}\n${rule.examples.match[0]}\n`;
    const file: TextFile = {
      path: "s/SKILL.md",
      skillPath: "SKILL.md",
      kind: "instructions",
      text,
      lines: new LineIndex(text),
    };
    const found = runRules(ruleSet.rules, file, text.toLowerCase(), ctx);
    expect(found.map((f) => f.ruleId)).toContain(rule.id);
  });

  it("would catch a window narrower than a rule's match", () => {
    const rule = ruleSet.rules.find((r) => r.id === "inject.ignore-previous-instructions")!;
    const narrow = [{ ...rule, maxLength: 4 }];
    const file = fileWith(rule.examples.match[0]!, "instructions", false);
    const lower = file.text.toLowerCase();
    const all = runRules(narrow, file, lower, ctx, undefined, unfiltered(narrow));
    expect(all.length).toBe(1);
    expect(runRules(narrow, file, lower, ctx)).toEqual([]);
  });
});

describe("maxMatchLength", () => {
  it("measures bounded patterns and gives up on unbounded ones", () => {
    expect(maxMatchLength("abc", "")).toBe(3);
    expect(maxMatchLength("a{2,5}b?|xyz", "")).toBe(6);
    expect(maxMatchLength("(?<!no\\s{1,8})\\bgo(?=\\s)[a-z]{0,3}$", "")).toBe(5);
    expect(maxMatchLength("(?:ab|c){0,2}\\x41\\u00e9", "")).toBe(6);
    expect(maxMatchLength("[^\\]x]{1,2}.", "u")).toBe(6);
    expect(maxMatchLength("\\p{L}{3}", "u")).toBe(6);
    expect(maxMatchLength("(?<w>a)\\k<w>", "")).toBe(Number.POSITIVE_INFINITY);
    expect(maxMatchLength("a+", "")).toBe(Number.POSITIVE_INFINITY);
    expect(maxMatchLength("a{3,}", "")).toBe(Number.POSITIVE_INFINITY);
    expect(maxMatchLength("(a", "")).toBe(Number.POSITIVE_INFINITY);
  });

  it("is never shorter than a real match of a rule, on every example", () => {
    for (const rule of ruleSet.rules)
      for (const example of rule.examples.match)
        for (const m of example.matchAll(new RegExp(rule.regex.source, rule.regex.flags)))
          expect(m[0].length, rule.id).toBeLessThanOrEqual(rule.maxLength);
  });
});
