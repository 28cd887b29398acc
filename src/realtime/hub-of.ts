import type { LogHub } from "./log-hub";

/**
 * The hub of one log. env.ts sits below the hubs, so it declares their namespaces untyped: this is the one place
 * that gives them their class.
 */
export const logHubOf = <Hub extends LogHub = LogHub>(namespace: DurableObjectNamespace, logId: string) => {
  const typed = namespace as unknown as DurableObjectNamespace<Hub>;
  return typed.get(typed.idFromName(logId));
};
