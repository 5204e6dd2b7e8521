import type { RefMove } from "../ref-moves.ts";
import type { RefUpdate } from "./github-client.ts";
import type { SessionRefs } from "./session-refs.ts";

/** The object id GraphQL's `updateRefs` reads as "no ref": as `beforeOid` it must not exist, as `afterOid` it is deleted. */
export const NO_OBJECT = "0".repeat(40);

/**
 * A step's ref moves as `updateRefs` entries, one per ref (a later move of a ref replaces its
 * target and keeps the first one's check): the ratchet checked at `from` and fast-forward only,
 * experiment branches set with `force` and no check (each is this session's alone), deletions
 * unchecked. The frontier's branches follow the change of membership, so no listing is needed.
 */
export function refUpdates(refs: SessionRefs, moves: readonly RefMove[]): RefUpdate[] {
  const updates = new Map<string, RefUpdate>();
  const put = (ref: string, update: Omit<RefUpdate, "name">) => {
    const name = `refs/${ref}`;
    const earlier = updates.get(name);
    const beforeOid = earlier === undefined ? update.beforeOid : earlier.beforeOid;
    const force = earlier?.force === true || update.force === true;
    updates.set(name, {
      name,
      afterOid: update.afterOid,
      ...(beforeOid === undefined ? {} : { beforeOid }),
      ...(force ? { force } : {}),
    });
  };
  for (const move of moves) {
    switch (move.type) {
      case "ratchet":
        put(refs.ratchet, { beforeOid: move.from, afterOid: move.to });
        break;
      case "experiment":
        put(refs.experiment(move.experiment), { afterOid: move.sha, force: true });
        break;
      case "drop":
        put(refs.experiment(move.experiment), { afterOid: NO_OBJECT });
        break;
      case "frontier": {
        const staying = new Set(move.after.map((m) => m.experiment));
        for (const m of move.before)
          if (!staying.has(m.experiment)) put(refs.frontier(m.experiment), { afterOid: NO_OBJECT });
        const had = new Set(move.before.map((m) => `${m.experiment}:${m.sha}`));
        for (const m of move.after)
          if (!had.has(`${m.experiment}:${m.sha}`))
            put(refs.frontier(m.experiment), { afterOid: m.sha, force: true });
      }
    }
  }
  return [...updates.values()];
}
