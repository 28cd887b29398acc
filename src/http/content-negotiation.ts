import { ApiError } from "./api-error";

// Not hono/accepts: it answers its default both for `*/*` and when nothing matches, so it cannot tell a client that
// accepts none of the offered types (406) from one that accepts anything.

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

/** `Accept`'s media ranges with their weights (RFC 9110 §12.5.1); malformed entries are skipped. */
const mediaRanges = (accept: string): MediaRange[] =>
  accept.split(",").flatMap((entry) => {
    const [range = "", ...parameters] = entry.split(";").map((part) => part.trim().toLowerCase());
    const [type, subtype] = range.split("/");
    if (!type || !subtype) return [];
    const weight = parameters.find((parameter) => parameter.startsWith("q="));
    const q = weight === undefined ? 1 : Number(weight.slice(2));
    return Number.isFinite(q) ? [{ type, subtype, q }] : [];
  });

/** The weight `ranges` give `mediaType`: that of the most specific range matching it, 0 when none does. */
const weightOf = (ranges: MediaRange[], mediaType: string) => {
  const [type, subtype] = mediaType.split("/");
  const specificity = (range: MediaRange) =>
    range.type === type && range.subtype === subtype
      ? 3
      : range.type === type && range.subtype === "*"
        ? 2
        : range.type === "*" && range.subtype === "*"
          ? 1
          : 0;
  const best = ranges.reduce<MediaRange | null>(
    (found, range) =>
      specificity(range) > 0 && (found === null || specificity(range) > specificity(found)) ? range : found,
    null,
  );
  return best?.q ?? 0;
};

/**
 * Which of `offered` (best first: ties go to the earlier) the request's `Accept` prefers; the first when
 * it sends none. Allowing none of them is a 406 `not-acceptable`.
 */
export const negotiate = <T extends string>(accept: string | undefined, offered: readonly [T, ...T[]]): T => {
  if (accept === undefined || accept.trim() === "") return offered[0];
  const ranges = mediaRanges(accept);
  let chosen: T | null = null;
  let chosenWeight = 0;
  for (const mediaType of offered) {
    const weight = weightOf(ranges, mediaType);
    if (weight > chosenWeight) {
      chosen = mediaType;
      chosenWeight = weight;
    }
  }
  if (chosen === null) {
    throw new ApiError(
      "not-acceptable",
      `This operation answers ${offered.join(" or ")}; send one of them (or */*) in Accept.`,
    );
  }
  return chosen;
};
