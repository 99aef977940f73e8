import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { SkillReport } from "../src/scan/types.js";
import { scanTechniques, TECHNIQUES_DIR } from "./helpers.js";

// Skills we wrote, one per technique (fixtures/techniques): malicious ones as registry campaigns ship
// them (fake prerequisites, encoded download-and-run, payloads in scripts and assets, hidden and
// injected instructions; all hosts are documentation addresses or fake names), and benign ones that
// look like them (security guides quoting attacks, official installers, hooks and cron skills that
// say so, API clients). The quarantine line (SUSPICIOUS) must fall between the two sets.
let skills: SkillReport[] = [];

beforeAll(async () => {
  skills = await scanTechniques();
}, 60_000);

const summary = (s: SkillReport) =>
  `${s.severity ?? "clean"} — ${s.findings
    .filter((f) => f.level === s.severity)
    .map((f) => f.ruleId)
    .join(", ")}`;

describe("technique fixtures", () => {
  it("finds every fixture skill", () => {
    for (const side of ["benign", "malicious"]) {
      const folders = readdirSync(join(TECHNIQUES_DIR, side), { withFileTypes: true }).filter((d) =>
        d.isDirectory(),
      );
      expect(folders.length).toBeGreaterThanOrEqual(side === "benign" ? 29 : 32);
      expect(skills.filter((s) => s.path.startsWith(`${side}/`)).length).toBe(folders.length);
    }
  });

  it("quarantines every malicious technique (SUSPICIOUS or MALICIOUS)", () => {
    const missed = skills
      .filter((s) => s.path.startsWith("malicious/") && s.level < 3)
      .map((s) => `${s.path}: ${summary(s)}`);
    expect(missed).toEqual([]);
  });

  it("quarantines none of the benign look-alikes", () => {
    const blocked = skills
      .filter((s) => s.path.startsWith("benign/") && s.level >= 3)
      .map((s) => `${s.path}: ${summary(s)}`);
    expect(blocked).toEqual([]);
  });
});
