/**
 * Server-sent event frames (WHATWG HTML §9.2): `id:`, `event:` and `data:` lines ended by a blank
 * line. Data is one line of JSON, which never contains a raw newline.
 */
const encoder = new TextEncoder();

export const eventFrame = (id: number | null, event: string, data: unknown) =>
  encoder.encode(`${id === null ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

export const retryFrame = (ms: number) => encoder.encode(`retry: ${ms}\n\n`);

/** A comment: ignored by clients, keeps intermediaries from closing an idle connection. */
export const commentFrame = (text: string) => encoder.encode(`: ${text}\n\n`);
