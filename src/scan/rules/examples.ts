import { type CompiledRule, excepted, RuleError } from "./compile.js";

/** The keyword prefilter as the scanner applies it: the regex runs only where a keyword occurs. */
export function passesPrefilter(rule: CompiledRule, text: string): boolean {
  const lower = text.toLowerCase();
  return rule.keywordsLower.some((k) => lower.includes(k));
}

/** As the engine decides: a keyword occurs and the pattern matches where the `unless` exception does not. */
export function detects(rule: CompiledRule, text: string): boolean {
  if (!passesPrefilter(rule, text)) return false;
  const re = new RegExp(rule.regex.source, `${rule.regex.flags.replace(/[gy]/g, "")}g`);
  for (const m of text.matchAll(re)) if (!excepted(rule, text, m.index)) return true;
  return false;
}

/** What is wrong with a rule's own examples: a `match` it misses, a `noMatch` it matches. */
export function exampleProblems(rule: CompiledRule): string[] {
  const out: string[] = [];
  for (const text of rule.examples.match)
    if (!detects(rule, text))
      out.push(
        passesPrefilter(rule, text)
          ? `examples.match ${JSON.stringify(text)} is not matched by the pattern`
          : `examples.match ${JSON.stringify(text)} holds none of the keywords, so the pattern never runs on it`,
      );
  for (const text of rule.examples.noMatch)
    if (detects(rule, text)) out.push(`examples.noMatch ${JSON.stringify(text)} is matched`);
  return out;
}

/**
 * Runs every rule's examples, as the test suite does for built-in rules; throws RuleError naming the
 * file, the rule and each failing example. User rules (`--rules`) are held to the same bar at load.
 */
export function assertExamples(rules: readonly CompiledRule[]): void {
  const problems = rules.flatMap((r) => exampleProblems(r).map((p) => `${r.source}: rule ${r.id}: ${p}`));
  if (problems.length) throw new RuleError(`${problems.join("\n")}\nFix the pattern or the examples.`);
}
