import type { Manifest } from "../types.js";
import { FIX, KNOWN_KEYS, manifestFields, splitAllowedTools } from "./schema.js";

export interface ManifestProblem {
  field: string;
  message: string;
  fix: string;
  /** Required-field problems lower the level (LOW_QUALITY); the rest are notices. */
  required: boolean;
}

/** Validates a parsed frontmatter mapping against the spec; never throws. */
export function validateManifest(
  data: Record<string, unknown> | null,
  folderName: string,
): { manifest: Manifest; problems: ManifestProblem[] } {
  const problems: ManifestProblem[] = [];
  const manifest: Manifest = { unknownKeys: [], raw: data };
  if (!data) return { manifest, problems };

  for (const field of ["name", "description"] as const) {
    if (data[field] === undefined || data[field] === null) {
      problems.push({
        field,
        message: `required field \`${field}\` is missing`,
        fix: FIX[field]!,
        required: true,
      });
      continue;
    }
    const r = manifestFields[field].safeParse(data[field]);
    if (!r.success) {
      problems.push({
        field,
        message: `\`${field}\` ${r.error.issues[0]?.message ?? "is invalid"}`,
        fix: FIX[field]!,
        required: true,
      });
    } else manifest[field] = r.data;
  }
  if (manifest.name !== undefined && folderName && manifest.name !== folderName) {
    problems.push({
      field: "name",
      message: `\`name\` is "${manifest.name}" but the folder is "${folderName}"; the spec requires them to be equal`,
      fix: "rename the folder or change `name:` so both are the same",
      required: true,
    });
  }

  for (const field of ["license", "compatibility", "metadata", "allowed-tools"] as const) {
    if (data[field] === undefined || data[field] === null) continue;
    const r = manifestFields[field].safeParse(data[field]);
    if (!r.success) {
      problems.push({
        field,
        message: `\`${field}\` ${r.error.issues[0]?.message ?? "is invalid"}`,
        fix: FIX[field]!,
        required: false,
      });
      continue;
    }
    if (field === "license") manifest.license = r.data as string;
    if (field === "compatibility") manifest.compatibility = r.data as string;
    if (field === "metadata") manifest.metadata = r.data as Record<string, string>;
    if (field === "allowed-tools") manifest.allowedTools = splitAllowedTools(r.data as string | string[]);
  }

  manifest.unknownKeys = Object.keys(data).filter((k) => !KNOWN_KEYS.has(k));
  return { manifest, problems };
}
