// What a path or a name in a script points at. Inputs are approximate strings built from the
// script (UNKNOWN marks parts only known at run time). Every regex here is linear: no nested
// repetition, so attacker-controlled strings cannot make them backtrack.

/** Placeholder for the parts of a string that are only known when the script runs. */
export const UNKNOWN = "\uFFFF";

export type SecretCat =
  | "ssh"
  | "cloud"
  | "dotenv"
  | "browser"
  | "wallet"
  | "keychain"
  | "agent"
  | "system"
  | "history"
  | "gpg"
  | "messaging";

export interface PathClass {
  cat: SecretCat;
  /** Plain words for the L1 text: "your SSH private keys". */
  what: string;
}

const HOME_PREFIX =
  /^(?:~|\$\{?HOME\}?|\$env:(?:USERPROFILE|HOME)|%USERPROFILE%|%HOMEPATH%|\/home\/[^/]+|\/Users\/[^/]+|\/root|[a-z]:\/users\/[^/]+)(?=\/|$)/i;
const APPDATA = /^(?:%APPDATA%|\$env:APPDATA|\$\{?APPDATA\}?)(?=\/|$)/i;
const LOCALAPPDATA = /^(?:%LOCALAPPDATA%|\$env:LOCALAPPDATA|\$\{?LOCALAPPDATA\}?)(?=\/|$)/i;

/** POSIX separators, one home prefix "~" for every way of spelling the home folder. */
export function normPath(s: string): string {
  let p = s.replace(/\\+/g, "/").replace(/\/{2,}/g, "/");
  if (p.startsWith("file:")) p = p.replace(/^file:\/*/, "/");
  p = p
    .replace(HOME_PREFIX, "~")
    .replace(APPDATA, "~/AppData/Roaming")
    .replace(LOCALAPPDATA, "~/AppData/Local");
  return p;
}

/** Home folder, absolute or parent-relative: a place outside the skill's own folder. */
export function isOutside(p: string): boolean {
  return p.startsWith("~") || p.startsWith("/") || p.startsWith("../") || /^[a-z]:\//i.test(p);
}

function isHomeOrAbsolute(p: string): boolean {
  return p.startsWith("~") || p.startsWith("/") || /^[a-z]:\//i.test(p);
}

const BROWSER_DIR =
  /(google\/chrome|chromium|bravesoftware|microsoft\/edge|opera software|vivaldi|yandex\/yandexbrowser|mozilla\/firefox|\.mozilla\/firefox|library\/safari)/i;
const BROWSER_FILE =
  /(^|\/)(login data|cookies|web data|local state|key[34]\.db|logins\.json|cookies\.sqlite)$/i;

const SECRET_PATHS: [RegExp, SecretCat, string][] = [
  [/(^|\/)\.ssh(\/|$)/i, "ssh", "your SSH keys"],
  [/(^|\/)id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/i, "ssh", "your SSH private key"],
  [/(^|\/)\.aws(\/|$)/i, "cloud", "your AWS credentials"],
  [
    /(^|\/)(\.config\/gcloud|application_default_credentials\.json)/i,
    "cloud",
    "your Google Cloud credentials",
  ],
  [/(^|\/)\.azure(\/|$)/i, "cloud", "your Azure credentials"],
  [/(^|\/)\.kube\/config/i, "cloud", "your Kubernetes credentials"],
  [/(^|\/)\.docker\/config\.json$/i, "cloud", "your Docker registry logins"],
  [/(^|\/)[._]netrc$/i, "cloud", "saved logins in .netrc"],
  [/(^|\/)\.npmrc$/i, "cloud", "your npm token (.npmrc)"],
  [/(^|\/)\.pypirc$/i, "cloud", "your PyPI token (.pypirc)"],
  [/(^|\/)\.git-credentials$/i, "cloud", "your saved Git passwords"],
  [/(^|\/)\.config\/gh\/hosts\.ya?ml$/i, "cloud", "your GitHub CLI token"],
  [/(^|\/)(\.vault-token|\.pgpass|\.my\.cnf)$/i, "cloud", "saved database or vault passwords"],
  [/(^|\/)\.terraform\.d\/credentials/i, "cloud", "your Terraform Cloud token"],
  [/(^|\/)\.gnupg(\/|$)/i, "gpg", "your GPG private keys"],
  [
    /(exodus|electrum|\.config\/solana|solana\/id\.json|metamask|nkbihfbeogaeaoehlefnkodbefgpgknn|bfnaelmomeimhlpmgjnjophhpkkoljpa|wallet\.dat|\.bitcoin\/|\.ethereum\/keystore|atomic\/local storage|ledger live|phantom\/)/i,
    "wallet",
    "your crypto wallet files",
  ],
  [
    /(library\/keychains|\.keychain(-db)?$|\.local\/share\/keyrings|kwallet|microsoft\/(credentials|protect)\/)/i,
    "keychain",
    "your keychain (saved passwords)",
  ],
  [
    /(^|\/)\.(bash|zsh|sh|python|psql|mysql|node_repl|sqlite)_history$|(^|\/)\.zhistory$|consolehost_history\.txt$/i,
    "history",
    "your shell history (often holds passwords typed on the command line)",
  ],
  [
    /(discord(canary|ptb)?\/(local storage|leveldb)|telegram desktop\/tdata|slack\/(cookies|storage))/i,
    "messaging",
    "chat app login tokens",
  ],
  [/^\/etc\/(shadow|gshadow|sudoers)/i, "system", "system password files"],
  [/^\/proc\/[^/]+\/environ$/i, "system", "another program's environment variables"],
];

const AGENT_DIRS =
  /(^|\/)\.(claude|codex|clawdbot|openclaw|cursor|gemini|continue|aider|windsurf|codeium|agents)(\/|\.json|$)/i;
const AGENT_FILES = /(claude_desktop_config\.json|(^|\/)\.?mcp(_config)?\.json$|(^|\/)\.claude\.json$)/i;
const DOTENV_BASE = /^(\.env(\.(local|production|prod|development|dev|staging|test))?|\*+\.env|\.env\*)$/i;

function baseName(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

/** A path whose reading is a credential-theft source, with plain words for what it is. */
export function classifySecretPath(raw: string): PathClass | undefined {
  const p = normPath(raw);
  if (!p || p === UNKNOWN) return undefined;
  // Public halves and login allowlists are not secrets.
  if (/\.pub$|(^|\/)known_hosts$|(^|\/)authorized_keys2?$/i.test(p)) return undefined;
  // Chrome writes the DevTools port it listens on here for tools that drive the browser; it is a
  // port number and a path, no profile data.
  if (/(^|\/)DevToolsActivePort$/i.test(p)) return undefined;
  for (const [re, cat, what] of SECRET_PATHS) if (re.test(p)) return { cat, what };
  if (BROWSER_FILE.test(p) && (BROWSER_DIR.test(p) || /login data|key[34]\.db|logins\.json/i.test(p)))
    return { cat: "browser", what: "your browser's saved passwords and cookies" };
  if (BROWSER_DIR.test(p) && /user data|profiles|default/i.test(p))
    return { cat: "browser", what: "your browser profile (saved passwords and cookies)" };
  if (DOTENV_BASE.test(baseName(p)) && (isHomeOrAbsolute(p) || p.includes("*") || p.startsWith("../")))
    return { cat: "dotenv", what: "`.env` files (API keys and passwords)" };
  if (isHomeOrAbsolute(p) && AGENT_DIRS.test(p))
    return { cat: "agent", what: "your AI agent's configuration (it can hold API keys and tokens)" };
  if (/claude_desktop_config\.json/i.test(p))
    return { cat: "agent", what: "your AI agent's configuration (it can hold API keys and tokens)" };
  return undefined;
}

export interface WriteClass {
  kind: "persistence" | "agent-config";
  what: string;
  authorizedKeys?: boolean;
}

const PERSISTENCE_PATHS: [RegExp, string][] = [
  [/(^|\/)authorized_keys2?$/i, "SSH authorized_keys (who may log in to this computer)"],
  [
    /(^|\/)\.(bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zshenv|zprofile|zlogin|kshrc|cshrc|tcshrc|xprofile|xinitrc)$/i,
    "a shell start-up file",
  ],
  [/(^|\/)\.config\/fish\/(config\.fish|conf\.d)/i, "a shell start-up file"],
  [
    /^\/etc\/(profile|bash\.bashrc|zsh\/|zshrc|environment|rc\.local|ld\.so\.preload)/i,
    "a system start-up file",
  ],
  [
    /(^|\/)(crontab|cron\.(d|daily|hourly|weekly|monthly))(\/|$)|\/var\/spool\/cron|^\/etc\/cron/i,
    "scheduled jobs (cron)",
  ],
  [/library\/launch(agents|daemons)/i, "macOS start-up items (LaunchAgents)"],
  [/(^|\/)(etc|lib|usr\/lib)\/systemd\/|\.config\/systemd\//i, "a systemd service"],
  [/\.config\/autostart|\/etc\/xdg\/autostart|^\/etc\/init\.d\//i, "desktop autostart"],
  [/\.ssh\/rc$/i, "the SSH login script"],
  [/start menu\/programs\/startup/i, "the Windows Startup folder"],
  [/currentversion\/run(once)?(\/|$)/i, "the Windows Run registry key"],
  [/microsoft\.powershell_profile\.ps1$|(^|\/)profile\.ps1$/i, "the PowerShell profile"],
  [/site-packages\/[^/]+\.pth$/i, "a Python start-up hook (.pth)"],
];

/** Where a write changes how the computer or the agent behaves later. */
export function classifyWritePath(raw: string): WriteClass | undefined {
  const p = normPath(raw);
  if (!p || p === UNKNOWN) return undefined;
  for (const [re, what] of PERSISTENCE_PATHS)
    if (re.test(p)) return { kind: "persistence", what, authorizedKeys: /authorized_keys2?$/i.test(p) };
  if (AGENT_DIRS.test(p) || AGENT_FILES.test(p))
    return { kind: "agent-config", what: "the agent's configuration" };
  // Other skills: a SKILL.md or a skills/ folder reached from home, an absolute path or "../".
  if (isOutside(p) && (baseName(p).toLowerCase() === "skill.md" || /(^|\/)skills(\/|$)/i.test(p)))
    return { kind: "agent-config", what: "another skill's folder" };
  return undefined;
}

// Environment variables whose value is a credential. PWD/OLDPWD are folders, SSH_AUTH_SOCK a socket.
const NOT_SECRET_ENV =
  /^(PWD|OLDPWD|PATH|HOME|USER|SHELL|LANG|TERM|TMPDIR|TEMP|TMP|SSH_AUTH_SOCK|.*_PATH|.*_DIR)$/i;
const SECRET_ENV =
  /(TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE|CREDENTIAL|COOKIE|SESSION|API_?KEY|ACCESS_?KEY|AUTH|(^|_)KEY($|_)|(^|_)PASS($|_)|(^|_)PWD($|_))/i;

export function isSecretEnvName(name: string): boolean {
  return !NOT_SECRET_ENV.test(name) && SECRET_ENV.test(name);
}

/** Environment variables that name the home folder (so paths built from them are home paths). */
export function homeEnvValue(name: string): string | undefined {
  const n = name.toUpperCase();
  if (n === "HOME" || n === "USERPROFILE") return "~";
  if (n === "APPDATA") return "~/AppData/Roaming";
  if (n === "LOCALAPPDATA") return "~/AppData/Local";
  if (n === "XDG_CONFIG_HOME") return "~/.config";
  return undefined;
}

/**
 * "NOTION_TOKEN" is obviously for api.notion.com: a word of the variable's name is the host's
 * registered name. Only that name counts: `openai.example-relay.click` and `openai-proxy.click` are
 * anyone's, and an attacker picks them to look related.
 */
export function envNameMatchesHost(name: string, host: string): boolean {
  const labels = host.toLowerCase().replace(/\.$/, "").split(".");
  if (labels.length < 2) return false;
  const vendor = secretVendorDomains(name);
  const h = labels.join(".");
  if (vendor?.some((d) => h === d || h.endsWith(`.${d}`))) return true;
  // example.co.uk, example.com.au: the registered name sits before a two-part public suffix.
  const second = labels[labels.length - 2]!;
  const registered =
    labels.length >= 3 && /^(co|com|org|net|ac|gov|edu|ne|or)$/.test(second)
      ? labels[labels.length - 3]!
      : second;
  for (const w of name.toLowerCase().split(/[^a-z0-9]+/)) {
    if (
      w.length < 3 ||
      /^(api|key|token|secret|access|auth|password|pass|private|client|bot|app|id)$/.test(w)
    )
      continue;
    if (registered === w) return true;
  }
  return false;
}

/**
 * Services whose tokens are named after them, with the domains that serve their APIs, registries
 * and package hosts (a name word is not always the domain: NPM_TOKEN is for registry.npmjs.org,
 * GH_TOKEN for api.github.com and ghcr.io).
 */
const SECRET_VENDORS: readonly [RegExp, readonly string[]][] = [
  [/^(github|gh)$/, ["github.com", "githubusercontent.com", "ghcr.io", "githubcopilot.com", "ghe.com"]],
  [/^openai$/, ["openai.com", "azure.com"]],
  [/^anthropic$/, ["anthropic.com"]],
  [/^npm$/, ["npmjs.org", "npmjs.com", "yarnpkg.com", "github.com"]],
  [/^(hf|huggingface)$/, ["huggingface.co", "hf.co", "hf.space"]],
  [/^stripe$/, ["stripe.com"]],
  [/^slack$/, ["slack.com"]],
];

/** The domains of the service an env secret's name says it belongs to, when it names one. */
export function secretVendorDomains(name: string): readonly string[] | undefined {
  let out: string[] | undefined;
  for (const w of name.toLowerCase().split(/[^a-z0-9]+/))
    for (const [re, domains] of SECRET_VENDORS) if (re.test(w)) out = [...(out ?? []), ...domains];
  return out;
}

/** Words of an env name that say what kind of secret it is, not whose: `BOT_TOKEN`, `API_KEY`. */
const GENERIC_SECRET_WORD =
  /^(api|key|keys|token|tokens|secret|secrets|access|auth|password|pass|pwd|private|client|bot|app|id|bearer|oauth|refresh|session|user|chat|webhook|signing|master|admin|service|account|credentials?|env)$/;

/**
 * Whether an env name says nothing of whose secret it is (`BOT_TOKEN`, `API_KEY`, `TOKEN`): such a
 * token can be the skill's own service's. `AWS_SECRET_ACCESS_KEY` names AWS and cannot.
 */
export function envNameIsGeneric(name: string): boolean {
  const words = name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.length > 0 && words.every((w) => GENERIC_SECRET_WORD.test(w) || /^\d+$/.test(w));
}

/** Text written to a start-up file or job that fetches or sends over the network. */
export const NETWORK_IN_TEXT =
  /\b(curl|wget|iwr|irm|invoke-webrequest|invoke-restmethod|invoke-expression|nc|ncat|netcat|socat)\b|\/dev\/(tcp|udp)\/|https?:\/\/|\bbash\s+-i\b/i;

/** A public SSH key written literally into the script. */
export const LITERAL_SSH_KEY =
  /\b(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com)\s+AAAA[0-9A-Za-z+/]{16}/;

/**
 * APIs whose address carries the caller's own token where the service expects it: a Telegram bot's
 * token is the `/bot<token>/` segment of every Bot API call. A run-time value exactly there is that
 * service's token used for that service — Telegram, not whoever wrote the skill, receives it. (Bot
 * exfiltration hard-codes the attacker's token and sends stolen data as the message: that is a flow
 * of what is read, judged on its own.)
 */
const TOKEN_IN_ADDRESS: readonly { host: string; path: RegExp }[] = [
  { host: "api.telegram.org", path: new RegExp(`^https?://api\\.telegram\\.org/bot${UNKNOWN}/[A-Za-z]+`) },
];

/** Whether the only run-time part of `url` before its query is the token segment its API defines. */
export function tokenInOwnPlace(url: string | undefined, host: string): boolean {
  if (!url) return false;
  const entry = TOKEN_IN_ADDRESS.find((t) => t.host === host.toLowerCase());
  if (!entry?.path.test(url)) return false;
  const beforeQuery = url.split("?")[0] ?? "";
  return beforeQuery.split(UNKNOWN).length === 2;
}
