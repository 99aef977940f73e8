import type { TextFile } from "../analyze/analysis-context.js";
import type { Finding } from "../types.js";

// Cursor, Claude Code and Codex read a project-level config too (`.cursor/mcp.json`, `.claude/`,
// `.mcp.json` in the repository). A script that builds the path from the working directory or the
// repository root touches the project's file, not the user's: the agent-credential rules match the
// folder name, so this is told here, from how the script defined the folder it starts from.

const AGENT_DIR = String.raw`\.(?:cursor|claude|codex|gemini|vscode|windsurf)`;
const JOINED = [
  new RegExp(String.raw`\b([A-Za-z_]\w{0,40})\s*/\s*["']${AGENT_DIR}["']`), // Path: ROOT / ".cursor"
  new RegExp(String.raw`\bpath\.(?:join|resolve)\(\s*([A-Za-z_]\w{0,40})\s*,\s*["']${AGENT_DIR}\b`), // path.join(root, ".cursor")
  new RegExp(String.raw`\bos\.path\.join\(\s*([A-Za-z_]\w{0,40})\s*,\s*["']${AGENT_DIR}\b`),
  new RegExp(String.raw`\$\{?([A-Za-z_]\w{0,40})\}?/${AGENT_DIR}\b`), // shell: "$ROOT/.cursor"
];
const PROJECT_ROOT = String.raw`(?:(?:pathlib\.)?Path\.cwd\(\)(?:\.resolve\(\))?|(?:pathlib\.)?Path\(\s*["']\.["']\s*\)(?:\.resolve\(\))?|os\.getcwd\(\)|os\.path\.abspath\(\s*["']\.["']\s*\)|process\.cwd\(\)|["']?\$\(\s*(?:pwd|git rev-parse --show-toplevel)\s*\)["']?|["']?\$\{?PWD\}?["']?)`;

/** Why an agent-config path in a script is the project's own (built from the working directory), or undefined. */
export function projectAgentConfig(f: Finding, file: TextFile, line: string): string | undefined {
  if (f.ruleId !== "cred.agent-credentials" && f.ruleId !== "script.read-sensitive") return undefined;
  if (file.kind === "instructions" || file.kind === "data") return undefined;
  for (const re of JOINED) {
    const root = re.exec(line)?.[1];
    if (!root) continue;
    const name = root.replace(/[$]/g, "\\$&");
    const assigned = new RegExp(
      String.raw`^\s*(?:export\s+|const\s+|let\s+|var\s+)?${name}\s*(?::\s*\w+\s*)?=\s*(.*)$`,
      "gm",
    );
    const values = [...file.text.matchAll(assigned)].map((m) => m[1]!.trim());
    // Every assignment must be the working directory: one from the home folder makes it the user's.
    if (
      values.length === 0 ||
      !values.every((v) => new RegExp(`^${PROJECT_ROOT}\\s*;?\\s*(?:#.*)?$`).test(v))
    )
      return undefined;
    return `the project's own agent configuration (${root} is the working directory), not the user's`;
  }
  return undefined;
}
