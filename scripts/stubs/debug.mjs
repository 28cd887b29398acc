// Bundled in place of `debug` (wrangler.jsonc `alias`): @tokenizer/inflate (file-type's ZIP detection) logs through
// it, which nothing here turns on. 7 KB of the 1 MiB bundle budget.
export default () => () => {};
