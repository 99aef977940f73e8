import type { CheckMeta } from "../scan/script-port.js";

// Checks made by reading scripts as code (tree-sitter syntax trees). Each finding is about a call,
// not a word: a source (a secret being read) reaching a sink (network send, command execution).

const c = (m: CheckMeta): CheckMeta => m;

export const FLOW_SECRET_TO_NETWORK = c({
  id: "script.flow-secret-to-network",
  title: "Script sends your secrets to the internet",
  category: "exfiltration",
  level: "MALICIOUS",
  confidence: "high",
  explanation:
    "The script reads private data (keys, passwords, tokens or all environment variables) and sends that data to a server. This is how credential-stealing skills work.",
  remediation:
    "Do not install this skill. If it already ran, rotate the credentials it read (SSH keys, cloud keys, tokens) and check your accounts for unknown activity.",
  references: ["CWE-200", "MITRE ATT&CK T1041", "OWASP LLM02"],
  capabilities: ["secrets", "network"],
});

export const FLOW_SECRET_TO_EXEC = c({
  id: "script.flow-secret-to-exec",
  title: "Script passes your secrets to a command",
  category: "exfiltration",
  level: "MALICIOUS",
  confidence: "medium",
  explanation:
    "The script reads private data (keys, passwords or tokens) and hands it to a command or to code it runs. Secrets have no business in a generated command line.",
  remediation: "Do not install this skill. If it already ran, rotate the credentials it read.",
  references: ["CWE-200", "MITRE ATT&CK T1059"],
  capabilities: ["secrets", "shell"],
});

export const EXEC_DECODED = c({
  id: "script.exec-decoded",
  title: "Script runs hidden (encoded) code",
  category: "obfuscation",
  level: "MALICIOUS",
  confidence: "high",
  explanation:
    "The script decodes a hidden blob (for example base64) and runs it as code. Honest scripts have no reason to hide the code they run; this is how malware hides what it does from reviewers.",
  remediation: "Do not install this skill. A legitimate skill ships its code in readable form.",
  references: ["CWE-506", "MITRE ATT&CK T1027", "MITRE ATT&CK T1059"],
  capabilities: ["shell"],
});

export const EXEC_REMOTE = c({
  id: "script.exec-remote",
  title: "Script downloads and runs code from the internet",
  category: "download-execute",
  level: "MALICIOUS",
  confidence: "high",
  explanation:
    "The script fetches code from a server and runs it straight away. Whoever controls that server can run anything on your computer, and what runs can change at any time without the skill changing.",
  remediation:
    "Do not install this skill. Dependencies belong in the skill's documented install steps from a trusted package registry, never piped from a URL into a shell or interpreter.",
  references: ["CWE-494", "MITRE ATT&CK T1105", "MITRE ATT&CK T1059"],
  capabilities: ["network", "shell"],
});

export const PERSISTENCE_REMOTE = c({
  id: "script.persistence-remote",
  title: "Script installs a start-up entry that contacts the internet",
  category: "persistence",
  level: "MALICIOUS",
  confidence: "high",
  explanation:
    "The script adds an entry to a start-up file or scheduled job (shell start-up file, crontab, LaunchAgent, service) that downloads or sends something every time it runs. It keeps running long after the skill was used.",
  remediation:
    "Do not install this skill. If it already ran, remove the added lines from the start-up file or crontab it names.",
  references: ["MITRE ATT&CK T1053", "MITRE ATT&CK T1546.004", "MITRE ATT&CK T1543"],
  capabilities: ["persistence", "write-outside", "network"],
});

export const SSH_BACKDOOR = c({
  id: "script.ssh-backdoor",
  title: "Script adds a hard-coded SSH key to authorized_keys",
  category: "persistence",
  level: "MALICIOUS",
  confidence: "high",
  explanation:
    "The script adds an SSH key written into the script to `authorized_keys`. Whoever holds the matching private key can then log in to this computer remotely.",
  remediation:
    "Do not install this skill. If it already ran, remove the added key from ~/.ssh/authorized_keys.",
  references: ["MITRE ATT&CK T1098.004"],
  capabilities: ["persistence", "write-outside"],
});

export const READ_SENSITIVE = c({
  id: "script.read-sensitive",
  title: "Script reads sensitive files",
  category: "sensitive-files",
  level: "SUSPICIOUS",
  confidence: "high",
  explanation:
    "The script reads files that hold private keys, passwords, tokens or agent settings, which few skills need.",
  remediation:
    "Remove the read, or explain in SKILL.md why the skill needs this file and ask the user for it explicitly.",
  references: ["CWE-538", "MITRE ATT&CK T1552.001"],
  capabilities: ["secrets", "read-outside"],
});

export const ENV_DUMP = c({
  id: "script.env-dump",
  title: "Script collects all environment variables",
  category: "sensitive-files",
  level: "SUSPICIOUS",
  confidence: "medium",
  explanation:
    "The script serialises or saves every environment variable at once. Environment variables hold API keys and tokens; a skill needs at most the few it names.",
  remediation: "Read only the specific variables the skill needs, by name.",
  references: ["MITRE ATT&CK T1552.001"],
  capabilities: ["secrets"],
});

export const ENV_SECRET_TO_NETWORK = c({
  id: "script.env-secret-to-network",
  title: "Script sends a secret token to an unrelated server",
  category: "exfiltration",
  // One stolen token is enough: an API client puts its key in a header for the key's own service;
  // the key itself as the payload, to a server that is neither that service nor allowlisted, is theft.
  level: "MALICIOUS",
  confidence: "high",
  explanation:
    "The script puts a secret from an environment variable (a token, key or password) into the data it sends to a server whose name is not related to that secret and is not on the allowlist. An API client sends its key only to the key's own service; sending it elsewhere as data is how credential-stealing skills work.",
  remediation:
    "Send a token only to the service it belongs to, in an Authorization header; if this server is that service, add it to `allowed-domains` in the config.",
  references: ["CWE-201"],
  capabilities: ["secrets", "network"],
});

export const PERSISTENCE = c({
  id: "script.persistence",
  title: "Script changes start-up files or scheduled jobs",
  category: "persistence",
  level: "SUSPICIOUS",
  confidence: "high",
  explanation:
    "The script writes to a place that makes something run again later by itself: shell start-up files (.bashrc, .zshrc), crontab, LaunchAgents, systemd units or authorized_keys.",
  remediation:
    "Do not change start-up files from a skill. If a setting is needed, tell the user in SKILL.md what to add and let them do it.",
  references: ["MITRE ATT&CK T1053", "MITRE ATT&CK T1546.004", "MITRE ATT&CK T1543"],
  capabilities: ["persistence", "write-outside"],
});

export const AGENT_CONFIG_WRITE = c({
  id: "script.agent-config-write",
  title: "Script changes the agent's settings or other skills",
  category: "agent-tampering",
  level: "SUSPICIOUS",
  confidence: "high",
  explanation:
    "The script writes into the agent's configuration (settings, hooks, MCP server lists, permissions) or into other skills' folders. That can give the skill or an attacker more power over the agent than the user granted.",
  remediation:
    "A skill must not modify agent settings or other skills. Describe the change and let the user make it.",
  references: ["OWASP LLM06", "OWASP MCP Top 10"],
  capabilities: ["agent-config", "write-outside"],
});

export const DECODED_DESTINATION = c({
  id: "script.decoded-destination",
  title: "Script hides where it sends data",
  category: "obfuscation",
  level: "SUSPICIOUS",
  confidence: "high",
  explanation:
    "The address the script sends data to is stored encoded (for example base64) and only decoded when it runs, so a reader cannot see where the data goes.",
  remediation: "Write server addresses in plain text so users and reviewers can see them.",
  references: ["CWE-506", "MITRE ATT&CK T1027"],
  capabilities: ["network"],
});

export const EXEC_DYNAMIC = c({
  id: "script.exec-dynamic",
  title: "Script runs code built at run time",
  category: "execution",
  level: "RISKY",
  confidence: "low",
  explanation:
    "The script passes text computed while it runs to `eval`, `exec` or `new Function`, so what it runs cannot be read from the script itself.",
  remediation: "Avoid eval/exec; parse data with a real parser (json, ast.literal_eval) instead.",
  references: ["CWE-95"],
  capabilities: ["shell"],
});

/** Every check this module can report, for `skill-quarantine rules` and the docs. */
export const SCRIPT_CHECKS: readonly CheckMeta[] = [
  FLOW_SECRET_TO_NETWORK,
  FLOW_SECRET_TO_EXEC,
  EXEC_DECODED,
  EXEC_REMOTE,
  PERSISTENCE_REMOTE,
  SSH_BACKDOOR,
  READ_SENSITIVE,
  ENV_DUMP,
  ENV_SECRET_TO_NETWORK,
  PERSISTENCE,
  AGENT_CONFIG_WRITE,
  DECODED_DESTINATION,
  EXEC_DYNAMIC,
];
