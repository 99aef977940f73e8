import { capabilityReport } from "../capabilities.js";
import { compareSkills } from "../diff.js";
import { levelOf } from "../levels.js";
import type { CapabilityReport, Finding, LevelNumber } from "../types.js";
import { applySilences, undeclaredFinding, weighDeclared } from "../verdict.js";
import { hooks } from "./hooks.js";
import { impersonation } from "./impersonation.js";
import { intent } from "./intent.js";
import { matchContext } from "./match-context.js";
import { ownership } from "./ownership.js";
import { purpose } from "./purpose.js";
import type { Stage, Weighed, WeighInput } from "./stage.js";

// The one place where findings' levels are weighed. Detectors only find: what they see about a match
// (quoted, an illustration, whose server it comes from) is recorded on it as `observed`, and the first
// stage, match-context, turns that into levels; everything that depends on the whole skill or on who
// asked is a later stage, in this order, each a pure function of the findings so far and the skill. The verdict (src/scan/
// verdict.ts `decide`) is then assembled once from what comes out, with the reviewer's decision.
//
// A new judgement (intent of a passage, provenance of a download) is a new stage in STAGES.

export type { Stage, Weighed, WeighInput } from "./stage.js";

const noCaps: CapabilityReport = { declared: [], detected: [], undeclared: [] };

/** Silences (operator config): RISKY and LOW_QUALITY only; aimed higher, refused and reported. */
export const silences: Stage = {
  name: "silences",
  run: (w, i) => ({ ...w, findings: applySilences(w.findings, i.config, i.skillDir, i.skillMd) }),
};

/** What the skill can do, from the findings as weighed so far, and what it says it does. */
export const capabilities: Stage = {
  name: "capabilities",
  run: (w, i) => ({ ...w, caps: capabilityReport(i.manifest, w.findings, i.used) }),
};

/** A persistence or agent-configuration finding the description announces weighs one level less. */
export const declared: Stage = {
  name: "declared",
  run: (w, i) => weighDeclared(w.findings, w.caps, i.used),
};

/** Detected-but-undeclared high-risk capabilities raise the level one step (at most SUSPICIOUS). */
export const undeclared: Stage = {
  name: "undeclared",
  run: (w, i) => {
    const raise = undeclaredFinding(w.caps, w.findings, i.skillMd, i.manifest.description);
    return raise ? { ...w, findings: [...w.findings, raise] } : w;
  },
};

/** Compared with its earlier version: new high-risk behaviour in a clean skill is an anomaly. */
export const anomaly: Stage = {
  name: "anomaly",
  run: (w, i) => {
    if (!i.before) return w;
    const level = w.findings.reduce<number>((m, f) => Math.max(m, levelOf(f.level)), 0) as LevelNumber;
    const extra = compareSkills(i.before, {
      path: i.skillDir,
      level,
      capabilities: w.caps,
      findings: w.findings,
      hosts: [...i.hosts],
      scripts: [...i.scripts],
    });
    return extra.length ? { ...w, findings: [...w.findings, ...extra] } : w;
  },
};

export const STAGES: readonly Stage[] = [
  matchContext,
  silences,
  intent,
  purpose,
  ownership,
  capabilities,
  declared,
  hooks,
  undeclared,
  anomaly,
  impersonation,
];

/** Runs every stage in order. */
export function weigh(findings: Finding[], input: WeighInput, stages: readonly Stage[] = STAGES): Weighed {
  let w: Weighed = { findings, caps: noCaps };
  for (const s of stages) w = s.run(w, input);
  return w;
}
