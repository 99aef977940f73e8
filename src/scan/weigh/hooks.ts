import type { TextFile } from "../analyze/analysis-context.js";
import { levelOf } from "../levels.js";
import type { Finding } from "../types.js";
import { adjust } from "./adjust.js";
import type { Stage, Weighed, WeighInput } from "./stage.js";

// Hooks the description announces (issue 12, point 5). A skill whose description says it configures
// a hook does what it says when it installs one: that is not RISKY, only worth a line in the summary.
// What the description does not announce is what the hook's command does besides: a "hooks" skill
// whose SessionStart hook downloads and runs a script, or posts ~/.ssh to a host, is the attack hooks
// are used for, and the description saying "hooks" must not excuse it. So the stage reads the hook's
// command (the code block of the finding, or the one its sentence introduces) and:
// - nothing else risky in it → LOW_QUALITY, "installs a <kind> hook, as its description says";
// - it downloads and runs code, or sends secrets to a host → back to SUSPICIOUS (the `declared`
//   stage lowered it for the word "hooks"; the description announces no such command);
// - it sends other data to a host, reads credentials or switches a safety check off → stays RISKY.

/** The rules whose finding is the hook itself (the agent's or a settings file holding it). */
const HOOK_RULES = new Set(["agent.hook-install", "agent.config-file-write"]);
/** Set by the `declared` stage (src/scan/verdict.ts weighDeclared). */
const DECLARED_WHY = /^the skill says it does this \(declared: /;

// "Hooks", a hook event, or acting on the agent's own tool calls (what a hook is for: "policy
// enforcement for Claude Code tool calls"). The command is still judged, so the words alone excuse
// no download, upload or secret.
const ANNOUNCES_HOOKS =
  /\bhooks?\b|\b(?:PreToolUse|PostToolUse|SessionStart|UserPromptSubmit|SubagentStop|PreCompact)\b|\btool[ -](?:calls?|use|execution)\b/i;

const CLAUDE_EVENT =
  /\b(PreToolUse|PostToolUse|SessionStart|SessionEnd|UserPromptSubmit|Stop|SubagentStop|Notification|PreCompact)\b/;
const GIT_HOOK =
  /\b(pre-commit|pre-push|commit-msg|prepare-commit-msg|post-commit|post-checkout|post-merge|pre-rebase)\b/;

const FETCH = String.raw`\b(?:curl|wget|iwr|irm|Invoke-WebRequest|Invoke-RestMethod|fetch|aria2c)\b|https?://|/dev/(?:tcp|udp)/|\b(?:nc|ncat|netcat|socat)\b`;
const NETWORK = new RegExp(FETCH, "i");
/**
 * Fetched code run: piped into an interpreter, saved then run, or substituted into one. Bounded
 * and line-local: the hook's command is one JSON string or a few lines of a script.
 */
const DOWNLOAD_RUN = new RegExp(
  [
    String.raw`(?:${FETCH})[^\n]{0,400}?\|[ \t]{0,8}(?:sudo[ \t]{1,8})?(?:(?:ba|z|da|k)?sh|python[23]?|perl|ruby|node|iex|Invoke-Expression|pwsh|powershell)\b`,
    String.raw`(?:${FETCH})[^\n]{0,400}?(?:&&|;|\|\|)[ \t]{0,8}(?:sudo[ \t]{1,8})?(?:(?:ba|z|da|k)?sh|source|python[23]?|node|perl|chmod[ \t]{1,8}\+?[0-7]{0,4}x?|\.{1,2}/)`,
    String.raw`(?:(?:ba|z|da|k)?sh|source|python[23]?|node|eval|iex)[ \t]{0,8}(?:-c[ \t]{0,8})?\\?["']?(?:<\(|\$\(|\x60)[ \t]{0,8}(?:curl|wget|iwr|irm)\b`,
  ].join("|"),
  "i",
);
/** Secrets a hook has no business reading: key files, credential stores, the whole environment. */
const SECRET =
  /\.ssh\b|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\.aws\b|\.netrc\b|\.npmrc\b|\.pypirc\b|\.git-credentials\b|\.docker\/config\.json|\.kube\/config|\.claude\/\.credentials|\bkeychain\b|find-generic-password|(?:^|[\s"'`;&|(])(?:env|printenv|set|export[ \t]{1,8}-p)[ \t]{0,8}(?:\||>|$)|\/proc\/self\/environ|\$\{?[A-Z_]{0,40}(?:TOKEN|SECRET|PASSWORD|API_KEY|ACCESS_KEY)\b|\.env\b/im;
/** Safety checks switched off by the command itself (not a command that looks for the flag). */
const SAFETY_OFF =
  /\bgit[ \t]{1,8}(?:-\S{1,64}[ \t]{1,8}){0,4}(?:commit|push|merge|rebase|am|cherry-pick|revert)\b[^\n;&|"']{0,200}?--no-verify\b|--dangerously-skip-permissions\b|bypassPermissions|--yolo\b|permissionDecision\\?"?[ \t]{0,8}:[ \t]{0,8}\\?"?allow|\bdecision\\?"?[ \t]{0,8}:[ \t]{0,8}\\?"?approve|core\.hooksPath[ \t]{1,8}\/dev\/null/i;
/** Obfuscated payloads: nothing a hook the description announces needs. */
const OBFUSCATED =
  /\bbase64[ \t]{1,8}(?:-d|--decode|-D)\b|\beval\b|\bxxd[ \t]{1,8}-r\b|\\x[0-9a-f]{2}\\x[0-9a-f]{2}/i;

export type HookCommand =
  | { risk: "none"; kind: string }
  | { risk: "unannounced"; why: string }
  | { risk: "held"; why: string };

/** What the hook's command (the passage) does besides being a hook. */
export function judgeHook(passage: string): HookCommand {
  if (DOWNLOAD_RUN.test(passage))
    return {
      risk: "unannounced",
      why: "the hook's command downloads and runs code, which the description does not announce",
    };
  const network = NETWORK.test(passage);
  const secret = SECRET.test(passage);
  if (network && secret)
    return {
      risk: "unannounced",
      why: "the hook's command sends secrets to a host, which the description does not announce",
    };
  if (OBFUSCATED.test(passage)) return { risk: "held", why: "the hook's command runs obfuscated code" };
  if (SAFETY_OFF.test(passage))
    return { risk: "held", why: "the hook's command switches a safety check off" };
  if (network) return { risk: "held", why: "the hook's command sends data to a host or fetches from one" };
  if (secret) return { risk: "held", why: "the hook's command reads credentials" };
  return { risk: "none", kind: hookKind(passage) };
}

/** "Claude Code PostToolUse" or "git pre-commit", as the passage names it. */
export function hookKind(passage: string): string {
  const event = CLAUDE_EVENT.exec(passage);
  if (event) return `Claude Code ${event[1]}`;
  const git = GIT_HOOK.exec(passage);
  if (git) return `git ${git[1]}`;
  return "agent";
}

const FENCE = /^[ \t]{0,3}(?:`{3,}|~{3,})/;
/** How far after a sentence its code block may start, and how long a passage may be. */
const LEAD_LINES = 6;
const MAX_LINES = 200;

/**
 * The hook the finding at `line` is about: the fenced code block holding it, or the one the
 * sentence introduces within a few lines; in a file that is not Markdown, the lines around it.
 */
export function hookPassage(file: TextFile, line: number): Passage {
  const total = file.lines.position(file.text.length).line;
  const at = (n: number) => file.lines.lineText(n);
  if (!/\.(?:md|markdown|mdx)$/i.test(file.path)) {
    const from = Math.max(1, line - MAX_LINES / 4);
    const to = Math.min(total, line + MAX_LINES / 2);
    return range(at, from, to);
  }
  // Which fences open a block: count them from the top (a fence inside a block closes it).
  let open: number | undefined;
  let block: [number, number] | undefined;
  let next: [number, number] | undefined;
  for (let n = 1; n <= total; n++) {
    if (!FENCE.test(at(n))) continue;
    if (open === undefined) {
      open = n;
      continue;
    }
    if (open <= line && line <= n) {
      block = [open, n];
      break;
    }
    if (open > line) {
      next = [open, n];
      break;
    }
    open = undefined;
  }
  // An unclosed block runs to the end of the file, as Markdown renders it.
  if (!block && !next && open !== undefined) {
    if (open <= line) block = [open, total];
    else next = [open, total];
  }
  if (block) return range(at, block[0], Math.min(block[1], block[0] + MAX_LINES));
  if (next && next[0] - line <= LEAD_LINES) return range(at, line, Math.min(next[1], next[0] + MAX_LINES));
  return range(at, line, line);
}

/** The hook's lines (1-based, inclusive) and their text. */
export interface Passage {
  from: number;
  to: number;
  text: string;
}

function range(at: (n: number) => string, from: number, to: number): Passage {
  const out: string[] = [];
  for (let n = from; n <= to; n++) out.push(at(n));
  return { from, to, text: out.join("\n") };
}

/** A hook the description announces: LOW_QUALITY when its command does only that (see above). */
export const hooks: Stage = {
  name: "hooks",
  run: (w: Weighed, i: WeighInput): Weighed => {
    if (!ANNOUNCES_HOOKS.test(i.manifest.description ?? "")) return w;
    let changed = false;
    const findings = w.findings.map((f): Finding => {
      if (!HOOK_RULES.has(f.ruleId) || f.level !== "RISKY") return f;
      if (!f.adjustments?.some((a) => DECLARED_WHY.test(a.why))) return f;
      const file = i.texts.get(f.file);
      if (!file) return f;
      const passage = hookPassage(file, f.line);
      // A settings write that holds no hook is another agent-config change: not this stage's.
      if (f.ruleId !== "agent.hook-install" && !/"hooks"\s*:/.test(passage.text)) return f;
      const j = judgeHook(passage.text);
      if (j.risk === "held") return f;
      // Whatever else a detector found in the same passage (an MCP server added beside the hook, a
      // permission allowlist) is not what the description announces either.
      if (
        j.risk === "none" &&
        w.findings.some(
          (o) =>
            o !== f &&
            !HOOK_RULES.has(o.ruleId) &&
            o.file === f.file &&
            o.line >= passage.from &&
            o.line <= passage.to &&
            levelOf(o.level) >= levelOf("RISKY"),
        )
      )
        return f;
      changed = true;
      if (j.risk === "unannounced") return adjust(f, "SUSPICIOUS", j.why);
      const { capabilities: _none, ...rest } = f;
      const article = /^[aeiou]/i.test(j.kind) ? "an" : "a";
      return {
        ...adjust(
          rest,
          "LOW_QUALITY",
          `the description announces this hook, and its command does nothing else risky`,
        ),
        does: `installs ${article} ${j.kind} hook, as its description says`,
      };
    });
    return changed ? { ...w, findings } : w;
  },
};
