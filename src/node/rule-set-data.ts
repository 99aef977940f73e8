import type { RuleSet } from "../scan/index.js";

// A loaded RuleSet as JSON and back. Two users: a worker thread gets the rule set its caller loaded
// (user rules included, proven once by recheck in the caller, not again per worker), and the bundled
// Action embeds the built-in rules already parsed and validated at build time (YAML parsing and the
// schema check were ~700 ms of a ~1.6 s cold start). Generic on purpose: a field added to CompiledRule
// later is carried as long as it is JSON, a RegExp, a Set or a Map (test/skill-runner.test.ts
// compares a revived rule set with a freshly built one).

type Tagged =
  | { $re: [string, string] }
  | { $sourceOf: string }
  | { $set: unknown[] }
  | { $map: [unknown, unknown][] }
  | { $num: "Infinity" | "-Infinity" | "NaN" };

function replacer(this: unknown, key: string, value: unknown): unknown {
  // A rule's pattern is its compiled regex's source: written once (the patterns are most of the
  // bundled rule set, and every one was written twice).
  if (key === "pattern" && typeof value === "string") {
    const holder = this as Record<string, unknown>;
    if (holder.regex instanceof RegExp && holder.regex.source === value)
      return { $sourceOf: "regex" } satisfies Tagged;
  }
  if (value instanceof RegExp) return { $re: [value.source, value.flags] } satisfies Tagged;
  if (value instanceof Set) return { $set: [...value] } satisfies Tagged;
  if (value instanceof Map) return { $map: [...value] } satisfies Tagged;
  // JSON writes Infinity as null: a rule whose match length has no bound (maxLength) would come back
  // with a window of nothing and never match in a worker.
  if (typeof value === "number" && !Number.isFinite(value))
    return { $num: String(value) as "Infinity" | "-Infinity" | "NaN" } satisfies Tagged;
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const holder = value as Record<string, unknown>;
    const ref = holder.pattern as { $sourceOf?: unknown } | undefined;
    if (ref && typeof ref === "object" && typeof ref.$sourceOf === "string") {
      const re = holder[ref.$sourceOf];
      if (re instanceof RegExp) holder.pattern = re.source;
    }
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const v = value as Record<string, unknown>;
      if (keys[0] === "$re" && Array.isArray(v.$re))
        return new RegExp(v.$re[0] as string, v.$re[1] as string);
      if (keys[0] === "$set" && Array.isArray(v.$set)) return new Set(v.$set);
      if (keys[0] === "$map" && Array.isArray(v.$map)) return new Map(v.$map as [unknown, unknown][]);
      if (keys[0] === "$num" && typeof v.$num === "string") return Number(v.$num);
    }
  }
  return value;
}

export function ruleSetToJson(set: RuleSet): string {
  return JSON.stringify(set, replacer);
}

export function ruleSetFromJson(json: string): RuleSet {
  return JSON.parse(json, reviver) as RuleSet;
}
