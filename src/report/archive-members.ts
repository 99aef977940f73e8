// A finding inside an archive the skill ships names its file `kit.tar.gz!/src/install.sh` (the core
// reads archives in memory). That path is no file of the repository: GitHub's annotations and code
// scanning place a result only on a real file. Surfaces put it on the archive itself, line 1, and
// say where inside it is.

export interface SurfaceLocation {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  /** "In src/install.sh, line 3, inside this archive: " — empty for a file on disk. */
  prefix: string;
}

export function surfaceLocation(
  file: string,
  line: number,
  column: number,
  endLine?: number,
): SurfaceLocation {
  const at = file.indexOf("!/");
  if (at < 0) return { file, line, column, ...(endLine !== undefined ? { endLine } : {}), prefix: "" };
  return {
    file: file.slice(0, at),
    line: 1,
    column: 1,
    prefix: `In ${file.slice(at + 2)}, line ${Math.max(1, line)}, inside this archive: `,
  };
}
