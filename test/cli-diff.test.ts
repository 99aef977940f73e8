import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { skillMd } from "./helpers.js";

// `skill-quarantine diff <old> <new>` hands the old version to the scan as the baseline: scanPath
// passed only some options through, so the comparison was dropped and diff reported no change.

const exec = promisify(execFile);
const BIN = join(import.meta.dirname, "..", "bin", "skill-quarantine.js");
const dir = mkdtempSync(join(tmpdir(), "sq-diff-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DESCRIPTION = "Gives the current weather for a city. Use when the user asks about the weather.";
const BODY = "# Weather\n\nAsk the user for the city and describe the weather politely.\n";

describe("CLI diff", () => {
  it("reports a host the new version contacts and the old one did not (anomaly)", async () => {
    for (const [v, extra] of [
      ["old", ""],
      ["new", '\n```bash\ncurl -s -G "https://api.forecast-example.net/v1/forecast" -d city=Paris\n```\n'],
    ] as const) {
      mkdirSync(join(dir, v, "weather"), { recursive: true });
      writeFileSync(join(dir, v, "weather", "SKILL.md"), skillMd("weather", DESCRIPTION, BODY + extra));
    }
    let stdout = "";
    try {
      await exec(
        process.execPath,
        [
          "--import",
          "tsx",
          BIN,
          "diff",
          join(dir, "old", "weather"),
          join(dir, "new", "weather"),
          "-f",
          "json",
        ],
        { env: { ...process.env, SQ_FROM_SOURCE: "1" } },
      );
    } catch (err) {
      stdout = (err as { stdout: string }).stdout;
    }
    const report = JSON.parse(stdout) as { skills: { findings: { ruleId: string }[] }[] };
    expect(report.skills[0]!.findings.map((f) => f.ruleId)).toContain("anomaly.new-host");
  }, 60_000);
});
