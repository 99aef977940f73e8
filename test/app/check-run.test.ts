import "./polyfill.js";
import { describe, expect, it } from "vitest";
import {
  ACTIONS,
  ANNOTATION_TITLE_MAX,
  batches,
  conclusionFor,
  cutToBytes,
  SUMMARY_MAX_BYTES,
  TEXT_MAX_BYTES,
  toApiAnnotation,
} from "../../src/app/github/check-runs.js";
import { loadEngine } from "../../src/app/scan/engine.js";
import { buildOutput, describeError } from "../../src/app/scan/scan-and-report.js";
import { MemoryFileSet } from "../../src/scan/fileset.js";
import { resultOf } from "../../src/scan/index.js";
import { defaultConfig } from "../../src/scan/scan-config.js";
import type { SkillReport } from "../../src/scan/types.js";
import { TarballError } from "../../src/sources/tarball.js";
import { repoFiles, schemaErrors } from "./helpers.js";

const bytes = (s: string) => Buffer.byteLength(s);

describe("conclusion by level (DESIGN: quarantine levels)", () => {
  it.each([
    ["MALICIOUS", "failure"],
    ["SUSPICIOUS", "action_required"],
    ["RISKY", "neutral"],
    ["LOW_QUALITY", "success"],
    [null, "success"],
  ] as const)("%s → %s", (level, conclusion) => {
    expect(conclusionFor(level)).toBe(conclusion);
  });
});

describe("API limits", () => {
  it("cuts by UTF-8 bytes (GitHub counts bytes), on a character boundary, with a note", () => {
    const text = "🚨 emoji line\n".repeat(10_000); // 4-byte characters: far more bytes than characters
    expect(text.length).toBeLessThan(200_000);
    const cut = cutToBytes(text, SUMMARY_MAX_BYTES, "_cut_");
    expect(bytes(cut)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    expect(cut.endsWith("\n\n_cut_")).toBe(true);
    expect(cut).not.toContain("\uFFFD");
    expect(cutToBytes("short", 10, "note")).toBe("short");
  });

  it("closes a code fence the cut leaves open", () => {
    const text = `intro\n\`\`\`\n${"x".repeat(100_000)}\n\`\`\`\n`;
    const cut = cutToBytes(text, 1000, "_cut_");
    expect(cut.match(/```/g)).toHaveLength(2);
    expect(bytes(cut)).toBeLessThanOrEqual(1000);
  });

  it("keeps annotation titles to 255 characters and messages to 64 KB", () => {
    const a = toApiAnnotation({
      severity: "SUSPICIOUS",
      level: "error",
      file: "skills/a/SKILL.md",
      startLine: 0,
      endLine: -3,
      startColumn: 1,
      title: "t".repeat(400),
      message: "m".repeat(100_000),
    });
    expect([...a.title]).toHaveLength(ANNOTATION_TITLE_MAX);
    expect(bytes(a.message)).toBeLessThanOrEqual(64_000);
    expect(a).toMatchObject({ start_line: 1, end_line: 1, annotation_level: "failure" });
  });

  it("batches annotations by 50", () => {
    expect(batches(Array.from({ length: 101 }, (_, i) => i)).map((b) => b.length)).toEqual([50, 50, 1]);
    expect(batches([])).toEqual([]);
  });

  it("buttons fit the actions limits (label 20, description 40, identifier 20)", () => {
    for (const a of Object.values(ACTIONS)) {
      expect(a.label.length).toBeLessThanOrEqual(20);
      expect(a.description.length).toBeLessThanOrEqual(40);
      expect(a.identifier.length).toBeLessThanOrEqual(20);
    }
  });
});

describe("the OpenAPI check has teeth", () => {
  const ok = {
    status: "completed",
    conclusion: "success",
    output: { title: "t", summary: "s", annotations: [] as object[] },
  };
  const annotation = { path: "a", start_line: 1, end_line: 1, annotation_level: "notice", message: "m" };

  it("accepts a well-formed update", async () => {
    expect(await schemaErrors("update", ok)).toEqual([]);
  });

  it("rejects a misspelt field, a 51st annotation, a long button label and a wrong conclusion", async () => {
    expect(await schemaErrors("update", { ...ok, output: { ...ok.output, annotation: [] } })).not.toEqual([]);
    expect(await schemaErrors("update", { ...ok, conlusion: "success" })).not.toEqual([]);
    expect(
      await schemaErrors("update", {
        ...ok,
        output: { ...ok.output, annotations: Array(51).fill(annotation) },
      }),
    ).toEqual([expect.stringContaining("must NOT have more than 50 items")]);
    expect(
      await schemaErrors("update", {
        ...ok,
        actions: [{ label: "x".repeat(21), description: "d", identifier: "i" }],
      }),
    ).not.toEqual([]);
    expect(await schemaErrors("update", { ...ok, conclusion: "passed" })).not.toEqual([]);
    expect(await schemaErrors("create", { head_sha: "abc" })).not.toEqual([]);
  });
});

describe("buildOutput", () => {
  const req = {
    owner: "o",
    repo: "r",
    sha: "0123456789abcdef0123456789abcdef01234567",
    htmlUrl: "https://github.com/o/r",
    appealUrl: "https://github.com/o/r/pull/1",
  };

  it("stays within GitHub's byte limits for a huge result, and passes the schema", async () => {
    const engine = await loadEngine();
    const one = await engine.scan(
      MemoryFileSet.fromRecord("x", repoFiles({ "skills/invoice-helper": "malicious-invoice" })),
      { ruleSet: engine.ruleSet, config: defaultConfig() },
    );
    const base = one.skills[0]!;
    const skills: SkillReport[] = Array.from({ length: 400 }, (_, i) => ({
      ...base,
      id: `o/skill-${i}-🚨`,
      path: `skills/skill-${i}`,
      summary: base.summary.map((l) => `${l} ${"🚨 ".repeat(40)}`),
      findings: base.findings.map((f) => ({
        ...f,
        file: `skills/skill-${i}/${f.file.split("/").slice(2).join("/")}`,
      })),
    }));
    const out = buildOutput(engine, resultOf("o/r", skills), req, { notes: [] });
    expect(bytes(out.summary)).toBeGreaterThan(10_000);
    const body = {
      status: "completed",
      conclusion: out.conclusion,
      output: {
        title: out.title,
        summary: cutToBytes(out.summary, SUMMARY_MAX_BYTES),
        text: cutToBytes(out.text ?? "", TEXT_MAX_BYTES),
        annotations: out.annotations.slice(0, 50),
      },
      actions: out.actions,
    };
    expect(bytes(body.output.summary)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    expect(bytes(body.output.text)).toBeLessThanOrEqual(TEXT_MAX_BYTES);
    expect(out.summary).toContain("### How to appeal");
    expect(out.text).toContain("left out to stay within the size limit");
    expect(out.text).toContain("The first 500 of 1200 findings are annotated");
    expect(await schemaErrors("update", body)).toEqual([]);
    expect(out).toMatchObject({
      conclusion: "failure",
      title: "❌ MALICIOUS: 400 of 400 skills must not be installed",
    });
  });

  it("a result with scan errors fails closed", async () => {
    const engine = await loadEngine();
    const out = buildOutput(engine, resultOf("o/r", [], ["skills/a/SKILL.md could not be read"]), req, {
      notes: [],
    });
    expect(out).toMatchObject({
      conclusion: "failure",
      title: "❌ Scan incomplete: skills/a/SKILL.md could not be read",
    });
  });

  it("names the error that stopped a scan", () => {
    const rate = Object.assign(new Error("API rate limit exceeded"), {
      status: 403,
      response: { headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1767323045" } },
    });
    expect(describeError(rate, req).title).toBe("❌ Not scanned: GitHub API rate limit reached");
    expect(describeError(rate, req).summary).toContain("resets at 2026-01-02T03:04:05.000Z");
    expect(describeError(Object.assign(new Error("x"), { status: 403 }), req).title).toBe(
      "❌ Not scanned: the App may not read this repository's contents",
    );
    expect(
      describeError(
        new TarballError(
          "entry-count",
          "o/r@0123456: the archive holds more than 5 entries (limit); not scanned",
        ),
        req,
      ).title,
    ).toBe("❌ Not scanned: the archive holds more than 5 entries (limit); not scanned");
    expect(describeError(new TypeError("boom"), req).title).toBe("❌ Not scanned: internal error");
  });
});
