import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { changelogSection, checkRelease, TAG_PATTERN } from "../scripts/release-check.js";
import { VERSION } from "../src/scan/index.js";

// The release machinery is configuration that only runs on GitHub: these tests read it the way
// GitHub and npm will, so a renamed job, a lost `uses: ./`, a wrong tag pattern or a missing
// permission fails here instead of on the day of a release.

const ROOT = resolve(import.meta.dirname, "..");
const read = (p: string) => readFileSync(join(ROOT, p), "utf8");

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  "continue-on-error"?: boolean;
}
interface Job {
  name: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, { tags?: string[]; branches?: string[] } | null>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}
const workflow = (name: string) => parseYaml(read(`.github/workflows/${name}`)) as Workflow;

/** GitHub's filter pattern syntax, as far as the tag filter uses it: `[…]`, `+`, `*`, literal `.`. */
function githubFilter(pattern: string): RegExp {
  const re = pattern.replace(/\./g, "\\.").replace(/\*/g, "[^/]*");
  return new RegExp(`^${re}$`);
}

describe("ci.yml", () => {
  const ci = workflow("ci.yml");

  it("runs .ci/run on pushes to main and on pull requests, read-only", () => {
    expect(Object.keys(ci.on).sort()).toEqual(["pull_request", "push"]);
    expect(ci.permissions).toEqual({ contents: "read" });
    expect(ci.jobs.ci!.name).toMatch(/^\.ci\/run/);
    expect(ci.jobs.ci!.steps.some((s) => s.run?.trim() === "bash .ci/run")).toBe(true);
  });

  it("runs the Action from the checkout on examples/ and asserts its outcome and outputs", () => {
    const job = ci.jobs["test-action"]!;
    const scan = job.steps.find((s) => s.id === "scan")!;
    expect(scan.uses).toBe("./");
    expect(scan.with?.path).toBe("examples");
    // Without continue-on-error the expected failure would end the job before the assertions.
    expect(scan["continue-on-error"]).toBe(true);
    const assert = job.steps[job.steps.indexOf(scan) + 1]!;
    for (const output of ["severity", "level", "quarantined", "skills", "sarif-file", "report-file"])
      expect(Object.values(assert.env ?? {})).toContain(`\${{ steps.scan.outputs.${output} }}`);
    expect(assert.env?.OUTCOME).toBe(`\${{ steps.scan.outcome }}`);
    expect(assert.run).toMatch(/"\$OUTCOME" = failure/);
    expect(assert.run).toMatch(/"\$SEVERITY" = MALICIOUS/);
    expect(assert.run).toMatch(/examples\/malicious-prereq/);
    expect(job.steps.filter((s) => s.uses === "./").map((s) => s.with?.path)).toEqual([
      "examples",
      "examples/clean-notes",
    ]);
  });
});

describe("release.yml", () => {
  const release = workflow("release.yml");

  it("runs on vX.Y.Z tags only", () => {
    expect(Object.keys(release.on)).toEqual(["push"]);
    const tags = release.on.push!.tags!;
    expect(tags).toEqual(["v[0-9]+.[0-9]+.[0-9]+"]);
    const matches = (t: string) => tags.some((p) => githubFilter(p).test(t));
    expect(["v1.0.0", "v12.34.56"].filter(matches)).toEqual(["v1.0.0", "v12.34.56"]);
    expect(["v1", "v1.2", "1.2.3", "v1.2.3-rc.1", "v1x2.3"].filter(matches)).toEqual([]);
  });

  it("checks, then publishes with provenance, then releases and moves the major tag", () => {
    expect(Object.keys(release.jobs)).toEqual(["check", "publish-npm", "github-release"]);
    const { check, "publish-npm": publish, "github-release": gh } = release.jobs as Record<string, Job>;
    expect(check!.steps.map((s) => s.run ?? "").join("\n")).toMatch(/bash \.ci\/run/);
    expect(check!.steps.some((s) => s.run?.includes("scripts/release-check.ts"))).toBe(true);
    expect(publish!.needs).toBe("check");
    expect(publish!.steps.some((s) => /npm publish --provenance\b/.test(s.run ?? ""))).toBe(true);
    expect(gh!.needs).toBe("publish-npm");
    const ghRun = gh!.steps.map((s) => s.run ?? "").join("\n");
    expect(ghRun).toMatch(
      /gh release create "\$GITHUB_REF_NAME" --verify-tag .*--notes-file release-notes\.md/,
    );
    expect(ghRun).toMatch(/major="\$\{GITHUB_REF_NAME%%\.\*\}"/);
    expect(ghRun).toMatch(/git push --force origin "refs\/tags\/\$major"/);
  });

  it("grants write access only to the job that needs it", () => {
    expect(release.permissions).toEqual({ contents: "read" });
    expect(release.jobs.check!.permissions).toBeUndefined();
    expect(release.jobs["publish-npm"]!.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(release.jobs["github-release"]!.permissions).toEqual({ contents: "write" });
  });
});

describe("release check", () => {
  const changelog = [
    "# Changelog",
    "",
    "## [Unreleased]",
    "",
    "## [1.2.0] - 2026-12-01",
    "### Added",
    "- a thing",
    "",
    "## [1.1.0] - 2026-11-01",
    "- older",
    "",
    "[1.2.0]: https://example.invalid/compare/v1.1.0...v1.2.0",
  ].join("\n");
  const files = (version: string, scanner = version) => ({
    packageJson: JSON.stringify({ version }),
    scannerSource: `export const VERSION = "${scanner}";`,
    changelog,
  });

  it("takes the notes from the version's section and names the major tag", () => {
    expect(checkRelease("v1.2.0", files("1.2.0"))).toEqual({
      version: "1.2.0",
      major: "v1",
      notes: "### Added\n- a thing",
    });
    expect(changelogSection(changelog, "1.1.0")).toBe("- older");
  });

  it("refuses a tag the versions or the changelog disagree with", () => {
    expect(() => checkRelease("v1.2", files("1.2.0"))).toThrow(/not vX\.Y\.Z/);
    expect(() => checkRelease("v1.2.0", files("1.1.0"))).toThrow(/package\.json: field "version" is 1\.1\.0/);
    expect(() => checkRelease("v1.2.0", files("1.2.0", "1.1.0"))).toThrow(/VERSION is 1\.1\.0/);
    expect(() => checkRelease("v1.3.0", files("1.3.0"))).toThrow(/no "## \[1\.3\.0\]" section/);
    expect(TAG_PATTERN.test("v1.2.3")).toBe(true);
  });

  it("the repository's own versions agree and its changelog keeps an Unreleased section", () => {
    const pkg = JSON.parse(read("package.json")) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(read("CHANGELOG.md")).toMatch(/^## \[Unreleased\]$/m);
  });
});

describe("the npm package", () => {
  const pkg = JSON.parse(read("package.json")) as {
    bin: Record<string, string>;
    exports: Record<string, string | { types: string; default: string }>;
    types: string;
    files: string[];
    scripts: Record<string, string>;
    engines: { node: string };
  };

  it("every entry point is built from a source file", () => {
    const fromLib = (p: string) => p.replace(/^\.\/lib\//, "src/").replace(/\.(d\.ts|js)$/, ".ts");
    const targets = Object.values(pkg.exports).flatMap((e) =>
      typeof e === "string" ? [] : [e.types, e.default],
    );
    for (const t of [...targets, pkg.types]) expect(existsSync(join(ROOT, fromLib(t))), t).toBe(true);
    for (const b of Object.values(pkg.bin)) expect(existsSync(join(ROOT, b)), b).toBe(true);
    expect(pkg.scripts.prepack).toMatch(/npm run build/);
  });

  it("ships the CLI, the rules and no sources or tests", async () => {
    const { stdout } = await promisify(execFile)("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: ROOT,
    });
    const listed = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const need of [
      "bin/skill-quarantine.js",
      "rules/domains.yml",
      "LICENSE",
      "README.md",
      "CHANGELOG.md",
    ])
      expect(listed).toContain(need);
    expect(listed.filter((p) => /^(src|test|dist|scripts|examples)\//.test(p) || p.endsWith(".map"))).toEqual(
      [],
    );
  }, 60_000);
});

describe("README", () => {
  const readme = read("README.md");

  it("references the Action by its major tag and one <owner> placeholder, explained once", () => {
    const refs = [...readme.matchAll(/uses: (\S+\/skill-quarantine)@(\S+)/g)];
    expect(refs.length).toBeGreaterThan(0);
    for (const [, repo, ref] of refs) {
      expect(repo).toBe("<owner>/skill-quarantine");
      // The major tag release.yml moves; v1 is the first one (CHANGELOG.md: the first release is 1.0.0).
      expect(ref).toBe("v1");
    }
    expect(readme.match(/`<owner>` is /g)).toHaveLength(1);
  });

  it("the example workflows install the same major version", () => {
    for (const f of ["appeals-sweep.yml", "registry-shards.yml"]) {
      const env = (parseYaml(read(`examples/workflows/${f}`)) as { env: Record<string, string> }).env;
      expect(env.SKILL_QUARANTINE, f).toBe("skill-quarantine@1");
    }
    expect(read("examples/workflows/skill-quarantine.yml")).toMatch(/uses: <owner>\/skill-quarantine@v1\n/);
  });
});
