// `prisma generate` offline. Prisma's CLI insists on having a schema-engine binary, which it would
// download; generating the client never runs it, so any existing executable satisfies the check
// (the schema engine's real work, migration SQL, is done by scripts/migrations.mjs with the wasm engine).
//
// Then the schema the client embeds (`inlineSchema`, which its query compiler parses at start-up) loses its
// comments: they document prisma/schema.prisma for its readers and mean nothing to the compiler, but were
// 3 KiB of the worker's gzipped bundle, whose budget is 1 MiB.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
execFileSync(process.execPath, [join(root, "node_modules", "prisma", "build", "index.js"), "generate"], {
  cwd: root,
  stdio: "inherit",
  env: { PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
});

/** A line of Prisma schema without its `//` or `///` comment (a `//` inside a string literal stays). */
const withoutComment = (line) => {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\\" && inString) i++;
    else if (line[i] === '"') inString = !inString;
    else if (!inString && line.startsWith("//", i)) return line.slice(0, i).trimEnd();
  }
  return line;
};

const withoutComments = (schema) =>
  schema
    .split("\n")
    .map(withoutComment)
    .filter((line, i, lines) => line !== "" || (i > 0 && lines[i - 1] !== ""))
    .join("\n");

const classFile = join(root, "src", "generated", "prisma", "internal", "class.ts");
const source = readFileSync(classFile, "utf8");
const inline = /("inlineSchema": )("(?:[^"\\]|\\.)*")/;
const found = inline.exec(source);
if (!found) throw new Error(`no inlineSchema in ${classFile}: has Prisma's generated client changed shape?`);
const stripped = JSON.stringify(withoutComments(JSON.parse(found[2])));
writeFileSync(
  classFile,
  source.replace(inline, () => `${found[1]}${stripped}`),
);
