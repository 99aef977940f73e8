/** A small glob matcher for config paths: `**` any depth, `*` within one segment, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  const g = glob.replace(/^\.\//, "").replace(/\/$/, "");
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === "*") {
      if (g[i + 1] === "*") {
        i++;
        if (g[i + 1] === "/") {
          i++;
          re += "(?:.*/)?";
        } else if (re.endsWith("/") && i === g.length - 1) {
          // A trailing `dir/**` covers the folder itself too, as `dir` does: `exclude: [dir/**]`
          // must skip a skill at `dir`, and `silence.paths` reads the same pattern the same way.
          re = `${re.slice(0, -1)}(?:/.*)?`;
        } else re += ".*";
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  // A folder pattern also covers everything below it.
  return new RegExp(`^${re}(?:/.*)?$`);
}

export function matchesAny(path: string, globs: string[]): boolean {
  return globs.some((g) => globToRegExp(g).test(path));
}
