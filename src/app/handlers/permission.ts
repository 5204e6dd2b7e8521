import { z } from "zod";
import type { IssueApi } from "./issue-api.ts";
import { statusOf } from "./issue-api.ts";

/** The roles that may command autoopt: those that can push to the repository. */
export const COMMANDING_ROLES = ["write", "maintain", "admin"] as const;

// `permission` folds the five built-in roles into admin|write|read|none (maintain → write,
// triage → read); `role_name` keeps the role itself, or a custom role's name.
const PermissionLevel = z.looseObject({
  permission: z.string(),
  role_name: z.string().optional(),
});

const KNOWN_ROLES = new Set(["admin", "maintain", "write", "triage", "read", "none"]);

export interface Access {
  allowed: boolean;
  /** The role to name in a refusal, e.g. `read` or `triage`. */
  role: string;
}

/**
 * The commenter's access to the repository, from getCollaboratorPermissionLevel. The comment's
 * `author_association` is not used: it says how someone relates to the repository (e.g.
 * CONTRIBUTOR), not what they may do in it, and a team grant does not show in it at all.
 */
export async function accessOf(
  api: IssueApi,
  at: { owner: string; repo: string },
  username: string,
): Promise<Access> {
  let data: unknown;
  try {
    const params = { owner: at.owner, repo: at.repo, username };
    ({ data } = await api.rest.repos.getCollaboratorPermissionLevel(params));
  } catch (error) {
    // GitHub answers 404 for an account it does not know as a user of this repository.
    if (statusOf(error) === 404) return { allowed: false, role: "none" };
    throw error;
  }
  const level = PermissionLevel.parse(data);
  const role = level.role_name;
  if (role !== undefined && KNOWN_ROLES.has(role)) {
    return { allowed: COMMANDING_ROLES.some((r) => r === role), role };
  }
  // A custom role (or none reported): judge by the built-in permission it is based on.
  return {
    allowed: level.permission === "admin" || level.permission === "write",
    role: role ?? level.permission,
  };
}
