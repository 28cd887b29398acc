import { AsyncLocalStorage } from "node:async_hooks";
import type { MiddlewareHandler } from "hono";
import { setMetric, timing } from "hono/timing";
import type { AppEnv } from "../env";
import { bindingProxy } from "./binding-proxy";

/** Time spent in D1 by the request being served, and how many statements it ran. */
interface DatabaseTime {
  ms: number;
  statements: number;
}

// The PrismaClient and the D1 binding are shared by concurrent requests: each query is counted
// against the request whose async context runs it.
const currentRequest = new AsyncLocalStorage<DatabaseTime>();

const timed = async <T>(statements: number, call: () => Promise<T>): Promise<T> => {
  const time = currentRequest.getStore();
  if (!time) return call();
  const started = performance.now();
  try {
    return await call();
  } finally {
    time.ms += performance.now() - started;
    time.statements += statements;
  }
};

type Methods = Record<string, (...args: unknown[]) => unknown>;

/** The statement, its runs timed; statements it binds are timed too. Still the real object, so `batch` takes it. */
const timedStatement = (statement: D1PreparedStatement): D1PreparedStatement => {
  const methods = statement as unknown as Methods;
  for (const name of ["first", "all", "run", "raw"]) {
    const run = methods[name]?.bind(statement);
    if (run) methods[name] = (...args) => timed(1, () => run(...args) as Promise<unknown>);
  }
  const bind = methods.bind?.bind(statement);
  if (bind) methods.bind = (...args) => timedStatement(bind(...args) as D1PreparedStatement);
  return statement;
};

/** The binding with every query timed. */
const timedDatabase = bindingProxy((target, property) => {
  if (property === "prepare") return (query: string) => timedStatement(target.prepare(query));
  if (property === "batch") {
    return (statements: D1PreparedStatement[]) => timed(statements.length, () => target.batch(statements));
  }
  if (property === "exec") return (query: string) => timed(1, () => target.exec(query));
  return undefined;
});

/**
 * `Server-Timing` on every response (hono's timing middleware): `db` — the time the request spent
 * waiting on D1 and how many statements it ran — and `total`. For finding where a request's time
 * goes in a browser's network panel or a bench, without a profiler.
 */
export const serverTiming = (): MiddlewareHandler<AppEnv>[] => [
  timing({ totalDescription: "Total" }),
  async (c, next) => {
    c.env = { ...c.env, DB: timedDatabase(c.env.DB) };
    const time: DatabaseTime = { ms: 0, statements: 0 };
    await currentRequest.run(time, next);
    setMetric(c, "db", time.ms, `D1, ${time.statements} ${time.statements === 1 ? "statement" : "statements"}`);
  },
];
