// Checks a release tag against the repository and writes the release notes (release.yml runs it).
//   npx tsx scripts/release-check.ts v1.2.3 [--notes <file>]
// Fails (exit 1, one line) when the tag is not vX.Y.Z, when package.json's version or the scanner's
// VERSION differ from it, or when CHANGELOG.md has no non-empty "## [X.Y.Z]" section: a release
// whose npm version, reported version and notes disagree cannot be taken back from npm.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const TAG_PATTERN = /^v(\d+)\.(\d+)\.(\d+)$/;

/** The body of CHANGELOG.md's `## [version]` section (up to the next `## ` heading), trimmed. */
export function changelogSection(changelog: string, version: string): string | undefined {
  const lines = changelog.split(/\r?\n/);
  const head = `## [${version}]`;
  const start = lines.findIndex((l) => l === head || l.startsWith(`${head} `));
  if (start < 0) return undefined;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => l.startsWith("## "));
  const body = (end < 0 ? rest : rest.slice(0, end)).join("\n").trim();
  // Link references ("[1.2.3]: https://…") at the end of the file belong to no section.
  return body.replace(/(?:\n|^)\[[^\]]+\]: \S+\s*$/g, "").trim() || undefined;
}

export interface ReleaseFiles {
  packageJson: string;
  scannerSource: string;
  changelog: string;
}

/** Checks the tag against the files; returns the release notes or throws with what to fix. */
export function checkRelease(
  tag: string,
  files: ReleaseFiles,
): { version: string; major: string; notes: string } {
  const m = TAG_PATTERN.exec(tag);
  if (!m) throw new Error(`tag "${tag}" is not vX.Y.Z (e.g. v1.2.3)`);
  const version = tag.slice(1);
  const pkg = JSON.parse(files.packageJson) as { version?: string };
  if (pkg.version !== version)
    throw new Error(
      `package.json: field "version" is ${pkg.version}, the tag says ${version}; set it and retag`,
    );
  const declared = /export const VERSION = "([^"]+)"/.exec(files.scannerSource)?.[1];
  if (declared !== version)
    throw new Error(`src/scan/index.ts: VERSION is ${declared}, the tag says ${version}; set it and retag`);
  const notes = changelogSection(files.changelog, version);
  if (!notes)
    throw new Error(
      `CHANGELOG.md: no "## [${version}]" section with entries; move the Unreleased entries under it`,
    );
  return { version, major: `v${m[1]}`, notes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(import.meta.url), "..", "..");
  const [tag = "", flag, notesFile] = process.argv.slice(2);
  try {
    const r = checkRelease(tag, {
      packageJson: readFileSync(join(root, "package.json"), "utf8"),
      scannerSource: readFileSync(join(root, "src", "scan", "index.ts"), "utf8"),
      changelog: readFileSync(join(root, "CHANGELOG.md"), "utf8"),
    });
    if (flag === "--notes" && notesFile) writeFileSync(notesFile, `${r.notes}\n`);
    process.stdout.write(
      `release ${tag}: versions agree, notes ${r.notes.length} characters, major tag ${r.major}\n`,
    );
  } catch (err) {
    process.stderr.write(`release-check: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
