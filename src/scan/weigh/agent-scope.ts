import type { TextFile } from "../analyze/analysis-context.js";
import type { Finding } from "../types.js";

// Agent-configuration docs show the no-approval settings where they belong: Codex's own docs put
// `approval_policy = "never"` in a CI profile and `danger-full-access` inside a container. In the
// skill's instructions (not a settings file it ships, not a script), a blanket permission that the
// passage itself confines to a container or CI, or that sits in a named profile nothing selects, is
// held at RISKY: the person installing it should still confirm where it applies.

const CONFINED =
  /\b(?:containers?|devcontainers?|docker|podman|sandbox(?:ed)? (?:vm|machine)|throw-?away|disposable|ephemeral|ci (?:runners?|jobs?|only)|in ci\b|isolated (?:vm|environment|machine))/i;
const TABLE_HEADER = /^\s*\[([^\]\n]{1,80})\]\s*(?:#.*)?$/;
const PROFILE = /^profiles\.("?)([\w.-]{1,60})\1$/;

/** Why a blanket agent permission in the instructions applies only somewhere confined, or undefined. */
export function confinedPermission(f: Finding, file: TextFile, line: string): string | undefined {
  if (f.ruleId !== "agent.wildcard-permission" || file.kind !== "instructions") return undefined;
  if (CONFINED.test(line)) return "confines it to a container or CI, as the line says";
  // TOML: the nearest table header above, within a fenced block or the file's next 200 lines up.
  for (let n = f.line - 1; n >= Math.max(1, f.line - 200); n--) {
    const t = file.lines.lineText(n);
    if (/^\s*(`{3,}|~{3,})/.test(t)) return undefined;
    const h = TABLE_HEADER.exec(t);
    if (!h) continue;
    const p = PROFILE.exec(h[1]!.trim());
    if (!p) return undefined;
    const name = p[2]!;
    // A top-level `profile = "<name>"` makes the profile the default: then it applies everywhere.
    const selected = new RegExp(`^\\s*profile\\s*=\\s*["']${name.replace(/[.-]/g, "\\$&")}["']`, "m");
    if (selected.test(file.text)) return undefined;
    return `sets it only in the "${name}" profile, which applies when chosen with --profile ${name}`;
  }
  return undefined;
}
