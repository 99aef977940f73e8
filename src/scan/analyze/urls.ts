import type { CheckMeta } from "../findings.js";
import { findingAt } from "../findings.js";
import type { DomainData } from "../ruleset.js";
import type { Capability, Finding } from "../types.js";
import type { AnalysisContext, TextFile } from "./analysis-context.js";
import {
  CLASS_WORDS,
  classifyHost,
  findUrls,
  hostMatches,
  isPlaceholderHost,
  isStandInHost,
} from "./hosts.js";
import { provenanceOf } from "./provenance.js";
import { contextOf } from "./rules.js";

const DISGUISED: CheckMeta = {
  id: "url.disguised-host",
  title: "Link to a raw IP, shortener, paste site, tunnel or webhook",
  category: "urls",
  level: "SUSPICIOUS",
  confidence: "medium",
  explanation:
    "The skill points at a server that hides who runs it or where it leads. Legitimate skills link to named, well-known sites.",
  remediation: "Link to the project's official, named domain (for example its GitHub releases page).",
  references: ["OWASP LLM03: Supply Chain", "MITRE ATLAS AML.T0010"],
  capabilities: ["network"],
};

const DISGUISED_RUN: CheckMeta = {
  ...DISGUISED,
  id: "url.disguised-host-execute",
  title: "Code fetched from a disguised host and run",
  level: "MALICIOUS",
  confidence: "high",
  explanation:
    "The skill tells you or the agent to get something from a server that hides who runs it and to run or install it. This is how fake 'prerequisites' deliver malware.",
  remediation:
    "Remove the step. If a tool is really needed, name it and install it from its official package registry.",
  capabilities: ["network", "shell"],
};

const BLOCKLISTED: CheckMeta = {
  id: "blocklist.host",
  title: "Host on the blocklist",
  category: "blocklist",
  level: "MALICIOUS",
  confidence: "high",
  explanation: "The skill contacts a server that reviewers have confirmed as malicious.",
  remediation: "Remove every reference to this host. If you think the entry is wrong, appeal.",
  capabilities: ["network"],
};

const UNLISTED: CheckMeta = {
  id: "url.unlisted-host",
  title: "External host not on the allowlist",
  category: "urls",
  level: "RISKY",
  confidence: "medium",
  explanation:
    "The skill sends data to, or runs code from, a server that is not on the list of well-known hosts. That can be fine, but you should know who runs it.",
  remediation:
    "If the host is the official site of a tool the skill needs, add it to `allowed-domains` in .github/skill-quarantine.yml.",
  capabilities: ["network"],
};

/** A path or query part written for the reader to replace: YOUR_FORM_ID, <id>, {token}, xxxx. */
const STAND_IN_PART =
  /\b(?:YOUR|MY)_[A-Z0-9_]{2,40}\b|\byour-[a-z0-9-]{2,40}\b|<[A-Za-z][\w .-]{0,30}>|\{[A-Za-z_][\w.-]{0,30}\}|\bx{4,}\b|\bX{4,}\b/;

export const URL_CHECKS: CheckMeta[] = [BLOCKLISTED, DISGUISED_RUN, DISGUISED, UNLISTED];

const USE_VERBS =
  /\b(curl|wget|fetch|download|install|iwr|invoke-webrequest|invoke-restmethod|irm|requests\.|urlopen|http\.get|axios|post|upload|send|paste|run|execute|open terminal|visit|go to|navigate)\b/i;
const RUN_VERBS =
  /(\|\s*(ba|z|da)?sh\b|\|\s*iex\b|\biex\b|\brun\b|\bexecute\b|\binstall\b|\bpaste\b.{0,40}\bterminal\b|\bterminal\b.{0,40}\bpaste\b|\.(exe|dmg|pkg|msi|sh|ps1|zip)\b|chmod\s+\+x)/i;

/**
 * Sending data to a server: curl with a body or upload, wget posting, a POST/PUT/PATCH in any HTTP
 * client, a fetch with a body, PowerShell with -Body.
 */
const SENDS =
  /\bwget\b[^\n|;]*--post-(?:data|file)\b|\b(?:requests|httpx|session|client|axios|http|https|got|ky|superagent|aiohttp|urllib3)\s*\.\s*(?:post|put|patch)\s*\(|\bmethod\s*[:=]\s*["'](?:POST|PUT|PATCH)["']|-Method\s+["']?(?:Post|Put|Patch)\b|\b(?:Invoke-RestMethod|Invoke-WebRequest|irm|iwr)\b[^\n|;]*\s-Body\b|\burlopen\s*\([^)\n]*\bdata\s*=|\bsendBeacon\s*\(/i;
/** curl's own flags are case-sensitive: -d, -F and -T send, -f and -t do not. */
const CURL_SENDS =
  /\bcurl\b[^\n|;]*?(?:\s-[a-zA-Z]*[dFT]\b|\s--(?:data[\w-]*|form[\w-]*|upload-file|json)\b|\s(?:-X|--request)\s*["']?(?:POST|PUT|PATCH|post|put|patch)\b)/;
/**
 * Running what a server serves: piped into a shell or interpreter, through a command substitution
 * or PowerShell's Invoke-Expression, made executable or started after the download, or installed as
 * a package (whose install scripts run).
 */
const RUNS =
  /\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+)?(?:\/\S*\/)?(?:(?:ba|z|da|k|fi)?sh|python[23]?|node|perl|ruby|php|iex|invoke-expression)\b|\b(?:iex|invoke-expression)\s*[(\s]|[$<]\(\s*(?:curl|wget)\b|\bchmod\s+\+?[0-7]*x|&&\s*(?:sudo\s+)?(?:\.\/|sh\s|bash\s|python[23]?\s)|\b(?:pip[23]?|pipx|uv\s+pip|npm|pnpm|yarn|bun|gem)\s+(?:install|add|i)\s+(?:[^\s|;&#]+\s+){0,6}(?:git\+)?https?:|\bnpx\s+(?:-\S+\s+)*https?:|\b(?:msiexec|start-process|installer\s+-pkg|open)\b[^\n]{0,80}\.(?:exe|msi|pkg|dmg)\b/i;

/** A command on a link's own line that fetches or sends: then the link is what it fetches. */
const FETCH_ON_LINE =
  /\b(?:curl|wget|iwr|irm|Invoke-WebRequest|Invoke-RestMethod|fetch|urlopen|requests\.|axios|http\.get)\b|\|\s*(?:ba|z)?sh\b/i;
/** Folders of sample input a skill works on: sample code, examples, fixtures, test data. */
const SAMPLE_DIR = /(^|\/)(?:samples?|sample[_-][\w-]*|examples?|fixtures?|test[_-]?data|testdata)\//i;

/** How far around a URL its verbs are looked for (see analyzeUrls). */
const AROUND = 400;

/** A comment line of a script or config file: what it names is not used. */
const COMMENT_LINE = /^\s*(?:#|\/\/|;|--|\*|\/\*|<!--|rem\s)/i;

/** A path segment that is a variable or placeholder: `bot$TOKEN`, `{bot_token}`, `<TOKEN>`, `WEBHOOK_ID`. */
const VARIABLE_SEGMENT = /^(?:bot)?(?:\$\{?\w+\}?|\{\w*\}|<[\w -]+>|[A-Z][A-Z_]{3,})$/;
/** A segment holding a real credential or id: `bot123456:AA…`, a long token, a numeric webhook id. */
const SECRET_SEGMENT = /^(?:bot)?\d{5,}:|^\d{6,}$|^(?=[\w-]*\d)(?=[\w-]*[a-zA-Z])[\w-]{16,}$/;

/**
 * A webhook address whose secret part is a variable: the user's own bot or channel (a notifier the
 * skill describes), not a catcher for stolen data. Any hard-coded token or id keeps it a finding.
 */
function isOwnWebhook(url: string): boolean {
  const path = url.split(/[?#]/)[0]!.replace(/^[a-z]+:\/\/[^/]*/i, "");
  const segs = path.split("/").filter(Boolean);
  return segs.some((s) => VARIABLE_SEGMENT.test(s)) && !segs.some((s) => SECRET_SEGMENT.test(s));
}

const allowCache = new WeakMap<DomainData, Map<string, boolean>>();

/** On the built-in allowlist (rules/domains.yml); an operator's allowed-domains entry is not. */
export function isListedHost(host: string, d: DomainData): boolean {
  let cache = allowCache.get(d);
  if (!cache) {
    cache = new Map();
    allowCache.set(d, cache);
  }
  let v = cache.get(host);
  if (v === undefined) {
    v = [...d.allow, ...d.installers].some((a) => !a.includes("/") && hostMatches(host, a));
    cache.set(host, v);
  }
  return v;
}

/**
 * Every URL in the file, its host, and findings for hosts that are blocklisted, disguised or unlisted.
 *
 * An unlisted host is a finding only where the skill sends data to it or runs what it serves; a host
 * that is only named (a link, a reference, an XML namespace, a GET in an example) is listed in
 * `hosts` and counts as network use in `used`. Disguised hosts (raw IP, paste, shortener, tunnel,
 * webhook, request bin, file locker) stay findings in instructions and scripts wherever they appear;
 * in data and config files only where a command uses them. The operator's `allowed-domains` silences
 * unlisted hosts only: it never lowers a disguised or blocklisted one.
 */
export function analyzeUrls(
  file: TextFile,
  ctx: AnalysisContext,
  hosts: Set<string>,
  used?: Set<Capability>,
): Finding[] {
  const out: Finding[] = [];
  const reported = new Set<string>();
  const bl = ctx.ruleSet.blocklist;
  const extraBl = ctx.config.blocklist;
  const d = ctx.ruleSet.domains;
  for (const u of findUrls(file.text)) {
    if (isPlaceholderHost(u.host)) continue;
    hosts.add(u.host);
    // Context needs the Markdown parse: work it out only for hosts that may become a finding.
    const place = () => ({
      file: file.path,
      index: file.lines,
      offset: u.index,
      length: u.length,
      context: contextOf(file, u.index),
    });
    const blocked =
      [...bl.domains, ...extraBl.domains].some((e) => hostMatches(u.host, e)) ||
      [...bl.ips, ...extraBl.ips].includes(u.host);
    if (blocked) {
      if (!reported.has(`bl:${u.host}`)) out.push(findingAt(BLOCKLISTED, place(), { trigger: "blocklist" }));
      reported.add(`bl:${u.host}`);
      continue;
    }
    if (isListedHost(u.host, d) || isStandInHost(u.host, d)) continue;
    const { line } = file.lines.position(u.index);
    // The line before, the URL's line and the line after, but never more than AROUND characters on
    // each side: on one huge line, every URL would otherwise re-read the whole file (quadratic).
    const from = Math.max(file.lines.lineStart(line - 1), u.index - AROUND);
    const to = Math.min(file.lines.lineStart(line + 2), u.index + u.length + AROUND);
    const around = file.text.slice(from, to);
    const lineText = file.lines.lineText(line);
    // A comment line of a script or config file, or of a code block in Markdown (where `#` at the
    // start of a prose line is a heading).
    const commented =
      COMMENT_LINE.test(lineText) && (file.kind !== "instructions" || place().context === "code-block");
    const cls = classifyHost(u.url, u.host, d);
    if (cls) {
      // Linkify ends a URL at "<": `bot<TOKEN>/getMe` is read from the text itself.
      const raw = /^[^\s`'"|)\]]*/.exec(file.text.slice(u.index, u.index + u.length + 200))?.[0] ?? u.url;
      if (cls === "webhook" && isOwnWebhook(raw)) {
        used?.add("network");
        continue;
      }
      // Data files (CSV, JSON, YAML) list and configure hosts; markup loads them (`<script src>`).
      if (file.kind === "data" && (commented || !USE_VERBS.test(around))) continue;
      const runs = RUN_VERBS.test(around) && !commented;
      const key = `${runs ? "run" : "dis"}:${u.host}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const meta = runs ? DISGUISED_RUN : DISGUISED;
      out.push(
        findingAt(meta, place(), {
          explanation: `${meta.explanation} Here: ${u.host} is ${CLASS_WORDS[cls]}.`,
        }),
      );
      continue;
    }
    if (ctx.isAllowedHost(u.host)) continue;
    if (reported.has(`un:${u.host}`)) continue;
    // The skill's own vendor (its name or publisher names the domain): its service, not a stranger's.
    if (provenanceOf(u.url, d, ctx.skill).tier === "official") {
      used?.add("network");
      continue;
    }
    if (commented || !(SENDS.test(around) || CURL_SENDS.test(around) || RUNS.test(around))) {
      if (!commented && USE_VERBS.test(around)) used?.add("network");
      continue;
    }
    // A Markdown link (`[Documentation](https://…)`, `<https://…>`) is followed by a reader, never
    // sent to or run: the verbs around it belong to the table or sentence it sits in. A command on
    // the link's own line still counts.
    if (place().context === "link" && !FETCH_ON_LINE.test(lineText)) continue;
    // `https://formspree.io/f/YOUR_FORM_ID`: an address with a stand-in for the reader's own part is
    // a template the user fills in; nothing goes there as written.
    if (STAND_IN_PART.test(u.url.slice(u.url.indexOf(u.host) + u.host.length))) continue;
    // Sample code a skill analyses (assets/sample_codebase/…, examples/, fixtures/) is input, not
    // something the skill runs; what such a script does is judged by the script engine on its own.
    if (file.kind !== "instructions" && file.kind !== "data" && SAMPLE_DIR.test(file.skillPath)) continue;
    reported.add(`un:${u.host}`);
    out.push(findingAt(UNLISTED, place(), { explanation: `${UNLISTED.explanation} Host: ${u.host}.` }));
  }
  return out;
}
