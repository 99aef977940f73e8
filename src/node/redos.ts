import { checkSync } from "recheck";
import type { CompiledRule } from "../scan/index.js";
import { RuleError } from "../scan/index.js";

/**
 * Proves each pattern free of catastrophic backtracking with recheck, as the test suite does for the
 * built-in rules. Scanned text is attacker-controlled, so a user rule that could hang is refused.
 */
export function assertSafePatterns(rules: CompiledRule[]): void {
  for (const r of rules)
    for (const field of ["pattern", "unless"] as const) {
      const source = r[field];
      if (source === undefined) continue;
      // The automaton checker decides bounded repeats exactly; recheck's default "auto" hands them to
      // a fuzzer that reports linear patterns such as `curl[^\n|]{0,200}\|` as vulnerable.
      const res = checkSync(source, r.flags, { checker: "automaton", timeout: 10_000 });
      if (res.status !== "safe") {
        const why =
          res.status === "vulnerable"
            ? `is vulnerable to catastrophic backtracking (${res.complexity.summary}; attack string ${JSON.stringify(res.attack.pattern)})`
            : `could not be proven safe (${res.status}${"error" in res ? `: ${res.error.kind}` : ""})`;
        throw new RuleError(
          `${r.source}: rule ${r.id}: field "${field}" ${why}; rewrite it without nested or overlapping repetition`,
        );
      }
    }
}
