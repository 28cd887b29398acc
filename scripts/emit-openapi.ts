// Bundled and run by scripts/generate.mjs: prints the OpenAPI document of the real app as JSON.
import { unstable_readConfig } from "wrangler";
import { createApp } from "../src/app";
import { openApiDocument } from "../src/openapi/document";
import { composeGuides } from "./guides.mjs";

const { vars } = unstable_readConfig({ config: "wrangler.jsonc" });
const version = vars.API_VERSION;
if (typeof version !== "string") throw new Error("wrangler.jsonc has no API_VERSION var");
process.stdout.write(
  `${JSON.stringify(openApiDocument(createApp(), version, composeGuides(process.cwd())), null, 2)}\n`,
);
