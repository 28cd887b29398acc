import { PrismaD1 } from "@prisma/adapter-d1";
import { PrismaClient } from "../generated/prisma/client";

/**
 * One PrismaClient per D1 binding per isolate: building a client is far costlier than a query,
 * and the binding object lives as long as the isolate does.
 *
 * Because the client is shared by concurrent requests, repositories use `findFirst`, never
 * `findUnique`: Prisma batches concurrent `findUnique` calls into one query whose promise belongs to
 * the request that started it, and Workers never resolves it for another request (that request
 * hangs). test/integration/concurrency.test.ts guards this.
 */
const clients = new WeakMap<D1Database, PrismaClient>();

export const getDb = (binding: D1Database): PrismaClient => {
  let client = clients.get(binding);
  if (!client) {
    client = new PrismaClient({ adapter: new PrismaD1(binding) });
    clients.set(binding, client);
  }
  return client;
};

export type Db = PrismaClient;

/** What a repository works with: Prisma for reads and simple writes, the binding for atomic batches and raw SQL. */
export interface Store {
  db: Db;
  d1: D1Database;
}
