const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const DIRECTORY_ENTRY = 0x02014b50;
const UNIX = 3;
const FILE_TYPE = 0o170000;
const SYMLINK = 0o120000;

/**
 * For each entry of a zip's central directory, in order (the order fflate's `unzipSync` hands
 * entries to its filter): whether it is a symbolic link, as a Unix zip tool records one (mode
 * 120000 in the external attributes). fflate does not expose the attributes, so they are read
 * here. Undefined when the directory cannot be read; the unzip then fails as well.
 */
export function zipLinkFlags(zip: Uint8Array): boolean[] | undefined {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  try {
    const end = findEnd(zip, u32);
    if (end === undefined) return undefined;
    let count = u16(end + 8);
    let at = u32(end + 16);
    if (end >= 20 && u32(end - 20) === ZIP64_LOCATOR) {
      const zip64 = Number(view.getBigUint64(end - 12, true));
      if (u32(zip64) === ZIP64_END) {
        count = Number(view.getBigUint64(zip64 + 32, true));
        at = Number(view.getBigUint64(zip64 + 48, true));
      }
    }
    const links: boolean[] = [];
    for (let i = 0; i < count; i++) {
      if (u32(at) !== DIRECTORY_ENTRY) return undefined;
      const madeBy = u16(at + 4) >> 8;
      const mode = u32(at + 38) >>> 16;
      links.push(madeBy === UNIX && (mode & FILE_TYPE) === SYMLINK);
      at += 46 + u16(at + 28) + u16(at + 30) + u16(at + 32);
    }
    return links;
  } catch {
    // A read past the end: a truncated or corrupt zip.
    return undefined;
  }
}

/** The end-of-central-directory record, searched backwards over a comment of up to 64 KiB. */
function findEnd(zip: Uint8Array, u32: (at: number) => number): number | undefined {
  const last = zip.length - 22;
  for (let at = last; at >= 0 && last - at <= 0xffff; at--) {
    if (u32(at) === END_OF_DIRECTORY) return at;
  }
  return undefined;
}
