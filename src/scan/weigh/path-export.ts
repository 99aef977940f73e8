import type { Finding } from "../types.js";
import { LIVE_CODE } from "./live-code.js";

// `echo 'export PATH="$HOME/.cargo/bin:$PATH"' >> ~/.bashrc`: what every toolchain installer tells
// its users. Only a PATH entry for a toolchain's own bin folder in the home directory is this; any
// other line (an alias, a command, an eval, a download, a folder the skill chooses) is judged as found.

/** The bin folders toolchains install into under the home folder. */
const TOOLCHAIN_BIN =
  /^(?:\$HOME|\$\{HOME\}|~)\/(?:\.cargo\/bin|\.local\/bin|go\/bin|\.go\/bin|\.bun\/bin|\.deno\/bin|\.npm-global\/bin|\.yarn\/bin|\.pyenv\/(?:bin|shims)|\.rbenv\/(?:bin|shims)|\.volta\/bin|\.foundry\/bin|\.dotnet\/tools|\.pixi\/bin|\.rye\/shims|\.poetry\/bin|\.juliaup\/bin|\.ghcup\/bin|\.elan\/bin|\.krew\/bin|\.asdf\/(?:bin|shims)|\.local\/share\/mise\/shims)$/;

/** The appended text must be exactly one PATH export: `export PATH="<dir>:$PATH"` or `$PATH:<dir>`. */
const APPEND =
  /^\s*(?:echo|printf)\s+(['"])export\s+PATH=\\?"?([^"':;|&$`]*(?:\$\{?HOME\}?)?[^"':;|&`]*)(?::\$\{?PATH\}?)?\\?"?\1\s*>>\s*["']?(?:~|\$HOME|\$\{HOME\})\/\.(?:bashrc|bash_profile|profile|zshrc|zprofile|zshenv)["']?\s*$/;
const APPEND_AFTER =
  /^\s*(?:echo|printf)\s+(['"])export\s+PATH=\\?"?\$\{?PATH\}?:([^"':;|&`]+)\\?"?\1\s*>>\s*["']?(?:~|\$HOME|\$\{HOME\})\/\.(?:bashrc|bash_profile|profile|zshrc|zprofile|zshenv)["']?\s*$/;

/**
 * What vendors' docs append besides PATH: a tool's own shell completion (`source <(kubectl completion
 * zsh)`, `eval "$(uv generate-shell-completion zsh)"`), Go's bin folder (`$(go env GOPATH)/bin`), a
 * short alias for a tool (`alias k=kubectl`) and zsh's `compdef` for it. The quoted text must be
 * exactly one of these: anything else appended (a download, an eval of another command, an alias
 * over sudo) is judged as found.
 */
const TOOL_LINE =
  /^(?:source\s+<\(\s*[a-z][\w-]{0,40}\s+(?:completion|completions)\s+(?:bash|zsh|fish)\s*\)|eval\s+\\?"\$\(\s*[a-z][\w-]{0,40}\s+(?:completion|completions|generate-shell-completion|shell-completion|init)\s+(?:-\s+)?(?:bash|zsh|fish)?\s*\)\\?"|export\s+PATH=\\?"?\$\{?PATH\}?:\$\(go\s+env\s+GOPATH\)\/bin\\?"?|alias\s+[a-z][\w-]{0,15}=[a-z][\w-]{1,40}|compdef\s+[\w-]{1,60}\s+[a-z][\w-]{0,15})$/;
const TOOL_APPEND =
  /^\s*(?:echo|printf)\s+(['"])(.+)\1\s*>>\s*["']?(?:~|\$HOME|\$\{HOME\})\/\.(?:bashrc|bash_profile|profile|zshrc|zprofile|zshenv)["']?\s*$/;
/** Commands an alias must never shadow: a short alias for a tool is fine, one over these is a trap. */
const SHADOWED = /^alias\s+(?:sudo|su|ssh|scp|git|ls|cd|cat|curl|wget|python3?|node|npm|pip3?)=/;

/** Why a shell-profile append only puts a toolchain's bin folder on PATH, or undefined. */
export function toolchainPath(f: Finding, line: string): string | undefined {
  if (f.ruleId !== "persist.shell-rc-append") return undefined;
  const m = APPEND.exec(line) ?? APPEND_AFTER.exec(line);
  const dir = m?.[2]?.trim();
  if (dir && TOOLCHAIN_BIN.test(dir))
    return `only adds ${dir}, a toolchain's own bin folder, to PATH in the shell profile`;
  const t = TOOL_APPEND.exec(line)?.[2]?.trim();
  if (t && TOOL_LINE.test(t) && !SHADOWED.test(t))
    return `only adds a tool's completion, bin folder or short alias to the shell profile (${t})`;
  return undefined;
}

// `cat >> ~/.zshrc <<'EOF' … EOF`: installers' docs add shell settings this way (nvm's auto-switch
// hook, completions, a prompt). What the block holds decides: one that fetches, decodes, starts
// something in the background, opens a socket, hides a file or redefines sudo/su/ssh keeps the
// finding's level; one that only sets variables, functions and hooks is held at RISKY, since it
// still runs in every new terminal.
const HEREDOC = /<<-?[ \t]*(["']?)([A-Za-z_][A-Za-z0-9_]{0,40})\1/;
// Besides live code, a profile block must not start anything in the background, schedule or load
// services, touch a hidden cache file or redefine sudo/su/ssh.
const RC_EXTRA =
  /\b(?:nohup|disown|setsid|crontab|launchctl|systemctl|ssh-add)\b|&\s*(?:$|;)|\balias\s+(?:sudo|su|ssh|scp|git|ls|cd)=|\b(?:sudo|su)\s*\(\)|\/\.cache\/|\$\(\s*echo\b|\\x[0-9a-f]{2}/im;
const MAX_HEREDOC_LINES = 80;

/** Why a here-document appended to a shell profile only holds inert settings, or undefined. */
export function inertProfileBlock(
  f: Finding,
  file: { lines: { lineText(n: number): string; lineCount: number } },
): string | undefined {
  if (f.ruleId !== "persist.shell-rc-write") return undefined;
  const head = file.lines.lineText(f.line);
  const h = HEREDOC.exec(head);
  if (!h) return undefined;
  const end = h[2]!;
  const body: string[] = [];
  for (let n = f.line + 1; n <= Math.min(file.lines.lineCount, f.line + MAX_HEREDOC_LINES); n++) {
    const text = file.lines.lineText(n);
    if (text.trim() === end) {
      const block = body.join("\n");
      if (!block.trim() || LIVE_CODE.test(block) || RC_EXTRA.test(block)) return undefined;
      return `appends ${body.length} line${body.length === 1 ? "" : "s"} of shell settings that fetch, decode and start nothing`;
    }
    body.push(text);
  }
  // No end within reach: the block is too long, or not a here-document, to be judged inert.
  return undefined;
}
