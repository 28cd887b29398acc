/**
 * JSON Merge Patch (RFC 7396, section 2): members of the patch replace the target's, `null` removes
 * one, objects merge recursively, anything else replaces the whole target. Returns a new value and
 * never touches `target`. Hand-written rather than `json-merge-patch` because that package stops
 * applying a patch, silently and half-way, at a `__proto__`, `constructor` or `prototype` member;
 * here such names are plain data (`Object.fromEntries` defines own properties, never prototypes).
 */
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const applyMergePatch = (target: unknown, patch: unknown): unknown => {
  if (!isObject(patch)) return patch;
  const members = new Map(Object.entries(isObject(target) ? target : {}));
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) members.delete(name);
    else members.set(name, applyMergePatch(members.get(name), value));
  }
  return Object.fromEntries(members);
};
