import type { SkillIdentity, TextFile } from "../analyze/analysis-context.js";
import { identityOf } from "../analyze/provenance.js";
import { levelOf } from "../levels.js";
import type { Finding } from "../types.js";
import { cappedAt } from "./adjust.js";
import { installedNames, ownSecret, ownService } from "./purpose.js";
import type { Stage, Weighed, WeighInput } from "./stage.js";

// Whose thing is it, when the line alone does not say (issue 12, the last false quarantines). The
// purpose stage recognises the skill's own service or keychain item when the line names it; here the
// name is one step away: a launchctl line whose plist path is elided (`launchctl load -w ...`) in a
// skill whose every named service is its own, a keychain item held in a variable assigned in the same
// file, a file of the skill's own under an agent's folder that SKILL.md names, and another
// application's keychain item that the description declares working with. Each is held at RISKY (a
// person confirms), never silenced; script flows (a secret sent away) are separate findings and are
// never touched here.

const SERVICE_RULES = new Set(["persist.launch-agent", "persist.systemd-unit"]);

/** A launchctl/systemctl command whose target is elided or a variable: `load -w ...`, `"$PLIST"`. */
const ELIDED_TARGET =
  /\b(?:launchctl|systemctl)\b[^\n|;&]*?\s(?:\.{3}|…|["']?\$\{?([A-Za-z_]\w{0,63})\}?["']?|<[\w .-]{1,40}>)(?=\s|$|["'&;|)])/;

/**
 * The value a shell variable is assigned in the file: `NAME=value`, `readonly NAME="…"`, `local`,
 * `export`, and for `${OVERRIDE:-default}` the default. Undefined when it is never assigned, assigned
 * twice to different values, or assigned a command's output.
 */
export function assignedValue(text: string, name: string): string | undefined {
  const re = new RegExp(
    `^[ \\t]*(?:(?:readonly|local|export|declare(?:[ \\t]+-\\w+)?)[ \\t]+)?${name}=("[^"\\n]{0,300}"|'[^'\\n]{0,300}'|[^\\s;&|]{1,300})`,
    "gm",
  );
  const values = new Set<string>();
  for (const m of text.matchAll(re)) {
    let v = (m[1] ?? "").replace(/^(["'])([\s\S]*)\1$/, "$2");
    const dflt = /^\$\{\w+:?-([^}]{0,300})\}$/.exec(v);
    if (dflt) v = dflt[1] ?? "";
    // Another variable inside is kept as written (`$HOME/…/x.plist` still names x.plist); a command's
    // output is not text the file shows.
    if (/\$\(|`/.test(v) || !v) return undefined;
    values.add(v);
    if (values.size > 1) return undefined;
  }
  return [...values][0];
}

/** The finding's line, with the lines a trailing backslash continues it onto (a few at most). */
function fullLine(file: TextFile, line: number): string {
  let out = file.lines.lineText(line);
  for (let n = line + 1; n <= line + 4 && /\\\s*$/.test(out); n++)
    out = `${out.replace(/\\\s*$/, " ")}${file.lines.lineText(n)}`;
  return out;
}

/**
 * Whether every service the skill names (on the lines of its launch-agent / systemd findings) is its
 * own, and it names at least one. One foreign plist anywhere and an elided path could be that one.
 */
function allNamedServicesOwn(findings: readonly Finding[], input: WeighInput, id: SkillIdentity): string[] {
  const own: string[] = [];
  for (const f of findings) {
    if (!SERVICE_RULES.has(f.ruleId)) continue;
    const file = input.texts.get(f.file);
    if (!file) continue;
    const line = fullLine(file, f.line);
    const names = installedNames(line);
    if (names.length === 0) continue;
    if (!ownService(f, line, id)) return [];
    for (const n of names) if (!own.includes(n) && own.length < 3) own.push(n);
  }
  return own;
}

/**
 * Why a launchctl/systemctl finding whose target is elided manages the skill's own service, or
 * undefined. A variable assigned in the same file is resolved and judged by its value; an elided
 * path (`...`, `<plist>`) counts as the skill's own only when every service it names is its own.
 */
export function ownElidedService(
  f: Finding,
  line: string,
  file: TextFile,
  ownNamed: readonly string[],
  id: SkillIdentity,
): string | undefined {
  if (!SERVICE_RULES.has(f.ruleId) || installedNames(line).length > 0) return undefined;
  const m = ELIDED_TARGET.exec(line);
  if (!m) return undefined;
  const variable = m[1];
  if (variable) {
    const value = assignedValue(file.text, variable);
    if (value !== undefined) {
      const why = ownService(f, value, id);
      return why ? `${why} (through $${variable})` : undefined;
    }
  }
  if (ownNamed.length === 0) return undefined;
  return `manages the skill's own service: the path is elided here, and every service the skill names is its own (${ownNamed.join(", ")})`;
}

const GENERIC_PASSWORD_VAR =
  /\bsecurity\s+find-generic-password\b[^\n|;&]*?\s-s\s+["']?\$\{?([A-Za-z_]\w{0,63})\}?["']?/;

/** Why a keychain read of an item named by a variable reads the skill's own item, or undefined. */
export function ownSecretThroughVariable(
  f: Finding,
  line: string,
  file: TextFile,
  id: SkillIdentity,
): string | undefined {
  if (f.ruleId !== "cred.keychain-access") return undefined;
  const m = GENERIC_PASSWORD_VAR.exec(line);
  const variable = m?.[1];
  if (!m || !variable) return undefined;
  const value = assignedValue(file.text, variable);
  if (value === undefined || /["']/.test(value)) return undefined;
  const resolved = line.replace(m[0], m[0].replace(/["']?\$\{?\w+\}?["']?$/, `"${value}"`));
  const why = ownSecret(f, resolved, id);
  return why ? `${why}, held in $${variable}` : undefined;
}

/** Words of a keychain item name that say what it is, not whose: they identify no application. */
const ITEM_NOISE = new Set(
  (
    "credentials credential password passwords token tokens oauth auth access secret secrets login keys key " +
    "account accounts refresh session sessions default user generic item items store service keychain api"
  ).split(" "),
);
/** A description that says the skill handles credentials of what it names. */
const CREDENTIAL_WORDS =
  /\b(?:oauth|tokens?|credentials?|keychain|log ?in|sign[- ]in|auth(?:entication|entic\w*)?|api keys?|passwords?|sessions?)\b/i;
/** Browser and system stores: reading them is theft whatever the description says. */
const NEVER_DECLARED = /safe storage|chrome|chromium|firefox|brave|edge|opera|safari|icloud|airport|wi-?fi/i;

/**
 * Why reading another application's keychain item is declared, or undefined. The item is named
 * literally (`-s "Acme Desktop-credentials"`), is read with `-w` or the like (never `-g` or a dump),
 * is no browser or system store, and the skill's description names that application and says it
 * handles its credentials ("Acme Desktop OAuth proxy"). It is still credential access: RISKY, so a
 * person confirms, and anything sent away is judged by its own finding.
 */
export function declaredAppSecret(f: Finding, line: string, description: string): string | undefined {
  if (f.ruleId !== "cred.keychain-access") return undefined;
  if (/\b(?:find-internet-password|dump-keychain|security\s+export|find-certificate)\b/.test(line))
    return undefined;
  const g = /\bsecurity\s+find-generic-password\b([^\n|;&]*)/.exec(line);
  if (!g || /(^|\s)-\w*g\b/.test(g[1] ?? "")) return undefined;
  const service = /(?:^|\s)-s\s+(?:"([^"$`]{1,120})"|'([^']{1,120})'|([^\s"'$`]{1,120}))/.exec(g[1] ?? "");
  const name = service?.[1] ?? service?.[2] ?? service?.[3];
  if (!name || NEVER_DECLARED.test(name) || !CREDENTIAL_WORDS.test(description)) return undefined;
  const words = new Set(description.toLowerCase().split(/[^a-z0-9]+/));
  const app = name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length >= 3 && !ITEM_NOISE.has(t));
  if (app.length === 0 || !app.every((t) => words.has(t))) return undefined;
  return `reads "${name}", another application's keychain item, which the description declares working with; it is still credential access`;
}

/** Folders of coding agents in the home directory. */
const AGENT_DIR =
  /(?:~|\$HOME|\$\{HOME\})\/\.(?:claude|codex|cursor|gemini|openclaw|clawdbot|continue|aider|windsurf|codeium|agents)\//;
/** What the agent itself keeps there: its logins, settings, sessions, MCP servers, other skills. */
const AGENT_OWN =
  /^(?:\.?credentials|auth|settings|config|\.?mcp|oauth|history|projects|sessions|accounts|keys?|\.env|hooks|agents|commands|skills|plugins|ide|statsig|todos|shell-snapshots|claude\.md|agents\.md)\b|\.jsonl?$/i;

/**
 * Why a read under an agent's folder is the skill's own file, or undefined. The path is not one the
 * agent keeps (credentials, settings, sessions, other skills), and SKILL.md names it: the skill says
 * it keeps that file there. Reading the agent's own login stays what it is.
 */
export function ownAgentData(f: Finding, line: string, skillMd: string): string | undefined {
  if (f.ruleId !== "script.read-sensitive" && f.ruleId !== "cred.agent-credentials") return undefined;
  const source = f.ruleId === "script.read-sensitive" ? f.explanation : line;
  const m = /(?:~|\$HOME|\$\{HOME\})\/\.[a-z]+\/[^\s`"')]{1,200}/i.exec(source);
  if (!m || !AGENT_DIR.test(m[0])) return undefined;
  const path = m[0].replace(/^\$\{?HOME\}?/, "~");
  const rest = path.replace(AGENT_DIR, "").replace(/^~\/\.[a-z]+\//i, "");
  const first = rest.split("/")[0] ?? "";
  if (!rest || rest.includes("…") || AGENT_OWN.test(first) || AGENT_OWN.test(rest)) return undefined;
  const named = skillMd.replaceAll("$HOME/", "~/").replaceAll(/\$\{HOME\}\//g, "~/");
  if (!named.includes(path)) return undefined;
  return `reads the skill's own file under the agent's folder (${path}), which SKILL.md names; not the agent's credentials`;
}

const SKILLS_DEST =
  /^["']?(?:~|\$HOME|\$\{HOME\}|\$CODEX_HOME|\$CLAUDE_CONFIG_DIR)\/(?:\.[a-z]+\/)?skills\/?(?:([\w.-]{1,100})\/?)?["']?$/;

/**
 * Why a copy into the agent's skills folder installs this very skill, or undefined: `cp -r
 * engineering/<name> ~/.claude/skills/<name>` with a local source named like the skill (never a
 * clone or a download: what those fetch is not what was scanned) and a destination that is the
 * skills folder or the skill's own folder in it. The user is installing this skill already.
 */
export function selfInstall(f: Finding, line: string, name: string): string | undefined {
  if (f.ruleId !== "agent.skill-install-command" || !/^[\w.-]{2,100}$/.test(name)) return undefined;
  const cmd = /\b(cp|mv|ln|rsync)\s+((?:-[\w-]+\s+)*)(["']?[^\s"'|;&]{1,300}["']?)\s+(\S{1,300})/.exec(line);
  if (!cmd) return undefined;
  const source = (cmd[3] ?? "").replace(/^["']|["']$/g, "").replace(/\/+$/, "");
  if (/^(?:[a-z][a-z0-9+.-]*:|~|\$|\/)/i.test(source) || source.split("/").includes("..")) return undefined;
  const dest = SKILLS_DEST.exec(cmd[4] ?? "");
  if (!dest) return undefined;
  const base = source.slice(source.lastIndexOf("/") + 1);
  if (base !== name && !(source === "." && dest[1] === name)) return undefined;
  if (dest[1] !== undefined && dest[1] !== name) return undefined;
  // Whatever else the line does (a second command after && or ;) is judged by its own findings.
  return `installs this skill itself (${source} is the skill's own folder, ${name})`;
}

const OWN_VENDOR_TOKEN = /^sends its own service's token \(([\w, ]{1,300})\) to /;

/**
 * Why an API client's token sent to its own vendor (held at RISKY by the script engine) is below
 * RISKY, or undefined: SKILL.md names every variable sent, so the user is told which token goes to
 * which service before installing.
 */
export function declaredVendorToken(f: Finding, skillMd: string): string | undefined {
  if (f.ruleId !== "script.env-secret-to-network" || f.level !== "RISKY") return undefined;
  const m = (f.adjustments ?? []).map((a) => OWN_VENDOR_TOKEN.exec(a.why)).find(Boolean);
  const names = m?.[1]?.split(/,\s*/).filter(Boolean) ?? [];
  if (names.length === 0) return undefined;
  if (!names.every((n) => new RegExp(`(?<![\\w])${n}(?![\\w])`).test(skillMd))) return undefined;
  return `the token (${names.join(", ")}) is the one SKILL.md declares, sent to the service it belongs to`;
}

/** Own services and items named one step away, and declared keychain items, are held at RISKY. */
export const ownership: Stage = {
  name: "ownership",
  run: (w: Weighed, i: WeighInput): Weighed => {
    const name = i.manifest.name ?? "";
    const skillMd = i.texts.get(i.skillMd)?.text ?? "";
    const self = (f: Finding): string | undefined => {
      const file = i.texts.get(f.file);
      return file ? selfInstall(f, fullLine(file, f.line), name) : undefined;
    };
    if (!w.findings.some((f) => levelOf(f.level) >= levelOf("RISKY"))) return w;
    const id = i.identity ?? identityOf(skillMd);
    const description = `${i.manifest.name ?? ""} ${i.manifest.description ?? ""}`;
    const ownNamed = allNamedServicesOwn(w.findings, i, id);
    let changed = false;
    const findings = w.findings.map((f) => {
      const own = levelOf(f.level) >= levelOf("RISKY") ? self(f) : undefined;
      if (own) {
        changed = true;
        // Copying itself where it is installed anyway proves no capability of its own.
        const { capabilities: _none, ...rest } = f;
        return cappedAt(rest, "LOW_QUALITY", own);
      }
      const vendor = declaredVendorToken(f, skillMd);
      if (vendor) {
        changed = true;
        return cappedAt(f, "LOW_QUALITY", vendor);
      }
      if (levelOf(f.level) <= levelOf("RISKY")) return f;
      const file = i.texts.get(f.file);
      if (!file) return f;
      const line = fullLine(file, f.line);
      const why =
        ownElidedService(f, line, file, ownNamed, id) ??
        ownSecretThroughVariable(f, line, file, id) ??
        declaredAppSecret(f, line, description) ??
        ownAgentData(f, line, skillMd);
      if (!why) return f;
      changed = true;
      return cappedAt(f, "RISKY", why);
    });
    return changed ? { ...w, findings } : w;
  },
};
