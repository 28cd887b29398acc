/**
 * Helpers for the writes that go straight to D1 (`env.DB.batch`), because they must be atomic and
 * Prisma on D1 cannot batch. Rows written here are read back through Prisma, so they use its formats.
 */

/** DateTime as Prisma's D1 adapter stores it (ISO 8601 with `+00:00`), so both kinds of rows sort together. */
export const sqlDate = (date: Date): string => date.toISOString().replace("Z", "+00:00");

const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const ID_LENGTH = 24;

/**
 * A new row id shaped like Prisma's and CUID2's (24 lowercase letters and digits, a letter first),
 * about 119 random bits from the platform's CSPRNG. Hand-written because `@paralleldrive/cuid2`
 * brought 12 KiB gzip (sha3, bignumber.js) to a bundle at its 1 MiB budget for no stronger guarantee.
 */
export const newId = (): string => {
  let id = "";
  while (id.length < ID_LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(32))) {
      const size = id.length === 0 ? 26 : 36;
      // Only bytes below the largest multiple of the alphabet's size, so every character is equally likely.
      if (id.length < ID_LENGTH && byte < 256 - (256 % size)) id += ID_ALPHABET[byte % size];
    }
  }
  return id;
};

/** A SQL fragment with its bound parameters, in the order they appear. */
export interface Sql {
  sql: string;
  params: unknown[];
}

export const sql = (text: string, ...params: unknown[]): Sql => ({ sql: text, params });

/** Every condition must hold. */
export const and = (...parts: Sql[]): Sql => ({
  sql: parts.map((part) => `(${part.sql})`).join(" AND "),
  params: parts.flatMap((part) => part.params),
});

/** `json_set(?, path, expr, …)`: a JSON document built in JS with some members computed by SQL. */
export const jsonWith = (json: unknown, members: Record<string, Sql> = {}): Sql => {
  const entries = Object.entries(members);
  if (entries.length === 0) return sql("json(?)", JSON.stringify(json));
  return {
    sql: `json_set(?, ${entries.map(([path, member]) => `'$.${path}', (${member.sql})`).join(", ")})`,
    params: [JSON.stringify(json), ...entries.flatMap(([, member]) => member.params)],
  };
};

/** True when D1 refused a write on a foreign key (e.g. an attachment's file was deleted meanwhile). */
export const isForeignKeyViolation = (error: unknown): boolean =>
  error instanceof Error && /FOREIGN KEY constraint failed/i.test(error.message);
