import type { Finding } from "../types.js";

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

/** Why a shell-profile append only puts a toolchain's bin folder on PATH, or undefined. */
export function toolchainPath(f: Finding, line: string): string | undefined {
  if (f.ruleId !== "persist.shell-rc-append") return undefined;
  const m = APPEND.exec(line) ?? APPEND_AFTER.exec(line);
  const dir = m?.[2]?.trim();
  if (!dir || !TOOLCHAIN_BIN.test(dir)) return undefined;
  return `only adds ${dir}, a toolchain's own bin folder, to PATH in the shell profile`;
}
