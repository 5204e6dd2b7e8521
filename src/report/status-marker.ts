/**
 * The hidden first line of a session's status comment. The App finds its comment by this
 * marker and edits it in place, rather than keeping the comment's id anywhere: the App is
 * stateless, and the issue itself is the record. The session name is percent-encoded so that
 * no name can close the HTML comment early.
 */
export function statusMarker(session: string): string {
  return `<!-- autoopt:session=${encodeURIComponent(session)} -->`;
}

/**
 * The session a comment body is the status of, or undefined when it does not start with the
 * marker. Only the start counts: that is where the App writes it, and a marker quoted further
 * down someone else's comment must not make that comment look like ours.
 */
export function findStatusMarker(body: string): string | undefined {
  const encoded = /^\s*<!-- autoopt:session=(\S*) -->/.exec(body)?.[1];
  if (encoded === undefined) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}
