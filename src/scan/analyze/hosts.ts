import LinkifyIt from "linkify-it";
import { parse as parseHost } from "tldts";
import type { DomainData } from "../ruleset.js";

// Hosts and the URLs that name them: where an address points and what kind of place that is. Shared
// by the URL detector (urls.ts), provenance (provenance.ts) and the text rules; it judges nothing.

// Only URLs with a scheme: fuzzy matching would read "SKILL.md" as a link to Moldova.
const linkify = new LinkifyIt().set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });

export interface FoundUrl {
  url: string;
  host: string;
  index: number;
  length: number;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

export function hostOf(url: string): string | undefined {
  try {
    const h = new URL(url).hostname.toLowerCase();
    return h.startsWith("[") ? h.slice(1, -1) : h;
  } catch {
    return undefined;
  }
}

/**
 * URLs with a scheme. linkify-it runs only on the lines that hold "://": its Unicode-aware regexes
 * are the costliest part of URL extraction, and most lines of a skill have no URL at all.
 */
export function findUrls(text: string): FoundUrl[] {
  const out: FoundUrl[] = [];
  let at = text.indexOf("://");
  while (at !== -1) {
    const start = text.lastIndexOf("\n", at) + 1;
    let end = text.indexOf("\n", at);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    for (const m of linkify.match(line) ?? []) {
      if (m.schema && !/^(https?|ftp|wss?):?$/i.test(m.schema.replace(/\/\//, ""))) continue;
      const host = hostOf(m.url);
      if (host) out.push({ url: m.url, host, index: start + m.index, length: m.lastIndex - m.index });
    }
    at = text.indexOf("://", end);
  }
  return out;
}

export function hostsIn(text: string): string[] {
  return [...new Set(findUrls(text).map((u) => u.host))];
}

export function hostMatches(host: string, entry: string): boolean {
  const e = entry.startsWith("*.") ? entry.slice(2) : entry;
  return host === e || host.endsWith(`.${e}`);
}

/** Placeholder and local hosts say nothing about where data goes. */
export function isPlaceholderHost(host: string): boolean {
  if (/[{}$<>%]/.test(host) || (!host.includes(".") && !host.includes(":"))) return true;
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local")) return true;
  if (/^(example\.(com|org|net)|.*\.example\.(com|org|net))$/.test(host)) return true;
  if (host.endsWith(".invalid") || host.endsWith(".test")) return true;
  if (IPV4.test(host)) {
    const [a, b] = host.split(".").map(Number) as [number, number];
    // 169.254/16 is link-local: the cloud metadata service every security guide names, not a server.
    return (
      a === 127 ||
      a === 10 ||
      a === 0 ||
      (a === 192 && b === 168) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 169 && b === 254)
    );
  }
  return host === "::1";
}

/**
 * Names that reach no server of anyone else: in-cluster and internal names (`*.svc`,
 * `*.cluster.local`, `redis.default`, `*.internal`), whose last label is no public suffix, and
 * stand-ins written where the reader puts their own (`yourdomain.com`, `your-webhook-url.com`,
 * `api.company.com`). They are listed in `hosts` but never a finding.
 */
export function isStandInHost(host: string, d: DomainData): boolean {
  if (IPV4.test(host) || host.includes(":")) return false;
  const p = parseHost(host, { allowPrivateDomains: true });
  // `.example` names are kept: defanged samples and our fixtures write them for real servers.
  if (!p.isIcann && !p.isPrivate && !host.endsWith(".onion") && !host.endsWith(".example")) return true;
  const label = p.domainWithoutSuffix ?? "";
  if (/^(?:your|our)[-_]?[a-z0-9-]*$/.test(label)) return true;
  // Security guides' stand-ins for the system under test: target-app.com, victim-site.com, evil.com.
  if (/^(?:target|victim|attacker|evil)(?:-[a-z0-9]+)?$/.test(label)) return true;
  if (
    /^my[-_]?(own[-_]?)?(domain|site|server|company|app|api|host|org|service|website|project|bucket|webhook)s?(-|$)/.test(
      label,
    )
  )
    return true;
  return p.domain !== null && d.placeholders.includes(p.domain);
}

export type HostClass = "ip" | "shortener" | "paste" | "tunnel" | "webhook" | "request-bin" | "file-locker";

// A host whose own name says "paste" or "webhook" is used as one, whatever the list knows.
const LABEL_HINTS: [RegExp, HostClass][] = [
  [/(^|[.-])paste(bin)?([.-]|$)/, "paste"],
  [/(^|[.-])(web)?hooks?([.-]|$)/, "webhook"],
  [/(^|[.-])(request-?bin|oast|interactsh)([.-]|$)/, "request-bin"],
  [/(^|[.-])(ngrok|tunnel)([.-]|$)/, "tunnel"],
];

export function classifyHost(url: string, host: string, d: DomainData): HostClass | undefined {
  if (IPV4.test(host) || host.includes(":")) return "ip";
  const withPath =
    host +
    (() => {
      try {
        return new URL(url).pathname;
      } catch {
        return "";
      }
    })();
  const inList = (list: string[]) =>
    list.some((e) =>
      e.includes("/") ? withPath.startsWith(e) || withPath.includes(`.${e}`) : hostMatches(host, e),
    );
  if (inList(d.webhooks)) return "webhook";
  if (inList(d.requestBins)) return "request-bin";
  if (inList(d.paste)) return "paste";
  if (inList(d.tunnels)) return "tunnel";
  if (inList(d.shorteners)) return "shortener";
  if (inList(d.fileLockers)) return "file-locker";
  for (const [re, cls] of LABEL_HINTS) if (re.test(host)) return cls;
  return undefined;
}

export const CLASS_WORDS: Record<HostClass, string> = {
  ip: "a raw IP address instead of a named server",
  shortener: "a link shortener that hides the real destination",
  paste: "a paste site, where anyone can post code anonymously",
  tunnel: "a tunnelling service that exposes someone's own machine",
  webhook: "a chat or webhook endpoint that receives data",
  "request-bin": "a request-capture service used to collect stolen data",
  "file-locker": "an anonymous file-sharing service, where anyone can upload a file",
};
