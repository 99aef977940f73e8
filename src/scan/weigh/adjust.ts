import { levelOf, severityOf } from "../levels.js";
import type { Finding, Severity } from "../types.js";

/**
 * A finding at another level, with the change recorded. Every level change anywhere (detection-time
 * context, a weighing stage, policy) goes through here, so a report always says every step taken and
 * why — never only the last one.
 */
export function adjust(f: Finding, to: Severity, why: string): Finding {
  if (to === f.level) return f;
  return { ...f, level: to, adjustments: [...(f.adjustments ?? []), { from: f.level, to, why }] };
}

/**
 * `steps` levels lower, never below LOW_QUALITY, with low confidence; undefined when it already is
 * LOW_QUALITY (nothing to lower).
 */
export function lowered(f: Finding, steps: number, why: string): Finding | undefined {
  const to = severityOf(Math.max(1, levelOf(f.level) - steps));
  if (!to || to === f.level) return undefined;
  return { ...adjust(f, to, why), confidence: "low" };
}

/** At most `cap`: a finding above it is lowered to it, one at or below it is returned unchanged. */
export function cappedAt(f: Finding, cap: Severity, why: string): Finding {
  return levelOf(f.level) > levelOf(cap) ? adjust(f, cap, why) : f;
}
