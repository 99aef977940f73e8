import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";

// Fixture repositories for the Action's and the CLI's git-reading tests: temp folders removed after
// the file's tests, `git` with a fixed identity and no user or system config, commits of file maps.

export const GIT_ENV = {
  GIT_AUTHOR_NAME: "Fixture",
  GIT_AUTHOR_EMAIL: "fixture@example.invalid",
  GIT_COMMITTER_NAME: "Fixture",
  GIT_COMMITTER_EMAIL: "fixture@example.invalid",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

export const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, ...GIT_ENV } }).trim();

/** A maker of temp folders named `sq-<label>-<prefix>-…`, all removed after this test file. Call at top level. */
export function tempDirs(label: string): (prefix: string) => string {
  const temps: string[] = [];
  afterAll(() => {
    for (const d of temps) rmSync(d, { recursive: true, force: true });
  });
  return (prefix) => {
    const d = mkdtempSync(join(tmpdir(), `sq-${label}-${prefix}-`));
    temps.push(d);
    return d;
  };
}

/** File contents by path; `null` removes the file. */
export type Files = Record<string, string | Uint8Array | null>;

export function writeFiles(root: string, files: Files): void {
  for (const [p, content] of Object.entries(files)) {
    const full = join(root, p);
    if (content === null) rmSync(full, { force: true });
    else {
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
  }
}

/** Writes `files` into the work tree `dir`, commits everything, returns the commit's sha. */
export function commitFiles(dir: string, files: Files, message = "change"): string {
  writeFiles(dir, files);
  git(dir, "add", "-A");
  git(dir, "-c", "commit.gpgsign=false", "commit", "-q", "--allow-empty", "-m", message);
  return git(dir, "rev-parse", "HEAD");
}

/** A new repository on branch main in `dir`. */
export function gitRepo(dir: string) {
  git(dir, "init", "-q", "-b", "main");
  return { dir, commit: (files: Files, message?: string) => commitFiles(dir, files, message) };
}
