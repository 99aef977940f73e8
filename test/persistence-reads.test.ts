import { describe, expect, it } from "vitest";
import type { Finding } from "../src/scan/types.js";
import { persistenceRead } from "../src/scan/weigh/persistence-reads.js";
import { scanOne, skillMd } from "./helpers.js";

// An audit lists where programs start automatically; an installer writes there. The persistence rules
// match the place; the purpose stage lowers the match only when its command is a reader.

const at = (ruleId: string, line: string, needle: string): [Finding, string] => [
  { ruleId, column: line.indexOf(needle) + 1 } as Finding,
  line,
];

describe("persistenceRead", () => {
  it("reads: listing, printing and querying the places", () => {
    for (const [f, line] of [
      at(
        "persist.launch-agent",
        "- `ls -la ~/Library/LaunchAgents /Library/LaunchDaemons`",
        "Library/LaunchAgents",
      ),
      at("persist.launch-agent", "`plutil -p ~/Library/LaunchAgents/com.x.plist`", "Library/LaunchAgents"),
      at(
        "persist.launch-agent",
        "find ~/Library/LaunchAgents -name '*.plist' | sort",
        "Library/LaunchAgents",
      ),
      at(
        "persist.windows-autorun",
        "`reg query HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run`",
        "HKCU",
      ),
      at("persist.crontab", "Run `crontab -l` and report the entries.", "crontab"),
    ])
      expect(persistenceRead(f, line), line).toMatch(/^only lists or reads/);
  });

  it("not reads: copying, writing, loading, running found files, or another rule", () => {
    for (const [f, line] of [
      at("persist.launch-agent", "cp helper.plist ~/Library/LaunchAgents/", "Library/LaunchAgents"),
      at("persist.launch-agent", "cat > ~/Library/LaunchAgents/x.plist <<EOF", "Library/LaunchAgents"),
      at(
        "persist.launch-agent",
        "ls ~/Library && launchctl load ~/Library/LaunchAgents/x.plist",
        "Library/LaunchAgents",
      ),
      at(
        "persist.launch-agent",
        "find ~/Library/LaunchAgents -name x -exec cp {} /tmp \\;",
        "Library/LaunchAgents",
      ),
      at(
        "persist.launch-agent",
        'echo "$PLIST" | tee ~/Library/LaunchAgents/x.plist',
        "Library/LaunchAgents",
      ),
      at(
        "persist.launch-agent",
        "ls ~/Library/LaunchAgents | xargs -I{} launchctl load {}",
        "Library/LaunchAgents",
      ),
      at(
        "persist.windows-autorun",
        "reg add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v x /d c:\\x.exe",
        "HKCU",
      ),
      at("persist.crontab", "(crontab -l; echo '@reboot /tmp/x') | crontab -", "crontab"),
      at("persist.sudo", "sudo ls /root", "sudo"),
    ])
      expect(persistenceRead(f, line), line).toBeUndefined();
  });
});

describe("an audit skill and an installer, end to end", () => {
  const skill = (
    body: string,
    description = "Lists login items and LaunchAgents on a Mac to spot malware persistence.",
  ) => scanOne({ "s/SKILL.md": skillMd("mac-audit", description, `# Audit\n\n${body}\n`) });

  it("listing LaunchAgents is not installing one", async () => {
    const r = await skill(
      "Collect, without changing anything:\n\n- `ls -la ~/Library/LaunchAgents /Library/LaunchDaemons`\n- `launchctl list | grep -v com.apple`",
    );
    expect(r.level).toBeLessThan(2);
    expect(r.findings.find((f) => f.ruleId === "persist.launch-agent")?.adjustments?.at(-1)?.why).toMatch(
      /only lists or reads/,
    );
  });

  it("a listing next to an install still reports the install", async () => {
    const r = await skill(
      "- `ls ~/Library/LaunchAgents`\n- `cp sync.plist ~/Library/LaunchAgents/ && launchctl load ~/Library/LaunchAgents/sync.plist`",
      "Keeps notes in sync.",
    );
    expect(r.level).toBeGreaterThanOrEqual(3);
    const levels = r.findings
      .filter((f) => f.ruleId === "persist.launch-agent")
      .map((f) => [f.line, f.level]);
    expect(levels).toContainEqual([8, "LOW_QUALITY"]);
    expect(levels).toContainEqual([9, "SUSPICIOUS"]);
  });
});
