import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

// Trust tiers from the command line: the CLI user is the operator, so their own --config names the
// verified publishers and --publisher says who published what is scanned. A config found inside the
// scanned folder is the repository's and cannot make it verified.

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin", "skill-quarantine.js");

async function cli(args: string[]) {
  try {
    const r = await run(process.execPath, ["--import", "tsx", BIN, ...args], {
      env: { ...process.env, SQ_FROM_SOURCE: "1" },
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("skill-quarantine scan --publisher", () => {
  it("verified publisher from the user's own config; the level is unchanged; text and JSON show it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sq-cli-trust-"));
    const op = join(dir, "operator.yml");
    await writeFile(op, "trust:\n  verified-publishers: [acme]\n");
    const json = await cli([
      "scan",
      "examples/suspicious-formatter",
      "--config",
      op,
      "--publisher",
      "@ACME",
      "-f",
      "json",
    ]);
    const s = JSON.parse(json.stdout).skills[0];
    expect(s.trust).toEqual({ tier: "verified-publisher", by: "ACME", at: null });
    expect(s.severity).toBe("SUSPICIOUS");
    expect(json.code).toBe(1);

    const text = await cli(["scan", "examples/clean-notes", "--config", op, "--publisher", "acme"]);
    expect(text.stdout).toMatch(/■ clean-notes .*🟢 verified publisher acme/);
    const other = await cli(["scan", "examples/clean-notes", "--config", op, "--publisher", "mallory"]);
    expect(other.stdout).toMatch(/■ clean-notes .*🟡 unverified/);
  }, 60_000);

  it("a repository's own config naming its publisher is ignored and said so; a bad --publisher is exit 2", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sq-cli-trust-"));
    await cp(join(ROOT, "examples", "clean-notes"), join(dir, "clean-notes"), { recursive: true });
    await mkdir(join(dir, ".github"));
    await writeFile(
      join(dir, ".github", "skill-quarantine.yml"),
      "trust:\n  verified-publishers: [mallory]\n",
    );
    const r = await cli(["scan", dir, "--publisher", "mallory", "-f", "json"]);
    expect(JSON.parse(r.stdout).skills[0].trust.tier).toBe("unverified");
    expect(r.stderr).toMatch(/trust: ignored: set by the repository under scan/);

    const bad = await cli(["scan", "examples/clean-notes", "--publisher", "acme/skills"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toContain("must be a GitHub owner or organisation login");
  }, 60_000);
});
