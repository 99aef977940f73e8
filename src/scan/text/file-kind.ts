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
  // Languages with no syntax tree here: the script text rules still read them.
  rb: "generic-script",
  rake: "generic-script",
  gemspec: "generic-script",
  ru: "generic-script",
  pl: "generic-script",
  pm: "generic-script",
  php: "generic-script",
  lua: "generic-script",
  tcl: "generic-script",
  r: "generic-script",
  groovy: "generic-script",
  gvy: "generic-script",
  applescript: "generic-script",
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

/** Shell start-up and environment files: every line runs in the user's shell. */
const SHELL_DOTFILES = new Set([
  ".bashrc",
  ".bash_profile",
  ".bash_login",
  ".bash_logout",
  ".bash_aliases",
  ".profile",
  ".zshrc",
  ".zshenv",
  ".zprofile",
  ".zlogin",
  ".zlogout",
  ".kshrc",
  ".mkshrc",
  ".envrc",
  "bashrc",
  "zshrc",
  "profile",
]);

/** Ruby files that Bundler, Rake, Vagrant, CocoaPods, fastlane and `brew bundle` evaluate as code. */
const RUBY_BUILD_FILES = new Set([
  "gemfile",
  "rakefile",
  "vagrantfile",
  "podfile",
  "fastfile",
  "guardfile",
  "brewfile",
]);

/** The text kind of a file by its name, with the shebang as a fallback for extension-less scripts. */
export function fileKind(path: string, head = ""): TextKind {
  const known = BY_EXT[extensionOf(path)];
  if (known) return known;
  const name = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  if (SHELL_DOTFILES.has(name)) return "shell";
  if (RUBY_BUILD_FILES.has(name)) return "generic-script";
  if (head.startsWith("#!")) {
    const line = head.slice(0, head.indexOf("\n") >>> 0).toLowerCase();
    if (line.includes("python")) return "python";
    if (line.includes("node") || line.includes("deno") || line.includes("bun")) return "javascript";
    if (/\b(ba|z|k|da)?sh\b/.test(line)) return "shell";
    if (line.includes("pwsh")) return "powershell";
    if (/\b(?:ruby|perl|php|lua(?:jit)?|tclsh|wish|rscript|groovy|osascript)/.test(line))
      return "generic-script";
  }
  return "data";
}

export type ScriptKind = "python" | "javascript" | "shell" | "powershell";

/** A kind with a syntax-tree analysis (tree-sitter grammar). */
export function isScriptKind(kind: TextKind): kind is ScriptKind {
  return kind === "python" || kind === "javascript" || kind === "shell" || kind === "powershell";
}

/** Code that runs: a script with a syntax tree or a generic one (read by the script text rules only). */
export function isCodeKind(kind: TextKind): boolean {
  return isScriptKind(kind) || kind === "generic-script";
}

/** Names of extension-less files that are documents or build files, never a shell script. */
const NOT_SHELL =
  /^(license|licence|copying|notice|authors|contributors|readme|changelog|changes|history|todo|makefile|gnumakefile|dockerfile|containerfile|procfile|gemfile|rakefile|vagrantfile|brewfile|codeowners|version)$/i;

/** Commands that start a line of a shell script (and rarely a line of prose or data). */
const SHELL_LINE =
  /^(?:sudo\s+)?(?:curl|wget|echo|printf|cd|export|set|unset|source|\.|if|then|elif|else|fi|for|while|do|done|case|esac|function|chmod|chown|mkdir|rm|cp|mv|ln|cat|tar|unzip|apt|apt-get|yum|dnf|apk|brew|pip|pip3|npm|npx|yarn|pnpm|git|bash|sh|zsh|python|python3|node|eval|exec|trap|read|local|nohup|crontab|base64|xattr|open|kill|exit|return)(?:\s|;|$)|^[A-Za-z_][A-Za-z0-9_]*=\S|^[A-Za-z_][A-Za-z0-9_-]*\s*\(\)\s*\{/;

/**
 * The kind of a file by its name and content: an extension-less file with no shebang whose lines
 * read as shell commands (an `install` or `setup` file run with `sh install`) is shell.
 */
export function contentKind(path: string, text: string): TextKind {
  const kind = fileKind(path, text.slice(0, 120));
  if (kind !== "data" || extensionOf(path) !== "") return kind;
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (name.startsWith(".") || NOT_SHELL.test(name)) return kind;
  return looksLikeShell(text) ? "shell" : kind;
}

/** At least two thirds of the first 40 command lines (comments and blank lines aside) are shell. */
export function looksLikeShell(text: string): boolean {
  let lines = 0;
  let shell = 0;
  let from = 0;
  while (lines < 40 && from < text.length && from < 64 * 1024) {
    const nl = text.indexOf("\n", from);
    const line = text.slice(from, nl === -1 ? text.length : nl).trim();
    from = nl === -1 ? text.length : nl + 1;
    if (!line || line.startsWith("#")) continue;
    lines++;
    if (SHELL_LINE.test(line)) shell++;
  }
  return shell >= 2 && shell * 3 >= lines * 2;
}
