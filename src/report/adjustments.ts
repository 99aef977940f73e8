import type { Finding } from "../scan/index.js";

/** Every level change of a finding in one line each ("MALICIOUS → RISKY: quoted in …"), oldest first. */
export function adjustmentLines(f: Finding): string[] {
  return (f.adjustments ?? []).map((a) => `${a.from} → ${a.to}: ${a.why.replace(/\s+/g, " ").trim()}`);
}
