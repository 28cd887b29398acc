/**
 * A D1 binding seen through `override`: a property it answers (other than `undefined`) replaces the binding's own,
 * every other one is the binding's (methods bound to it). One proxy per binding per isolate, so the PrismaClient
 * cache (one client per binding object, src/repositories/db.ts) keeps working.
 */
export const bindingProxy = (override: (target: D1Database, property: string | symbol) => unknown) => {
  const proxies = new WeakMap<D1Database, D1Database>();
  return (binding: D1Database): D1Database => {
    let proxy = proxies.get(binding);
    if (!proxy) {
      proxy = new Proxy(binding, {
        get(target, property) {
          const replaced = override(target, property);
          if (replaced !== undefined) return replaced;
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      proxies.set(binding, proxy);
    }
    return proxy;
  };
};
