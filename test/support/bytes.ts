/** SHA-256 of the bytes, lowercase hex (what the API answers as `sha256`). */
export const sha256Hex = async (bytes: Uint8Array) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");

/** Random bytes of any length (getRandomValues fills at most 64 KiB at a time). */
export const randomBytes = (length: number) => {
  const bytes = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += 65_536)
    crypto.getRandomValues(bytes.subarray(offset, offset + 65_536));
  return bytes;
};
