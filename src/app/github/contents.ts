import type { ProbotOctokit } from "probot";
import type { RepoRef } from "../../appeals/repo-ref.js";

// Files of a repository: one file by its path (the operator's policy), or a whole commit as one
// tarball (`GET /repos/{owner}/{repo}/tarball/{sha}`), never file by file.

type Octokit = ProbotOctokit;

/** What GitHub's contents API answers for `path`: a file (base64 content), a folder, a link… */
export async function readContent(octokit: Octokit, repo: RepoRef, path: string): Promise<unknown> {
  const { data } = await octokit.rest.repos.getContent({ owner: repo.owner, repo: repo.repo, path });
  return data;
}

/**
 * The tarball of commit `sha` as a stream, with the size GitHub declares for it (when it does).
 * parseSuccessResponseBody: false hands over the body as a stream, so the reader's size limits apply
 * while downloading instead of after Octokit has buffered the whole archive. Redirects to codeload
 * are followed by fetch; retries (5xx) and rate limits are Octokit's plugins' job.
 */
export async function downloadTarball(
  octokit: Octokit,
  repo: RepoRef,
  sha: string,
  signal?: AbortSignal,
): Promise<{ stream: ReadableStream<Uint8Array>; declaredBytes: number | undefined }> {
  const res = await octokit.rest.repos.downloadTarballArchive({
    owner: repo.owner,
    repo: repo.repo,
    ref: sha,
    // The run's deadline aborts a download that hangs (request and body alike).
    request: { parseSuccessResponseBody: false, ...(signal ? { signal } : {}) },
  });
  const length = Number(res.headers["content-length"]);
  return {
    stream: res.data as ReadableStream<Uint8Array>,
    declaredBytes: Number.isFinite(length) && length > 0 ? length : undefined,
  };
}
