import { describe, expect, it } from "vitest";
import { scanOne, skillMd } from "./helpers.js";

// A vendor's signed apt repository, as its docs write it: the keyring steps change nothing by
// themselves; the sources line is the vendor's only when its host is named for the skill.
const gh = (host: string) =>
  scanOne({
    "github-cli-setup/SKILL.md": skillMd(
      "github-cli-setup",
      "Installs and authenticates the GitHub CLI (gh) on Linux. Use when the user needs gh.",
      `\`\`\`bash
sudo mkdir -p -m 755 /etc/apt/keyrings \\
  && wget -nv -O /tmp/k.gpg https://${host}/packages/key.gpg \\
  && cat /tmp/k.gpg | sudo tee /etc/apt/keyrings/gh.gpg > /dev/null \\
  && sudo chmod go+r /etc/apt/keyrings/gh.gpg \\
  && echo "deb [signed-by=/etc/apt/keyrings/gh.gpg] https://${host}/packages stable main" | sudo tee /etc/apt/sources.list.d/gh.list > /dev/null \\
  && sudo apt update
\`\`\`
`,
    ),
  });
const sudo = (s: Awaited<ReturnType<typeof gh>>) =>
  s.findings.filter((f) => f.ruleId === "persist.sudo").map((f) => [f.line, f.level]);

describe("a vendor's signed package repository", () => {
  it("from a host named for the skill: every step LOW_QUALITY", async () => {
    const s = await gh("cli.github.com");
    expect(sudo(s).every(([, l]) => l === "LOW_QUALITY")).toBe(true);
    expect(sudo(s).length).toBeGreaterThanOrEqual(4);
  });

  it("from a throwaway domain with the same name, or another host: the sources line stays RISKY", async () => {
    for (const host of ["cli.github.click", "pkgs.mirror-hub.net"]) {
      const s = await gh(host);
      expect(
        s.findings.find((f) => f.ruleId === "persist.sudo" && /sources\.list/.test(f.excerpt))?.level,
      ).toBe("RISKY");
    }
  });
});
