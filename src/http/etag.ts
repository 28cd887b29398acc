/**
 * Strong ETags. Most resources have a version number (a counter such as a thread's last event seq,
 * or `updated_at` in milliseconds), written in base 36: cheap to compute, and an If-Match value can
 * be turned back into the version an update must still find. Resources without one number behind
 * their whole representation (a message's reactions say whether *you* reacted) hash it instead. A
 * representation that also depends on its reader's own counter (a thread's unread count on their read mark)
 * carries it after a dash: `"<version>-<reader's>"`; If-Match pins the version only.
 */
export const etagFor = (version: number | Date, reader?: number): string =>
  `"${(typeof version === "number" ? version : version.getTime()).toString(36)}${reader === undefined ? "" : `-${reader.toString(36)}`}"`;

/** A strong ETag of a representation: the first 56 bits of the SHA-256 of its JSON, in hex. */
export const etagOfRepresentation = async (data: unknown): Promise<string> => {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(data)));
  const hex = [...new Uint8Array(digest, 0, 7)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `"${hex}"`;
};

const tags = (header: string) => header.split(",").map((tag) => tag.trim().replace(/^W\//, ""));

/** If-None-Match: weak comparison, `*` matches anything. */
export const matchesIfNoneMatch = (header: string | undefined, etag: string): boolean =>
  header !== undefined && tags(header).some((tag) => tag === "*" || tag === etag);

/** If-Match: strong comparison, `*` matches any current representation. */
export const matchesIfMatch = (header: string, etag: string): boolean =>
  header
    .split(",")
    .map((tag) => tag.trim())
    .some((tag) => tag === "*" || tag === etag);

/**
 * The version an If-Match header pins the update to: `undefined` when there is no header or it is
 * `*` (any current version), `null` when it names no version we could have issued.
 */
export const versionFromIfMatch = (header: string | undefined): number | null | undefined => {
  if (header === undefined || header.trim() === "*") return undefined;
  const match = /^"([0-9a-z]{1,12})(?:-[0-9a-z]{1,12})?"$/.exec(header.trim());
  return match?.[1] ? Number.parseInt(match[1], 36) : null;
};
