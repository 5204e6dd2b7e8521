/**
 * A regular file with more than one name. Its other name can be anywhere on the same file
 * system — a held-out split, a key under HOME — and nothing on this side says where, so a hard
 * link planted in the archive is refused as a symbolic link leading out of it is.
 */
export function isHardLink(stat: { isFile(): boolean; nlink: number }): boolean {
  return stat.isFile() && stat.nlink > 1;
}

/** Why a hard link is not served, in words the model (and a person reading the log) can act on. */
export function hardLinkRefusal(path: string, names: number): string {
  return `${path} is a hard link (one file with ${names} names, the others possibly outside the archive); the archive serves no hard links, as it follows no link out of it — read the experiment's other files`;
}
