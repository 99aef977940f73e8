import { CHECKS } from "../code-checks.js";
import { levelOf } from "../levels.js";
import { adjust } from "./adjust.js";
import type { Stage } from "./stage.js";

/**
 * A look-alike name alone is only a warning: forks and tributes exist. A skill that passes itself
 * off as a well-known one and also does something risky is the shape of a typosquatting campaign
 * (the name gets it installed, the rest does the harm), so the impersonation is raised to SUSPICIOUS.
 */
export const impersonation: Stage = {
  name: "impersonation",
  run: (w) => {
    const id = CHECKS.impersonation.id;
    const other = w.findings.find((f) => f.ruleId !== id && levelOf(f.level) >= 2);
    if (!other || !w.findings.some((f) => f.ruleId === id && levelOf(f.level) === 2)) return w;
    return {
      ...w,
      findings: w.findings.map((f) =>
        f.ruleId === id && levelOf(f.level) === 2
          ? adjust(
              f,
              "SUSPICIOUS",
              `it impersonates a well-known skill and also does something risky (${other.ruleId} at ${other.file}:${other.line})`,
            )
          : f,
      ),
    };
  },
};
