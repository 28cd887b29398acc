/**
 * The users a message mentions, as Slack writes them: `<@USER_ID>` (or `<@USER_ID|label>`) in its `text`, and
 * `user` elements anywhere inside its rich-text blocks. Each with where it was written, so a refusal can name it.
 */
export interface MentionAt {
  userId: string;
  /** The request body's member that holds it: `<base>.text`, or the element's `user_id` in `<base>.blocks…`. */
  path: string;
  /** In `text`: where `<@` starts, in UTF-16 code units (as JavaScript counts). */
  offset?: number;
}

const IN_TEXT = /<@([^>|\s]+)(?:\|[^>]*)?>/g;

const inText = (text: string, base: string): MentionAt[] =>
  [...text.matchAll(IN_TEXT)].map((match) => ({ userId: match[1] ?? "", path: `${base}.text`, offset: match.index }));

/** `user` elements under a rich-text block's element tree (sections, lists, quotes, preformatted). */
const inElements = (node: unknown, path: string): MentionAt[] => {
  if (Array.isArray(node)) return node.flatMap((child, i) => inElements(child, `${path}.${i}`));
  if (typeof node !== "object" || node === null) return [];
  const element = node as { type?: unknown; user_id?: unknown; elements?: unknown };
  if (element.type === "user" && typeof element.user_id === "string") {
    return [{ userId: element.user_id, path: `${path}.user_id` }];
  }
  return element.elements === undefined ? [] : inElements(element.elements, `${path}.elements`);
};

const inBlocks = (blocks: readonly unknown[], base: string): MentionAt[] =>
  blocks.flatMap((block, i) =>
    (block as { type?: unknown }).type === "rich_text"
      ? inElements((block as { elements?: unknown }).elements, `${base}.blocks.${i}.elements`)
      : [],
  );

/** Every mention in a message's content (the request body's member `base`), text first, in order of writing. */
export const mentionsIn = (
  content: { text?: string; blocks?: readonly unknown[] | null },
  base = "body",
): MentionAt[] => [
  ...(content.text === undefined ? [] : inText(content.text, base)),
  ...(content.blocks ? inBlocks(content.blocks, base) : []),
];

/** The distinct users mentioned, in order of first mention. */
export const mentionedUsers = (mentions: MentionAt[]): string[] => [
  ...new Set(mentions.map((mention) => mention.userId)),
];
