import type { Finding, LevelNumber } from "../../src/scan/index.js";
import { LEVEL_NAMES } from "../../src/scan/index.js";
import type { Label } from "./labels.js";

/** Quarantine starts at SUSPICIOUS: the line false-quarantine and detection are measured against. */
export const QUARANTINE_LEVEL = 3;

export interface Found {
  level: LevelNumber;
  top?: Finding;
}

export interface Outcome {
  id: string;
  expected: LevelNumber;
  /** undefined: labelled, but no skill was found at that path. */
  found?: LevelNumber;
  top?: Finding;
  note?: string;
}

export interface Evaluation {
  /** matrix[expected][found], levels 0 (none) … 4 (MALICIOUS). */
  matrix: number[][];
  outcomes: Outcome[];
  /** Labelled skills that the scan did not find (counted as missed when malicious). */
  notFound: Outcome[];
  /** Scanned skills without a label (left out of every figure). */
  unlabelled: string[];
  benign: number;
  malicious: number;
  falseQuarantined: number;
  detected: number;
  benignRisky: number;
  /** NaN when there are no benign skills. */
  falseQuarantineRate: number;
  /** NaN when there are no malicious skills. */
  detectionRate: number;
  benignRiskyShare: number;
  /** On the wrong side of the quarantine line. */
  misclassified: Outcome[];
  /** Quarantined as expected, but below the expected level (e.g. MALICIOUS found as SUSPICIOUS). */
  underLevel: Outcome[];
}

const isBenign = (o: { expected: number }) => o.expected < QUARANTINE_LEVEL;

/** Compares expected labels with what the scan found, by skill id (folder relative to the corpus). */
export function evaluate(labels: ReadonlyMap<string, Label>, found: ReadonlyMap<string, Found>): Evaluation {
  const matrix = LEVEL_NAMES.map(() => LEVEL_NAMES.map(() => 0));
  const outcomes: Outcome[] = [];
  const notFound: Outcome[] = [];
  for (const label of [...labels.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const f = found.get(label.id);
    const o: Outcome = {
      id: label.id,
      expected: label.expected,
      found: f?.level,
      top: f?.top,
      note: label.note,
    };
    outcomes.push(o);
    if (!f) notFound.push(o);
    else matrix[label.expected]![f.level]!++;
  }
  const unlabelled = [...found.keys()].filter((id) => !labels.has(id)).sort();
  const benign = outcomes.filter((o) => isBenign(o) && o.found !== undefined);
  const malicious = outcomes.filter((o) => !isBenign(o));
  const quarantined = (o: Outcome) => o.found !== undefined && o.found >= QUARANTINE_LEVEL;
  const falseQuarantined = benign.filter(quarantined).length;
  const detected = malicious.filter(quarantined).length;
  const benignRisky = benign.filter((o) => o.found === 2).length;
  return {
    matrix,
    outcomes,
    notFound,
    unlabelled,
    benign: benign.length,
    malicious: malicious.length,
    falseQuarantined,
    detected,
    benignRisky,
    falseQuarantineRate: benign.length ? falseQuarantined / benign.length : Number.NaN,
    detectionRate: malicious.length ? detected / malicious.length : Number.NaN,
    benignRiskyShare: benign.length ? benignRisky / benign.length : Number.NaN,
    misclassified: outcomes.filter(
      (o) => (isBenign(o) && o.found !== undefined && quarantined(o)) || (!isBenign(o) && !quarantined(o)),
    ),
    underLevel: outcomes.filter((o) => !isBenign(o) && quarantined(o) && o.found! < o.expected),
  };
}

export interface Gates {
  minDetection?: number;
  maxFalseQuarantine?: number;
  /** Benign skills at RISKY, at most this share (the broad corpus's "RISKY should be rare"). */
  maxRisky?: number;
}

/** The gates that were missed, one sentence each; empty when all given gates pass. */
export function missedGates(e: Evaluation, gates: Gates): string[] {
  const out: string[] = [];
  if (gates.minDetection !== undefined) {
    if (e.malicious === 0) out.push("--min-detection: no malicious samples to measure detection on");
    else if (e.detectionRate < gates.minDetection)
      out.push(
        `--min-detection ${pct(gates.minDetection)}: detection rate is ${pct(e.detectionRate)} (${e.detected}/${e.malicious})`,
      );
  }
  if (gates.maxFalseQuarantine !== undefined) {
    if (e.benign === 0) out.push("--max-false-quarantine: no benign samples to measure false quarantine on");
    else if (e.falseQuarantineRate > gates.maxFalseQuarantine)
      out.push(
        `--max-false-quarantine ${pct(gates.maxFalseQuarantine)}: false-quarantine rate is ${pct(e.falseQuarantineRate)} (${e.falseQuarantined}/${e.benign})`,
      );
  }
  if (gates.maxRisky !== undefined) {
    if (e.benign === 0) out.push("--max-risky: no benign samples to measure the RISKY share on");
    else if (e.benignRiskyShare > gates.maxRisky)
      out.push(
        `--max-risky ${pct(gates.maxRisky)}: benign RISKY share is ${pct(e.benignRiskyShare)} (${e.benignRisky}/${e.benign})`,
      );
  }
  return out;
}

export function pct(x: number): string {
  if (!Number.isFinite(x)) return "n/a";
  return `${(x * 100).toFixed(x === 0 || x === 1 ? 0 : 1)}%`;
}

/** The confusion matrix as a fixed-width table: rows expected, columns found, with row totals. */
export function renderMatrix(e: Evaluation): string {
  const showNotFound = e.notFound.length > 0;
  const head = ["expected \\ found", ...LEVEL_NAMES, ...(showNotFound ? ["not found"] : []), "total"];
  const rows = LEVEL_NAMES.map((name, exp) => {
    const missing = e.notFound.filter((o) => o.expected === exp).length;
    const cells = e.matrix[exp]!;
    const total = cells.reduce((a, b) => a + b, 0) + missing;
    return [name, ...cells.map(String), ...(showNotFound ? [String(missing)] : []), String(total)];
  });
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all
    .map((r) => `  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")}`)
    .join("\n");
}
