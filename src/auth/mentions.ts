import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../http/api-error";
import { repositories } from "../repositories";
import { type MentionAt, mentionedUsers } from "../schemas/blocks/mentions";

/** Most users one message mentions. */
export const MAX_MENTIONED_USERS = 50;

const where = (mention: MentionAt) => (mention.offset === undefined ? "" : ` at offset ${mention.offset} of the text`);

/**
 * The users a message may mention: existing users who can see its thread — the thread's owner, and admins (who
 * see every thread). Answers their ids, in order of first mention; else a 400 naming where each refused mention
 * was written, so nobody is told of a thread they cannot open.
 */
export const checkedMentions = async (
  c: Context<AppEnv>,
  thread: { ownerId: string },
  mentions: MentionAt[],
): Promise<string[]> => {
  const users = mentionedUsers(mentions);
  if (users.length === 0) return [];
  if (users.length > MAX_MENTIONED_USERS) {
    throw new ApiError("validation-error", `A message mentions at most ${MAX_MENTIONED_USERS} users.`, {
      errors: [
        {
          path: mentions[0]?.path ?? "body.text",
          message: `${users.length} users are mentioned; at most ${MAX_MENTIONED_USERS}`,
          code: "too_many_mentions",
        },
      ],
    });
  }
  const roles = await repositories(c).users.rolesOf(users);
  const refused = mentions.flatMap((mention) => {
    const role = roles.get(mention.userId);
    if (role === undefined) {
      return [
        { path: mention.path, message: `<@${mention.userId}>${where(mention)} is no user`, code: "unknown_user" },
      ];
    }
    if (mention.userId !== thread.ownerId && role !== "ADMIN") {
      return [
        {
          path: mention.path,
          message: `<@${mention.userId}>${where(mention)} cannot see this thread`,
          code: "user_out_of_reach",
        },
      ];
    }
    return [];
  });
  if (refused.length > 0) {
    throw new ApiError(
      "validation-error",
      `${refused.length} mention${refused.length === 1 ? " is" : "s are"} not of users who can see this thread.`,
      { errors: refused },
    );
  }
  return users;
};
