import { describe, expect, it } from "vitest";
import { conclusionFor, titleFor } from "../src/app/github/check-runs.js";
import { annotationsFor } from "../src/report/annotations.js";
import { markdownDetails } from "../src/report/markdown.js";
import { renderSarif } from "../src/report/sarif.js";
import { PRESENTATION } from "../src/scan/presentation.js";
import { SEVERITIES, type Severity } from "../src/scan/types.js";
import { finding, result, skill } from "./report-fixtures.js";

// One presentation table: every surface shows a level with the same icon, annotation level, SARIF
// level and check conclusion (they disagreed: LOW_QUALITY was ✅ in one table and ℹ️ in two).

const one = (level: Severity) => {
  const s = skill({ findings: [finding({ level })] });
  return {
    s,
    r: result([{ ...s, severity: level, level: (SEVERITIES.indexOf(level) + 1) as 1 | 2 | 3 | 4 }]),
  };
};

describe.each(SEVERITIES)("%s is shown the same on every surface", (level) => {
  const p = PRESENTATION[level];
  it("check run: conclusion and title icon", () => {
    const { r } = one(level);
    expect(conclusionFor(level)).toBe(p.conclusion);
    expect(titleFor(r, level).startsWith(p.icon)).toBe(true);
  });
  it("Markdown details, annotations and SARIF", () => {
    const { r } = one(level);
    expect(markdownDetails(r)).toContain(`| ${p.icon} ${level} |`);
    expect(annotationsFor(r).map((a) => a.level)).toContain(p.annotation);
    const sarif = JSON.parse(renderSarif(r)) as { runs: { results: { level: string }[] }[] };
    expect(sarif.runs[0]!.results.map((x) => x.level)).toContain(p.sarif);
  });
});
