import { describe, expect, it } from "vitest";
import { MarkerError, readMarker, writeMarker } from "../../src/appeals/markers.js";

// The App writes only markers its own reader accepts: one written without a field the reader needs
// was ignored when read back, so the next /appeal opened a duplicate issue and reviewer commands on the
// first were refused ("App issue without a valid appeal marker").

const appeal = {
  skillId: "skills/notes",
  contentHash: "a".repeat(64),
  repo: "octo/skills",
  sha: "b".repeat(40),
  level: "SUSPICIOUS" as const,
  author: "octocat",
  opened: "2026-12-06T00:00:00Z",
  due: ["2026-12-09T00:00:00Z", "2026-12-13T00:00:00Z"] as [string, string],
  url: "https://github.com/octo/skills/pull/2",
  html: "https://github.com/octo/skills",
  findings: ["cred.ssh-private-keys@skills/notes/SKILL.md"],
  via: "appeal" as const,
};

describe("writeMarker", () => {
  it("writes a marker its reader reads back", () => {
    expect(readMarker("appeal", writeMarker("appeal", appeal, "k"), "k")?.skillId).toBe("skills/notes");
  });

  it("refuses a marker its reader would reject, naming the field (a URL GitHub did not return)", () => {
    const { url: _url, ...noUrl } = appeal;
    expect(() => writeMarker("appeal", noUrl as typeof appeal, "k")).toThrow(MarkerError);
    expect(() => writeMarker("appeal", noUrl as typeof appeal, "k")).toThrow(
      /appeal marker cannot be written: url/,
    );
    expect(() => writeMarker("appeal", { ...appeal, sha: "not-a-sha" }, "k")).toThrow(/sha/);
  });
});
