// Builds the chat page offline with esbuild (React, @ai-sdk/react and ai from node_modules): its HTML and one
// script. `node examples/chat-page/serve.mjs` serves them; the e2e suite drives them in Chromium.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const here = import.meta.dirname;

export const buildChatPage = async () => {
  const result = await build({
    entryPoints: [join(here, "app.tsx")],
    bundle: true,
    write: false,
    format: "esm",
    target: "es2022",
    jsx: "automatic",
    minify: true,
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  });
  const [script] = result.outputFiles;
  if (!script) throw new Error("esbuild produced no script");
  return { html: readFileSync(join(here, "index.html"), "utf8"), js: script.text };
};
