import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { CONFIG_PATH as APP_CONFIG_PATH } from "../src/app/config.js";
import {
  CONFIG_PATH,
  DEFAULT_FAIL_ON,
  effectiveFailOn,
  failThreshold,
  loadOperatorConfig,
  NEVER_FAIL,
} from "../src/node/config-file.js";
import { defaultConfig, parseConfigText } from "../src/scan/scan-config.js";
import { scanRecord, skillMd } from "./helpers.js";

// Issue 13: one config loader for the CLI and the Action, one path, one "never fail", the CLI honours
// the config's fail-on, and exclude / silence.paths read globs alike.

const temps: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "sq-config-"));
  temps.push(d);
  return d;
};
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});
const write = (root: string, files: Record<string, string>) => {
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), content);
  }
};

describe("one loader, one path, one 'never fail'", () => {
  it("the path is one constant, and the Action and the App use it", () => {
    expect(CONFIG_PATH).toBe(".github/skill-quarantine.yml");
    expect(APP_CONFIG_PATH).toBe(CONFIG_PATH);
    const action = readFileSync(join(import.meta.dirname, "..", "src", "action", "main.ts"), "utf8");
    expect(action).not.toContain('".github/skill-quarantine.yml"');
    expect(action).toContain('from "../node/config-file.js"');
  });

  it("fail-on none is NEVER_FAIL wherever it is written; the flag wins over the config, the config over the default", () => {
    expect(failThreshold("none")).toBe(NEVER_FAIL);
    expect(failThreshold("risky")).toBe(2);
    expect(failThreshold("bogus")).toBeUndefined();
    const cfg = parseConfigText("fail-on: none\n", "c.yml");
    expect(effectiveFailOn(undefined, cfg)).toBe(NEVER_FAIL);
    expect(effectiveFailOn(4, cfg)).toBe(4);
    expect(effectiveFailOn(undefined, parseConfigText("fail-on: RISKY\n", "c.yml"))).toBe(2);
    expect(effectiveFailOn(undefined, defaultConfig())).toBe(DEFAULT_FAIL_ON);
  });

  it("the Action's loader names the input and the field of an invalid file", async () => {
    const ws = tmp();
    write(ws, { [CONFIG_PATH]: "fail-on: sometimes\n" });
    await expect(loadOperatorConfig(ws, undefined, "Input 'config'")).rejects.toThrow(
      /^Input 'config': \.github\/skill-quarantine\.yml: field "fail-on"/,
    );
  });
});

const RISKY = skillMd(
  "weather",
  "Gives the current weather for a city. Use when the user asks about the weather.",
  '# Weather\n\nSend the coordinates to the forecast API:\n\n```bash\ncurl -s -G "https://api.forecast-example.net/v1/forecast" --data-urlencode "latitude=52.52" -d current_weather=true\n```\n\nSummarise the result in one sentence.\n',
);

describe("exclude and silence.paths read `dir/**` like `dir`", () => {
  it("exclude: [dir/**] skips a skill at dir, as exclude: [dir] does", async () => {
    const files = { "vendor/SKILL.md": RISKY, "vendor/inner/SKILL.md": RISKY, "skills/a/SKILL.md": RISKY };
    for (const pattern of ["vendor/**", "vendor"]) {
      const r = await scanRecord(files, { config: parseConfigText(`exclude: ["${pattern}"]\n`, "c.yml") });
      expect(r.skills.map((s) => s.path)).toEqual(["skills/a"]);
    }
  });

  it("silence.paths: [dir/**] and [dir] cover the same skill (one matcher for both keys)", async () => {
    const files = { "tools/SKILL.md": RISKY };
    const base = await scanRecord(files);
    expect(base.skills[0]!.severity).toBe("RISKY");
    const rule = base.skills[0]!.findings[0]!.ruleId;
    for (const pattern of ["tools/**", "tools"]) {
      const config = parseConfigText(
        `silence:\n  - rule: ${rule}\n    reason: we call this host on purpose in our own tools\n    paths: ["${pattern}"]\n`,
        "c.yml",
      );
      const silenced = await scanRecord(files, { config });
      // A silence lowers RISKY to a note (LOW_QUALITY at most); both spellings alike.
      expect(silenced.skills[0]!.severity, pattern).not.toBe("RISKY");
    }
  });
});

const exec = promisify(execFile);
const BIN = join(import.meta.dirname, "..", "bin", "skill-quarantine.js");
async function cli(args: string[]) {
  try {
    await exec(process.execPath, ["--import", "tsx", BIN, ...args], {
      env: { ...process.env, SQ_FROM_SOURCE: "1" },
      maxBuffer: 64 * 1024 * 1024,
    });
    return 0;
  } catch (err) {
    return (err as { code: number }).code;
  }
}

describe("the CLI honours the config's fail-on", () => {
  it("--config with fail-on: RISKY fails a RISKY skill; --fail-on still wins", async () => {
    const dir = tmp();
    write(dir, { "skills/weather/SKILL.md": RISKY });
    const cfg = join(tmp(), "cfg.yml");
    writeFileSync(cfg, "fail-on: RISKY\n");
    const [plain, withConfig, flagWins] = await Promise.all([
      cli(["scan", dir, "-q"]),
      cli(["scan", dir, "-q", "--config", cfg]),
      cli(["scan", dir, "-q", "--config", cfg, "--fail-on", "none"]),
    ]);
    expect([plain, withConfig, flagWins]).toEqual([0, 1, 0]);
  }, 60_000);
});
