// `npm run agent`: the example agent (./agent.ts) with its settings from the environment.
import { startAgent } from "./agent";

const required = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name} (see docs/build-an-agent.md)`);
  return value;
};

const agent = await startAgent({
  apiUrl: process.env.API_URL ?? "http://localhost:8787",
  apiKey: required("API_KEY"),
  secret: required("WEBHOOK_SECRET"),
  port: Number(process.env.PORT ?? 8788),
});
console.log(`the agent listens on ${agent.url}/webhooks`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void agent.stop().then(() => process.exit(0)));
}
