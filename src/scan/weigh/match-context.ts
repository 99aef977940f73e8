import type { Finding, Observation, Origin, Severity } from "../types.js";
import { adjust, cappedAt, lowered } from "./adjust.js";
import type { Stage } from "./stage.js";

// The first weighing stage: what a detector saw about one match (types.ts `Observation`) becomes a
// level here, in the order it was seen. Detectors record and never weigh; every later stage, and the
// summary, sees the findings as this stage leaves them, with `observed` gone.

const ILLUSTRATION =
  "an illustration, not a command that can run: its host is a reserved example name or it holds a placeholder (…, <name>)";

/** The finding with every observation weighed, in order, and no `observed` left on it. */
export function weighMatch(f: Finding): Finding {
  if (!f.observed) return f;
  let out: Finding = { ...f };
  delete out.observed;
  for (const o of f.observed) out = weighObservation(out, o);
  return out;
}

export const matchContext: Stage = {
  name: "match-context",
  run: (w) => (w.findings.some((f) => f.observed) ? { ...w, findings: w.findings.map(weighMatch) } : w),
};

function weighObservation(f: Finding, o: Observation): Finding {
  switch (o.seen) {
    case "quoted":
      // Two steps: a quoted phrase is what security guides and detectors list as an example; an order
      // to the agent is written as prose. MALICIOUS → RISKY, SUSPICIOUS → LOW_QUALITY.
      return o.where === "text"
        ? (lowered(f, 2, "quoted in documentation (code or quotation marks), not an instruction") ?? f)
        : inBlock(f, 2, "quoted in documentation (a code block), not an instruction");
    case "illustration":
      if (o.where === "text") return lowered(f, 2, ILLUSTRATION) ?? f;
      // Data "sent" to a stand-in reaches nobody who wrote the skill: the reader puts their own server
      // there. Code fetched from one is still held at RISKY: the reader's choice of server then runs.
      return inBlock(f, f.category === "exfiltration" ? 3 : 2, ILLUSTRATION);
    case "saved-download":
      return inBlock(
        f,
        2,
        "in a code block, a saved download being run or a server with no name in the text is an install step or a placeholder, not a command piped from a named server",
      );
    case "origin":
      return byOrigin(f, o.origin, o.official, o.unknown);
    case "own-vendor-token":
      return cappedAt(
        f,
        "RISKY",
        `sends its own service's token (${o.names}) to ${o.host}, the vendor the skill is named for (${o.origin.why})`,
      );
    case "contents-checked":
      return adjust(f, "LOW_QUALITY", o.why);
  }
}

/** What a guide shows in a code block is not what the skill can do: no capabilities for later stages. */
function inBlock(f: Finding, steps: number, why: string): Finding {
  const low = lowered(f, steps, why);
  if (!low) return f;
  delete low.capabilities;
  return low;
}

/**
 * A download-and-run (or send) finding weighed by where the code comes from: from its vendor or a
 * well-known host at most `officialLevel`; from a host of unknown ownership at most `unknownLevel`
 * (SUSPICIOUS for code that is run; data sent there keeps its level); from personal or anonymous
 * space unchanged, with the reason in its explanation.
 */
function byOrigin(f: Finding, p: Origin, officialLevel: Severity, unknownLevel?: Severity): Finding {
  // The vendor's own installer for the tool the skill is about: the skill does what it says. Only a
  // download that runs (never data sent away), and only in text (the script engine judges scripts).
  if (
    p.tier === "official" &&
    p.declared &&
    f.category === "download-execute" &&
    !f.ruleId.startsWith("script.")
  ) {
    return { ...adjust(f, "LOW_QUALITY", p.why), confidence: "medium", does: p.why };
  }
  if (p.tier === "official") {
    const c = cappedAt(f, officialLevel, p.why);
    return c === f ? f : { ...c, confidence: "medium" };
  }
  if (p.tier === "unknown") return unknownLevel ? cappedAt(f, unknownLevel, p.why) : f;
  return { ...f, explanation: `${f.explanation} Here: ${p.why}.` };
}
