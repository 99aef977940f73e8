import type { TextKind } from "../rules/schema.js";

const BY_EXT: Record<string, TextKind> = {
  md: "instructions",
  markdown: "instructions",
  mdx: "instructions",
  txt: "instructions",
  rst: "instructions",
  py: "python",
  pyw: "python",
  js: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  jsx: "javascript",
  ts: "javascript",
  mts: "javascript",
  cts: "javascript",
  tsx: "javascript",
  sh: "shell",
  bash: "shell",
  zsh: "shell",
  ksh: "shell",
  command: "shell",
  ps1: "powershell",
  psm1: "powershell",
  psd1: "powershell",
  bat: "powershell",
  cmd: "powershell",
  html: "markup",
  htm: "markup",
  svg: "markup",
  xml: "markup",
  xhtml: "markup",
};

/** The lower-cased extension of a path's last segment ("" for none or a dot file). */
export function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
}

/** The text kind of a file by its name, with the shebang as a fallback for extension-less scripts. */
export function fileKind(path: string, head = ""): TextKind {
  const known = BY_EXT[extensionOf(path)];
  if (known) return known;
  if (head.startsWith("#!")) {
    const line = head.slice(0, head.indexOf("\n") >>> 0).toLowerCase();
    if (line.includes("python")) return "python";
    if (line.includes("node") || line.includes("deno") || line.includes("bun")) return "javascript";
    if (/\b(ba|z|k|da)?sh\b/.test(line)) return "shell";
    if (line.includes("pwsh")) return "powershell";
  }
  return "data";
}

export type ScriptKind = "python" | "javascript" | "shell" | "powershell";

export function isScriptKind(kind: TextKind): kind is ScriptKind {
  return kind === "python" || kind === "javascript" || kind === "shell" || kind === "powershell";
}
