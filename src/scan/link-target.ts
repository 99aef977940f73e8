/**
 * Where a link found in folder `linkDir` points, relative to the root it must stay in (a skill's
 * folder, an archive's root), or undefined when it leaves it: an absolute path (`/x`, `\x`, `C:`), a
 * home path (`~`) or more `..` than there are folders above it. Used for symlinks on disk and links
 * inside archives alike.
 */
export function linkTargetInside(linkDir: string, target: string): string | undefined {
  if (/^(?:[\\/]|[A-Za-z]:|~)/.test(target)) return undefined;
  const stack = linkDir === "" ? [] : linkDir.split("/");
  for (const p of target.split(/[\\/]/)) {
    if (p === "" || p === ".") continue;
    if (p === "..") {
      if (stack.length === 0) return undefined;
      stack.pop();
    } else stack.push(p);
  }
  return stack.join("/");
}
