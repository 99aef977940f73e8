import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { type EncodedAnchors, encodeAnchors, requiredLiterals } from "./anchors.js";
import { maxMatchLength } from "./reach.js";
import { APPLIES_TO_ALIASES, type RuleSpec, ruleFileSchema, ruleSchema, type TextKind } from "./schema.js";

export interface CompiledRule extends RuleSpec {
  /** Lower-cased keywords for the literal prefilter. */
  keywordsLower: string[];
  kinds: ReadonlySet<TextKind>;
  regex: RegExp;
  /** Sticky: an exception tested at a match's position (see `excepted`). */
  unlessRegex?: RegExp;
  /** The rule file the rule came from (for messages). */
  source: string;
  /** The longest text the pattern can match (Infinity when unbounded): how far a match reaches from its keyword. */
  maxLength: number;
  /** Literals every match contains (rules/anchors.ts), when the pattern has useful ones. */
  anchors?: EncodedAnchors;
}

export class RuleError extends Error {
  override name = "RuleError";
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `field "${i.path.join(".") || "(root)"}": ${i.message}`).join("; ");
}

export function compileRule(raw: unknown, category: string, source: string, index: number): CompiledRule {
  const idForMessage =
    raw && typeof raw === "object" && "id" in raw ? String((raw as { id: unknown }).id) : `#${index + 1}`;
  const parsed = ruleSchema.safeParse(raw);
  if (!parsed.success) {
    throw new RuleError(`${source}: rule ${idForMessage}: ${describeIssues(parsed.error)}`);
  }
  // Block scalars (`|`, `>`) end in a newline that would print as an empty line.
  const spec = {
    ...parsed.data,
    // Rules read multi-line text: `^` and `$` mean a line's start and end in every rule, so a command
    // at the start of the third line matches as one at the start of the file does. Without `m` they
    // would anchor to the text (or scan window) only, and a rule's author could not tell which.
    flags: parsed.data.flags.includes("m") ? parsed.data.flags : `${parsed.data.flags}m`,
    category: parsed.data.category ?? category,
    explanation: parsed.data.explanation.trim(),
    remediation: parsed.data.remediation.trim(),
  };
  let regex: RegExp;
  try {
    regex = new RegExp(spec.pattern, `${spec.flags.replace(/g/g, "")}g`);
  } catch (err) {
    throw new RuleError(
      `${source}: rule ${spec.id}: field "pattern" is not a valid JavaScript regular expression (${(err as Error).message}); fix the pattern`,
    );
  }
  let unlessRegex: RegExp | undefined;
  if (spec.unless !== undefined) {
    try {
      unlessRegex = new RegExp(spec.unless, `${spec.flags.replace(/[gy]/g, "")}y`);
    } catch (err) {
      throw new RuleError(
        `${source}: rule ${spec.id}: field "unless" is not a valid JavaScript regular expression (${(err as Error).message}); fix the pattern`,
      );
    }
  }
  const kinds = new Set<TextKind>();
  for (const a of spec.appliesTo) {
    for (const k of APPLIES_TO_ALIASES[a] ?? [a as TextKind]) kinds.add(k);
  }
  const anchors = requiredLiterals(regex.source);
  return {
    ...spec,
    keywordsLower: spec.keywords.map((k) => k.toLowerCase()),
    kinds,
    regex,
    ...(unlessRegex ? { unlessRegex } : {}),
    source,
    maxLength: maxMatchLength(spec.pattern, spec.flags),
    ...(anchors ? { anchors: encodeAnchors(anchors) } : {}),
  };
}

/** Whether the rule's `unless` exception matches at `index` of `text` (then the match is no finding). */
export function excepted(rule: CompiledRule, text: string, index: number): boolean {
  if (!rule.unlessRegex) return false;
  rule.unlessRegex.lastIndex = index;
  return rule.unlessRegex.test(text);
}

/** Parses and validates rule files (already read by the caller); throws RuleError naming file, rule and field. */
export function compileRuleFiles(files: { file: string; text: string }[]): CompiledRule[] {
  const rules: CompiledRule[] = [];
  const seen = new Map<string, string>();
  for (const { file, text } of files) {
    let doc: unknown;
    try {
      doc = parseYaml(text, { maxAliasCount: 50, prettyErrors: true });
    } catch (err) {
      throw new RuleError(`${file}: not valid YAML (${(err as Error).message.split("\n")[0]})`);
    }
    const top = ruleFileSchema.safeParse(doc);
    if (!top.success) throw new RuleError(`${file}: ${describeIssues(top.error)}`);
    top.data.rules.forEach((raw, i) => {
      const rule = compileRule(raw, top.data.category, file, i);
      const prior = seen.get(rule.id);
      if (prior)
        throw new RuleError(
          `${file}: rule ${rule.id}: field "id" duplicates a rule in ${prior}; ids must be unique`,
        );
      seen.set(rule.id, file);
      rules.push(rule);
    });
  }
  return rules;
}
