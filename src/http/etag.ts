/**
 * Strong ETags derived from a resource's `updated_at` (milliseconds, base 36): cheap to compute,
 * and an If-Match value can be turned back into the timestamp an update must still find.
 */
export const etagFor = (updatedAt: Date): string => `"${updatedAt.getTime().toString(36)}"`;

const tags = (header: string) => header.split(",").map((tag) => tag.trim().replace(/^W\//, ""));

/** If-None-Match: weak comparison, `*` matches anything. */
export const matchesIfNoneMatch = (header: string | undefined, etag: string): boolean =>
  header !== undefined && tags(header).some((tag) => tag === "*" || tag === etag);

/**
 * The `updated_at` an If-Match header pins the update to: `undefined` when there is no header or it
 * is `*` (any current version), `null` when it names no version we could have issued.
 */
export const versionFromIfMatch = (header: string | undefined): Date | null | undefined => {
  if (header === undefined || header.trim() === "*") return undefined;
  const match = /^"([0-9a-z]{1,12})"$/.exec(header.trim());
  return match?.[1] ? new Date(Number.parseInt(match[1], 36)) : null;
};
