import type { LevelNumber } from "../../src/scan/index.js";
import { parseLevel } from "../../src/scan/index.js";

// Expected levels for an evaluation corpus: a labels.tsv (`id<TAB>expected-level[<TAB>note]`, id =
// the skill folder relative to the corpus root), or the top folder name (benign/ → none,
// malicious/ → MALICIOUS) for skills the file does not list.

export interface Label {
  id: string;
  expected: LevelNumber;
  note?: string;
  /** Where the label came from: "labels.tsv:12" or "folder". */
  source: string;
}

export class LabelError extends Error {
  override name = "LabelError";
}

/** A skill folder path normalised the way reports show it: POSIX, no "./", no trailing "/". */
export function normaliseId(id: string): string {
  const p = id
    .trim()
    .replace(/\\/g, "/")
    .replace(/^(\.\/)+/, "")
    .replace(/\/+$/, "");
  return p === "" ? "." : p;
}

/** Parses labels.tsv; blank lines and `#` comments are skipped, a header row `id<TAB>expected…` too. */
export function parseLabels(text: string, file = "labels.tsv"): Map<string, Label> {
  const out = new Map<string, Label>();
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trimEnd();
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const cols = line.split("\t");
    const [idCol = "", levelCol = "", ...rest] = cols;
    const where = `${file}:${i + 1}`;
    if (i === 0 && idCol.trim().toLowerCase() === "id" && parseLevel(levelCol) === undefined) continue;
    if (cols.length < 2 || idCol.trim() === "")
      throw new LabelError(
        `${where}: expected "id<TAB>expected-level[<TAB>note]", got ${JSON.stringify(line)}`,
      );
    const expected = parseLevel(levelCol);
    if (expected === undefined)
      throw new LabelError(
        `${where}: unknown level ${JSON.stringify(levelCol)}; use none, LOW_QUALITY, RISKY, SUSPICIOUS or MALICIOUS`,
      );
    const id = normaliseId(idCol);
    const prior = out.get(id);
    if (prior) throw new LabelError(`${where}: ${id} is already labelled at ${prior.source}`);
    const note = rest.join("\t").trim();
    out.set(id, { id, expected, source: where, ...(note ? { note } : {}) });
  }
  return out;
}

/** The label implied by the top folder: benign/ → none, malicious/ → MALICIOUS. */
export function labelFromFolder(id: string): LevelNumber | undefined {
  const top = normaliseId(id).split("/")[0];
  if (top === "benign") return 0;
  if (top === "malicious") return 4;
  return undefined;
}

/** A rate given as 0, 1, 0.95 or 95%; undefined when it is none of those. */
export function parseRate(input: string): number | undefined {
  const s = input.trim();
  const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(s);
  if (pct) {
    const v = Number(pct[1]) / 100;
    return v <= 1 ? v : undefined;
  }
  if (!/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(s)) return undefined;
  const v = Number(s);
  return v >= 0 && v <= 1 ? v : undefined;
}
