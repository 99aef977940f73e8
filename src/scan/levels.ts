import { type LevelNumber, SEVERITIES, type Severity } from "./types.js";

export function levelOf(severity: Severity | null | undefined): LevelNumber {
  return severity ? ((SEVERITIES.indexOf(severity) + 1) as LevelNumber) : 0;
}

export function severityOf(level: number): Severity | null {
  return level <= 0 ? null : (SEVERITIES[Math.min(level, 4) - 1] ?? null);
}

export function maxSeverity(a: Severity | null, b: Severity | null): Severity | null {
  return levelOf(a) >= levelOf(b) ? a : b;
}

/** Parses a user-given level name ("suspicious", "MALICIOUS", "none", "3"); undefined when invalid. */
export function parseLevel(input: string): LevelNumber | undefined {
  const v = input.trim().toUpperCase().replace(/-/g, "_");
  if (v === "NONE" || v === "0") return 0;
  if (/^[1-4]$/.test(v)) return Number(v) as LevelNumber;
  const i = (SEVERITIES as readonly string[]).indexOf(v);
  return i >= 0 ? ((i + 1) as LevelNumber) : undefined;
}

export const LEVEL_NAMES = ["none", ...SEVERITIES] as const;
