import type { TextKind } from "../scan/script-port.js";
import { extensionOf, fileKind, isScriptKind } from "../scan/script-port.js";

// Which grammar a file needs, apart from the analysis itself (src/scripts/index.ts): the loader
// decides from this what to load, and the analysis is loaded only when a script needs it.

export type ScriptLanguage = "python" | "javascript" | "typescript" | "shell" | "powershell";

/** Scripts larger than this are left to the text rules (a real skill script is far smaller). */
export const MAX_SCRIPT_CHARS = 512 * 1024;

const TYPESCRIPT = new Set(["ts", "mts", "cts", "tsx"]);

/**
 * The grammar for a file: its text kind (by extension, else by shebang), with TypeScript told apart
 * from JavaScript. Batch files read as PowerShell text but have no grammar of their own.
 */
export function scriptLanguage(path: string, kind: TextKind = fileKind(path)): ScriptLanguage | undefined {
  const ext = extensionOf(path);
  if (ext === "bat" || ext === "cmd") return undefined;
  if (kind === "javascript" && TYPESCRIPT.has(ext)) return "typescript";
  return isScriptKind(kind) ? kind : undefined;
}
