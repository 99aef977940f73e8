import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError, parseInputs, resolveOutputPath } from "../src/action/inputs.js";
import { failureMessage } from "../src/action/main.js";
import type { SkillReport } from "../src/scan/types.js";

// Where the Action may write, and how its failure line names the skills: plain functions, so the
// cases run without building and running the bundle (test/action.test.ts does that end to end).

const dir = (name: string) => realpathSync(mkdtempSync(join(tmpdir(), `sq-paths-${name}-`)));

describe("sarif-file", () => {
  const ws = dir("ws");
  const temp = dir("temp");
  const outside = dir("outside");
  symlinkSync(outside, join(ws, "link-out"));
  mkdirSync(join(ws, "reports"));

  it("empty input: the default name in RUNNER_TEMP, or in the workspace when RUNNER_TEMP is unset", async () => {
    const raw = {
      path: "",
      "fail-on": "",
      config: "",
      "allowed-domains": "",
      "baseline-ref": "",
      annotate: "",
      "appeals-repository": "",
      "github-token": "",
      "app-slug": "",
      "marker-secret": "",
      workers: "",
    };
    expect(parseInputs({ ...raw, "sarif-file": "  " })["sarif-file"]).toBeUndefined();
    expect(await resolveOutputPath(ws, temp, undefined)).toBe(join(temp, "skill-quarantine.sarif"));
    expect(await resolveOutputPath(ws, undefined, undefined)).toBe(join(ws, "skill-quarantine.sarif"));
  });

  it("a path inside the workspace or RUNNER_TEMP is taken", async () => {
    expect(await resolveOutputPath(ws, temp, "reports/x.sarif")).toBe(join(ws, "reports", "x.sarif"));
    expect(await resolveOutputPath(ws, temp, "new/deep/x.sarif")).toBe(join(ws, "new", "deep", "x.sarif"));
    expect(await resolveOutputPath(ws, temp, join(temp, "y.sarif"))).toBe(join(temp, "y.sarif"));
  });

  it("a path leaving both, by .., absolute or through a symbolic link, is refused naming the input", async () => {
    for (const bad of [
      "../../x.sarif",
      join(outside, "x.sarif"),
      "link-out/x.sarif",
      "reports/../../x.sarif",
    ]) {
      const err = await resolveOutputPath(ws, temp, bad).catch((e: unknown) => e);
      expect(err, bad).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(
        /^Input 'sarif-file': ".+" is outside the workspace and RUNNER_TEMP/,
      );
    }
    await expect(resolveOutputPath(ws, temp, ".")).rejects.toThrow(/is a folder/);
  });
});

describe("the failure line", () => {
  const skill = (id: string, level: 1 | 2 | 3 | 4): SkillReport =>
    ({
      id,
      path: id,
      level,
      severity: (["LOW_QUALITY", "RISKY", "SUSPICIOUS", "MALICIOUS"] as const)[level - 1],
      quarantineStatus: { reason: `reason of ${id}` },
    }) as unknown as SkillReport;

  it("one skill: as before, with its reason", () => {
    expect(failureMessage([skill("a", 3), skill("b", 2)], 3, "")).toBe(
      "Skill a is SUSPICIOUS, at or above fail-on SUSPICIOUS: reason of a.",
    );
  });

  it("several: every one, worst first", () => {
    expect(failureMessage([skill("a", 3), skill("b", 2), skill("c", 4)], 3, "")).toBe(
      "2 skills are at or above fail-on SUSPICIOUS: c is MALICIOUS (reason of c); a is SUSPICIOUS (reason of a).",
    );
  });

  it("many: the first ten, then how many more", () => {
    const many = Array.from({ length: 13 }, (_, i) => skill(`s${i}`, 3));
    const line = failureMessage(many, 3, "");
    expect(line).toMatch(/^13 skills are at or above fail-on SUSPICIOUS: s0 is SUSPICIOUS/);
    expect(line).toContain("s9 is SUSPICIOUS");
    expect(line).not.toContain("s10 is");
    expect(line).toMatch(/; and 3 more, listed in the job summary\.$/);
  });
});
