import { Prisma } from "../generated/prisma/client";

/** True when a write failed on a unique constraint (Prisma P2002), e.g. a taken email. */
export const isUniqueViolation = (error: unknown): boolean =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
