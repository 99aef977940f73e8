import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { type CompiledRule, compileRuleFiles, RuleError } from "./rules/compile.js";

// Everything the core knows besides the code: detection rules, the host lists and the blocklist.
// All of it is data in rules/; the caller reads the files, the core only parses them.

const hostList = z.array(z.string().trim().toLowerCase().min(1)).default([]);

export const domainsSchema = z
  .object({
    description: z.string().optional(),
    allow: hostList,
    shorteners: hostList,
    paste: hostList,
    tunnels: hostList,
    webhooks: hostList,
    requestBins: hostList,
    sharedHosts: hostList,
    officialOwners: hostList,
    installers: hostList,
    fileLockers: hostList,
    placeholders: hostList,
    abusedTlds: hostList,
  })
  .strict();
export type DomainData = z.output<typeof domainsSchema>;

export const blocklistSchema = z
  .object({
    description: z.string().optional(),
    sha256: z.array(z.string().regex(/^[a-f0-9]{64}$/i)).default([]),
    domains: hostList,
    ips: hostList,
    authors: hostList,
  })
  .strict();
export type BlocklistData = z.output<typeof blocklistSchema>;

const nameList = z.array(z.string().trim().toLowerCase().min(1)).default([]);

export const impersonationSchema = z
  .object({
    description: z.string().optional(),
    owners: nameList,
    brands: nameList,
    weakBrands: nameList,
    filler: nameList,
    names: nameList,
  })
  .strict();
export type ImpersonationData = z.output<typeof impersonationSchema>;

export interface RuleSet {
  rules: CompiledRule[];
  domains: DomainData;
  blocklist: BlocklistData;
  /** Protected skill names and brands (rules/impersonation.yml); absent in rule sets built by hand. */
  impersonation?: ImpersonationData;
}

export const DATA_FILES = {
  domains: "domains.yml",
  blocklist: "blocklist.yml",
  impersonation: "impersonation.yml",
} as const;

function parseData<T>(schema: z.ZodType<T>, file: string, text: string): T {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 50 });
  } catch (err) {
    throw new RuleError(`${file}: not valid YAML (${(err as Error).message.split("\n")[0]})`);
  }
  const r = schema.safeParse(doc);
  if (!r.success) {
    throw new RuleError(
      `${file}: ${r.error.issues.map((i) => `field "${i.path.join(".")}": ${i.message}`).join("; ")}`,
    );
  }
  return r.data;
}

const base = (file: string) => file.slice(Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\")) + 1);

/** Builds a RuleSet from the texts of the files in a rules folder. */
export function buildRuleSet(files: { file: string; text: string }[]): RuleSet {
  let domains: DomainData = domainsSchema.parse({});
  let blocklist: BlocklistData = blocklistSchema.parse({});
  let impersonation: ImpersonationData = impersonationSchema.parse({});
  const ruleFiles: { file: string; text: string }[] = [];
  for (const f of files) {
    const name = base(f.file);
    if (name === DATA_FILES.domains) domains = parseData(domainsSchema, f.file, f.text);
    else if (name === DATA_FILES.blocklist) blocklist = parseData(blocklistSchema, f.file, f.text);
    else if (name === DATA_FILES.impersonation)
      impersonation = parseData(impersonationSchema, f.file, f.text);
    else ruleFiles.push(f);
  }
  return { rules: compileRuleFiles(ruleFiles), domains, blocklist, impersonation };
}
