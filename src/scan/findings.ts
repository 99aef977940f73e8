import type { CompiledRule } from "./rules/compile.js";
import { excerptAround, type LineIndex } from "./text/lines.js";
import type { Capability, Confidence, Finding, Observation, Severity, TextContext } from "./types.js";

/** A check implemented in code rather than as a YAML rule; same fields a rule has, for reports. */
export interface CheckMeta {
  id: string;
  title: string;
  category: string;
  level: Severity;
  confidence: Confidence;
  explanation: string;
  remediation: string;
  references?: string[];
  capabilities?: Capability[];
}

export interface Place {
  file: string;
  index?: LineIndex;
  offset?: number;
  length?: number;
  line?: number;
  column?: number;
  context: TextContext;
}

export function findingAt(
  meta: CheckMeta | CompiledRule,
  place: Place,
  extra: Partial<Finding> & { excerpt?: string } = {},
): Finding {
  let line = place.line ?? 1;
  let column = place.column ?? 1;
  let excerpt = extra.excerpt ?? "";
  if (place.index && place.offset !== undefined) {
    const pos = place.index.position(place.offset);
    line = pos.line;
    column = pos.column;
    if (!extra.excerpt) excerpt = excerptAround(place.index, place.offset, place.length ?? 0);
  }
  const f: Finding = {
    ruleId: meta.id,
    title: meta.title,
    level: meta.level,
    category: meta.category ?? "general",
    file: place.file,
    line,
    column,
    excerpt,
    explanation: meta.explanation,
    remediation: meta.remediation,
    confidence: meta.confidence,
    context: place.context,
    ...extra,
  };
  if (meta.references?.length && !f.references) f.references = meta.references;
  if (meta.capabilities?.length && !f.capabilities) f.capabilities = [...meta.capabilities];
  return f;
}

/**
 * `f` with one more thing its detector saw about the match (quoted, an illustration, whose server): a
 * copy, recorded for the match-context stage (weigh/match-context.ts), which alone turns it into a level.
 */
export function observe(f: Finding, o: Observation): Finding {
  return { ...f, observed: [...(f.observed ?? []), o] };
}
