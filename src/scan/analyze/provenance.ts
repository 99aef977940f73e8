import { parse as parseHost } from "tldts";
import { parseSkillMd } from "../manifest/frontmatter.js";
import type { DomainData } from "../ruleset.js";
import type { Origin } from "../types.js";
import type { SkillIdentity } from "./analysis-context.js";
import { CLASS_WORDS, classifyHost, hostMatches, hostOf } from "./hosts.js";

// Who controls what a skill fetches and runs. One classifier for the text rules (runRules) and the
// script engine (exec of downloaded code), so both give the same download the same weight. The
// detector classifies at match time, because the address is known only there (a stage would have to
// find the command again from a finding's excerpt, which is cut short), and records the result as an
// `origin` observation; the match-context stage (weigh/match-context.ts) turns it into a level:
//
// - official: the tool's vendor (its registrable domain, per the Public Suffix List, is named after
//   the skill or its publisher), a well-known installer host or registry, or a repository on a code
//   host whose owner is an official one or the skill's publisher → a risk to confirm (RISKY); and
//   when the skill names what it installs (`declared`) it does what it says → LOW_QUALITY.
// - personal: space anyone can take anonymously or that belongs to an unrelated person: raw IPs, paste
//   sites, file lockers, shorteners, tunnels, webhook catchers, another user's repository → keeps
//   the rule's level (MALICIOUS for download-and-run).
// - unknown: anything else, including operator-allowed hosts (allowed is not the same as official)
//   → at most SUSPICIOUS.
//
// Names come from the skill's own name and metadata, never from the prose around a command: a fake
// "prerequisite" is written as "install openclaw-core: curl … | bash", and words next to the command
// would make any attacker's host its own vendor. The skill's name and description can be chosen by an
// attacker too, but then the skill is openly about the tool it installs and says so.

export type Tier = Origin["tier"];

/** Who controls a host: the finding records it as an `Origin` (types.ts), which says what each field means. */
export type Provenance = Origin;

export const NO_IDENTITY: SkillIdentity = { names: [], subjects: [], pairs: [], words: [], runs: [] };

// Two- and three-letter words that are English, not tool names: "go to", "an app".
const STOP = new Set(
  "an as at be by do go if in is it me my no of on or so to up us we the and for are can via use all any its get new not one out own per set see".split(
    " ",
  ),
);

// Words that name no vendor: a domain or owner matching one of these says nothing about who runs it.
const GENERIC = new Set(
  (
    "the and for with use when from into your this that skill skills agent agents tool tools cli app apps api " +
    "dev get install installer setup helper helpers script scripts code data cloud web docs doc server servers " +
    "service services manager workflow workflows access user users create run build test tests open free " +
    "official update updates download downloads core plugin plugins github gitlab com www http https security " +
    "file files new auto pro bot bots mcp sdk lib package packages project projects support guide help the " +
    "online site sites host hosting local main master release releases latest version tool-kit toolkit utils " +
    "util common shared base start stack platform system systems client clients assistant claude codex openclaw"
  ).split(" "),
);

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
const wordsOf = (s: string) =>
  s
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
const useful = (t: string) => t.length >= 3 && !GENERIC.has(t) && !/^\d+$/.test(t);

const METADATA_KEYS =
  /^(author|authors|publisher|vendor|org|organization|organisation|owner|maintainer|company|homepage|repository|repo|source|url|website)$/i;

/** The skill's identity from its SKILL.md text (frontmatter only; nothing in the body counts). */
export function identityOf(skillMdText: string | undefined): SkillIdentity {
  if (!skillMdText) return NO_IDENTITY;
  let data: Record<string, unknown> | null = null;
  try {
    data = parseSkillMd(skillMdText).data;
  } catch {
    return NO_IDENTITY;
  }
  if (!data) return NO_IDENTITY;
  const names = new Set<string>();
  const addName = (v: unknown) => {
    if (typeof v !== "string") return;
    const whole = norm(v);
    if (whole.length <= 64 && useful(whole)) names.add(whole);
    for (const w of wordsOf(v).slice(0, 16)) if (useful(w)) names.add(w);
  };
  addName(data.name);
  const meta = data.metadata;
  if (meta && typeof meta === "object" && !Array.isArray(meta)) {
    for (const [k, v] of Object.entries(meta as Record<string, unknown>).slice(0, 50)) {
      if (!METADATA_KEYS.test(k) || typeof v !== "string") continue;
      // A URL names its host's vendor and, on a code host, the owner of the repository.
      if (/^https?:\/\//i.test(v)) {
        const h = hostOf(v);
        const p = h ? parseHost(h) : undefined;
        if (p?.domainWithoutSuffix) addName(p.domainWithoutSuffix);
        try {
          addName(new URL(v).pathname.split("/").filter(Boolean)[0]);
        } catch {
          // not a URL after all: its words were not added
        }
      } else addName(v);
    }
  }
  const desc = typeof data.description === "string" ? data.description.slice(0, 600) : "";
  const dw = wordsOf(desc);
  const subjects = new Set(dw.filter(useful));
  const pairs = new Set<string>();
  // Two or three words: "Ghost Security" → ghostsecurity, "Open Policy Agent" → openpolicyagent.
  for (let i = 0; i + 1 < dw.length && i < 100; i++) {
    pairs.add(`${dw[i]}${dw[i + 1]}`);
    if (i + 2 < dw.length) pairs.add(`${dw[i]}${dw[i + 1]}${dw[i + 2]}`);
  }
  const name = typeof data.name === "string" ? data.name : "";
  const words = new Set(
    [...wordsOf(name), ...dw].filter((w) => w.length >= 2 && !STOP.has(w) && !/^\d+$/.test(w)),
  );
  return {
    names: [...names],
    subjects: [...subjects],
    pairs: [...pairs],
    words: [...words],
    runs: commandsRun(skillMdText),
  };
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
// A command at the start of a code line or an inline code span, after a prompt, `sudo`, `env` or
// variable assignments: `$ UV_PUBLISH_TOKEN=x uv publish` runs uv.
const COMMAND =
  /^\s*(?:\$\s+)?(?:(?:sudo|env|exec|command|time)\s+)*(?:[A-Za-z_][A-Za-z0-9_]*=(?:"[^"]*"|'[^']*'|\S*)\s+)*([a-z][a-z0-9-]{1,30})(?=\s|$)/;
const INLINE_CODE = /`([^`\n]{2,200})`/g;
// Shells, fetchers and builtins every install line has: an installer named install.sh does not install `sh`.
const GENERIC_COMMANDS = new Set(
  (
    "sh bash zsh fish dash ksh pwsh powershell cmd curl wget echo printf cat cd ls cp mv rm mkdir chmod chown " +
    "ln export source set unset test if then else fi for do done while case esac read eval exec py js ps1 " +
    "python python3 node npm npx pip pip3 git open start run"
  ).split(" "),
);

/** The commands SKILL.md's code blocks and inline code run (first words, at most 200 of them). */
function commandsRun(text: string): string[] {
  const out = new Set<string>();
  let fence: string | undefined;
  for (const line of text.slice(0, 200_000).split("\n")) {
    const f = FENCE.exec(line);
    if (f) {
      if (!fence) fence = f[1]![0];
      else if (f[1]![0] === fence) fence = undefined;
      continue;
    }
    const spans = fence ? [line] : [...line.matchAll(INLINE_CODE)].map((m) => m[1]!);
    for (const code of spans) {
      const c = COMMAND.exec(code);
      const cmd = c?.[1];
      if (cmd && !STOP.has(cmd) && !ADDRESS_NOISE.has(cmd) && !GENERIC_COMMANDS.has(cmd)) out.add(cmd);
    }
    if (out.size >= 200) break;
  }
  return [...out];
}

/**
 * The short tails vendors put after a tool's name in a domain or binary (fluxcd.io for "Flux",
 * rustup.rs for "Rust", awscli for "AWS"). Any other tail is a different name: `aspirex.dev` or
 * `aspiree.dev` is a lookalike of aspire.dev, not its vendor.
 */
const VENDOR_TAIL = new Set(
  "cd up hq js io sh py rs db ai go app dev cli ctl run lab labs hub get".split(" "),
);

/**
 * Whether a domain label, repository owner or name is named after one of `tokens`: the same word, a
 * brand the token extends by a word (elastic.co for "Elasticsearch"), or the token plus a vendor's
 * usual tail (fluxcd.io for "Flux"). Never a token plus a hyphenated or other tail, nor a token cut
 * short by a letter or two: `weather-helper.com`, `polymarketapi.com`, `aspirex.dev` and `aspir.dev`
 * are anyone's names for a skill called weather, polymarket or aspire.
 */
function matchOf(candidate: string, tokens: readonly string[]): string | undefined {
  const c = norm(candidate);
  if (!useful(c)) return undefined;
  const hyphenated = /[-_.]/.test(candidate);
  for (const t of tokens) {
    if (c === t) return t;
    if (c.length >= 4 && t.length - c.length >= 3 && t.startsWith(c)) return t;
    if (!hyphenated && t.length >= 3 && c.startsWith(t) && VENDOR_TAIL.has(c.slice(t.length))) return t;
  }
  return undefined;
}

/** Words of an address that name no tool: where installers live and what they are called. */
const ADDRESS_NOISE = new Set(
  (
    "www sh ps1 bash zsh install installer installs latest stable download downloads dl release releases raw " +
    "main master bin get deb rpm pkg pkgs linux macos mac osx windows win darwin amd64 x86 x64 arm64 aarch64 " +
    "cdn static assets files file script scripts setup sdk sdks tools tool cli api apt yum repo repos gpg key " +
    "keys com org net io dev"
  ).split(" "),
);

/**
 * Hosts on the allow list where many parties publish (buckets, CDNs of packages, registries' file
 * hosts, module registries): a path there names whoever uploaded it, not a vendor.
 */
const MULTI_TENANT = [
  "amazonaws.com",
  "crates.io",
  "deno.land",
  "npmjs.com",
  "npmjs.org",
  "pypi.org",
  "pythonhosted.org",
  "yarnpkg.com",
  "googleapis.com",
  "githubusercontent.com",
  "github.io",
  "jsdelivr.net",
  "unpkg.com",
  "huggingface.co",
  "readthedocs.io",
  "mintcdn.com",
  "cdnjs.cloudflare.com",
];

/**
 * The tool a download from a well-known host installs, when the skill names it: a word of the address
 * (a sub-domain, a path segment, a part of `InstallAzureCLIDeb`) that is one of the skill's words, or
 * one of them plus a vendor's usual tail (awscli for "AWS").
 */
function namedTool(url: string, host: string, skill: SkillIdentity): string | undefined {
  const words = skill.words ?? [];
  if (words.length === 0) return undefined;
  const parts = [...host.split(".").slice(0, -1), ...pathOf(url)]
    .flatMap((p) => p.replace(/([a-z])([A-Z])/g, "$1 $2").split(/[^A-Za-z0-9]+/))
    .map((p) => p.toLowerCase())
    .filter((p) => p.length >= 2 && !ADDRESS_NOISE.has(p) && !/^v?\d/.test(p));
  for (const p of parts.slice(0, 24)) {
    if (words.includes(p)) return p;
    const t = words.find((w) => w.length >= 2 && p.startsWith(w) && VENDOR_TAIL.has(p.slice(w.length)));
    if (t) return t;
  }
  return undefined;
}

/** An organisation named after the skill (ghostsecurity/… for "ghost-proxy"): a longer tail is allowed. */
function orgOf(owner: string, tokens: readonly string[]): string | undefined {
  const c = norm(owner);
  return tokens.find((t) => t.length >= 4 && c.length > t.length && c.startsWith(t));
}

function pathOf(url: string): string[] {
  try {
    return new URL(url).pathname.split("/").filter(Boolean);
  } catch {
    return [];
  }
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** Who controls the server behind `url`, from its address and the skill's identity. */
export function provenanceOf(url: string, d: DomainData, skill: SkillIdentity = NO_IDENTITY): Provenance {
  const host = hostOf(url) ?? "";
  if (!host) return { tier: "unknown", host: url, why: "its address cannot be read" };
  if (IPV4.test(host) || host.includes(":"))
    return { tier: "personal", host, why: `${host} is a raw IP address instead of a named server` };
  if (host.endsWith(".onion"))
    return { tier: "personal", host, why: `${host} is a Tor hidden service, whose owner cannot be known` };
  const cls = classifyHost(url, host, d);
  if (cls) return { tier: "personal", host, why: `${host} is ${CLASS_WORDS[cls]}` };

  const shared = d.sharedHosts.find((s) => hostMatches(host, s));
  if (shared) {
    const path = pathOf(url);
    let owner: string | undefined;
    let repo: string | undefined;
    if (shared === "github.io" && host !== shared) {
      owner = host.slice(0, -shared.length - 1);
      repo = path[0];
    } else if (shared === "cdn.jsdelivr.net") {
      owner = path[1];
      repo = path[2];
    } else {
      owner = path[0];
      repo = path[1];
    }
    owner = owner?.toLowerCase();
    repo = repo?.replace(/@.*$/, "").toLowerCase();
    if (!owner) return { tier: "unknown", host, why: `${host} serves anyone's files and no owner is named` };
    const isGist = host.startsWith("gist.");
    if (d.officialOwners.includes(owner)) {
      // The repository names the tool (nvm-sh/nvm), or only says it installs (Homebrew/install): then
      // the vendor itself is what the skill must name.
      const tool =
        repo && !isGist
          ? (namedTool(`https://x/${repo}`, "x", skill) ??
            (ADDRESS_NOISE.has(repo)
              ? (matchOf(owner, skill.subjects) ?? matchOf(owner, skill.names))
              : undefined))
          : undefined;
      return tool
        ? {
            tier: "official",
            host,
            why: `installs ${tool} from its vendor (the official ${owner}/${repo} repository on ${host})`,
            declared: tool,
          }
        : { tier: "official", host, why: `from the official ${owner} repository on ${host}` };
    }
    if (!isGist) {
      // The owner is the publisher (named by the skill or its metadata), or an organisation named
      // after the skill whose repository is the tool the description is about. A repository merely
      // named after the tool is anyone's: github.com/jdoe/aspire-cli is not Aspire's.
      const publisher = matchOf(owner, skill.names) ?? matchOf(owner, skill.pairs);
      const by = publisher ?? (repo && orgOf(owner, skill.names) ? matchOf(repo, skill.subjects) : undefined);
      if (by)
        return {
          tier: "official",
          host,
          why: `installs ${repo ?? owner} from its publisher's own repository (${host}/${owner})`,
          // An organisation that only starts with the skill's name (aspire-tools) may be anyone's.
          ...(publisher ? { declared: repo ?? owner } : {}),
        };
    }
    return {
      tier: "personal",
      host,
      why: `a file in ${owner}'s own space on ${host}, which is not this skill's publisher`,
    };
  }

  const p = parseHost(host, { allowPrivateDomains: true });
  if (p.isPrivate && p.publicSuffix && p.domain) {
    // vercel.app, netlify.app, pages.dev, S3 buckets…: anyone gets a sub-domain.
    const label = p.domain.slice(0, -p.publicSuffix.length - 1);
    const by = matchOf(label, skill.names) ?? matchOf(label, skill.subjects);
    if (by) return { tier: "official", host, why: `installs ${by} from its own site (${p.domain})` };
    return {
      tier: "unknown",
      host,
      why: `${host} is a site on ${p.publicSuffix}, where anyone can publish`,
    };
  }
  const icann = parseHost(host);
  const cheap = d.abusedTlds.includes(icann.publicSuffix?.split(".").pop() ?? "");
  const imitated = icann.domain ? lookalikeOf(icann.domain, d) : undefined;
  if (imitated)
    return {
      tier: "personal",
      host,
      why: `${icann.domain} imitates ${imitated}, a well-known vendor's domain, with its dot written as a hyphen or left out`,
    };
  if (icann.domain && icann.domainWithoutSuffix && icann.isIcann && !cheap) {
    const label = icann.domainWithoutSuffix;
    const by =
      matchOf(label, skill.names) ??
      matchOf(label, skill.subjects) ??
      // The vendor's name written as words in the description: openpolicyagent.org for "Open Policy Agent".
      (!/[-_]/.test(label) && label.length >= 8 && skill.pairs.includes(norm(label)) ? label : undefined);
    if (by)
      return {
        tier: "official",
        host,
        why: `installs ${by} from its vendor (${icann.domain})`,
        declared: by,
      };
  }
  if (onList(host, d.allow) || onList(host, d.installers)) {
    const single = !onList(host, MULTI_TENANT);
    const tool = single ? namedTool(url, host, skill) : undefined;
    if (tool)
      return { tier: "official", host, why: `installs ${tool} from its vendor (${host})`, declared: tool };
    // Only on these listed hosts: a vendor's domain matched to a command the body runs would let any
    // author declare a domain of their own by writing `devkit build` in an example.
    const used = single ? namedTool(url, host, { ...skill, words: skill.runs ?? [] }) : undefined;
    return used
      ? {
          tier: "official",
          host,
          why: `installs ${used}, which the skill's own commands run, from its vendor (${host})`,
          declared: used,
        }
      : { tier: "official", host, why: `from a well-known installer host or registry (${host})` };
  }
  // Throwaway top-level domains cost a few cents and are what fake-prerequisite campaigns register;
  // no vendor ships its installer from one, so code fetched from one is judged as anonymous hosting.
  if (cheap)
    return {
      tier: "personal",
      host,
      why: `${host} is on a throwaway top-level domain (.${icann.publicSuffix}) that malware campaigns register`,
    };
  return {
    tier: "unknown",
    host,
    why: `${host} is neither the vendor of what the skill is about nor a well-known installer host`,
  };
}

function onList(host: string, list: readonly string[]): boolean {
  return list.some((e) => !e.includes("/") && hostMatches(host, e));
}

const TIER_RANK: Record<Tier, number> = { official: 0, unknown: 1, personal: 2 };

/** The least trusted source among `urls` (undefined when there is none). */
export function worstProvenance(
  urls: readonly string[],
  d: DomainData,
  skill?: SkillIdentity,
): Provenance | undefined {
  let worst: Provenance | undefined;
  for (const u of urls) {
    const p = provenanceOf(u, d, skill);
    if (!worst || TIER_RANK[p.tier] > TIER_RANK[worst.tier]) worst = p;
  }
  return worst;
}

const squashCache = new WeakMap<DomainData, Map<string, string>>();

/** Listed vendors' registrable domains by their letters without dots (fly.io → flyio), 5 letters or more. */
function squashedVendors(d: DomainData): Map<string, string> {
  let m = squashCache.get(d);
  if (!m) {
    m = new Map();
    for (const entry of [...d.allow, ...d.installers]) {
      const domain = parseHost(entry.replace(/\/.*$/, "")).domain;
      if (!domain) continue;
      const squashed = domain.replace(/\./g, "");
      if (squashed.length >= 5 && !m.has(squashed)) m.set(squashed, domain);
    }
    squashCache.set(d, m);
  }
  return m;
}

/**
 * The listed vendor domain `domain` imitates: the same letters with the dot written as a hyphen or
 * left out, under any suffix (fly-io.dev or flyio.dev for fly.io, deno-land.com for deno.land). A
 * vendor does not ship from such a name; a fake prerequisite does, named to pass for the real one.
 */
export function lookalikeOf(domain: string, d: DomainData): string | undefined {
  const p = parseHost(domain);
  if (!p.domainWithoutSuffix || onList(domain, d.allow) || onList(domain, d.installers)) return undefined;
  const imitated = squashedVendors(d).get(p.domainWithoutSuffix.replace(/[-_]/g, ""));
  return imitated && imitated !== p.domain ? imitated : undefined;
}
