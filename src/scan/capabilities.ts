import type { Capability, CapabilityReport, Finding, Manifest } from "./types.js";

/** Capabilities that change what a skill can do to the user beyond its task. */
export const HIGH_RISK: ReadonlySet<Capability> = new Set([
  "secrets",
  "read-outside",
  "write-outside",
  "persistence",
  "agent-config",
]);

export const CAPABILITY_WORDS: Record<Capability, string> = {
  network: "contacts servers on the internet",
  shell: "runs commands on your computer",
  "read-outside": "reads files outside its own folder",
  secrets: "reads your passwords, keys or tokens",
  "write-outside": "changes files outside its own folder",
  persistence: "makes itself start again later (start-up files, scheduled jobs)",
  "agent-config": "changes your agent's settings or other skills",
};

const TOOL_CAPS: [RegExp, Capability[]][] = [
  [/^bash\b|^shell\b|^terminal\b|^exec/i, ["shell"]],
  [/^(webfetch|websearch|fetch|browser|http)/i, ["network"]],
  [/^(write|edit|multiedit|notebookedit)\b/i, ["write-outside"]],
];

const DESCRIPTION_CAPS: [RegExp, Capability][] = [
  [
    /\b(api|web|online|internet|download|upload|fetch|http|url|remote|cloud|slack|notion|linear|github|weather|price|sync|server)/i,
    "network",
  ],
  [/\b(shell|command|terminal|cli|script|git|install|build|run|execute|convert)/i, "shell"],
  [/\b(credential|secret|password|token|ssh key|keychain|vault|wallet)/i, "secrets"],
  [/\b(cron|schedul|start-?up|autostart|login item|daemon|background service)/i, "persistence"],
  [
    /\b(agent settings|claude settings|hooks?|mcp server|permissions|install(s|ing)? skills|skills? (manager|updater))/i,
    "agent-config",
  ],
  // "Configure policy enforcement for Claude Code tool calls": a skill that says it sets up the agent.
  [/\bconfigur\w*\b[^.]{0,80}\b(claude code|codex|cursor|gemini cli|copilot|the agent)\b/i, "agent-config"],
  [
    /\b(dotfiles?|shell (config|profile|theme|prompt)|bashrc|zshrc|system settings|configure your (machine|system))/i,
    "write-outside",
  ],
];

export function declaredCapabilities(manifest: Manifest): Capability[] {
  const out = new Set<Capability>();
  for (const tool of manifest.allowedTools ?? []) {
    for (const [re, caps] of TOOL_CAPS) if (re.test(tool)) for (const c of caps) out.add(c);
  }
  const text = `${manifest.name ?? ""} ${manifest.description ?? ""}`;
  for (const [re, cap] of DESCRIPTION_CAPS) if (re.test(text)) out.add(cap);
  if (
    out.has("write-outside") &&
    /\b(shell (config|profile|theme|prompt)|dotfiles?|bashrc|zshrc)\b/i.test(text)
  )
    out.add("persistence");
  return [...out].sort();
}

export function capabilityReport(
  manifest: Manifest,
  findings: Finding[],
  used: Iterable<Capability> = [],
): CapabilityReport {
  const detected = new Set<Capability>(used);
  for (const f of findings) for (const c of f.capabilities ?? []) detected.add(c);
  const declared = declaredCapabilities(manifest);
  const undeclared = [...detected].filter((c) => HIGH_RISK.has(c) && !declared.includes(c)).sort();
  return { declared, detected: [...detected].sort(), undeclared };
}
