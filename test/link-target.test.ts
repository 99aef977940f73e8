import { describe, expect, it } from "vitest";
import { linkTargetInside } from "../src/scan/link-target.js";

// One resolver for symlinks in a skill's folder and links inside an archive it ships.
describe("linkTargetInside", () => {
  it.each([
    ["docs", "../SKILL.md", "SKILL.md"],
    ["", "./scripts/run.sh", "scripts/run.sh"],
    ["a/b", "../../c", "c"],
    ["a", "b\\c", "a/b/c"],
  ])("%s → %s stays inside", (dir, target, inside) => {
    expect(linkTargetInside(dir, target)).toBe(inside);
  });
  it.each([
    ["", "../outside"],
    ["a", "../../etc/passwd"],
    ["", "/etc/passwd"],
    ["", "\\Windows\\System32"],
    ["", "C:secret"],
    ["", "C:\\Users\\x"],
    ["", "~/.ssh/id_rsa"],
  ])("%s → %s leaves", (dir, target) => {
    expect(linkTargetInside(dir, target)).toBeUndefined();
  });
});
