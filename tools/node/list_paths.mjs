#!/usr/bin/env node
// Usage: node tools/node/list_paths.mjs [--details] FILE
// Prints every documented operation as "METHOD PATH", one a line, sorted
// (what a test compares with the server's routes). --details adds, tab
// separated, the least role it needs (x-ferry-role: none, viewer, operator,
// admin) and, for a deprecated alias, the operation it aliases.

import { loadSpec, operations } from "./openapi_lib.mjs";

function main() {
  const args = process.argv.slice(2);
  const details = args[0] === "--details";
  const file = details ? args[1] : args[0];
  if (!file || args.length !== (details ? 2 : 1)) {
    console.error("usage: list_paths.mjs [--details] FILE");
    return 2;
  }
  const lines = operations(loadSpec(file)).map(({ method, path, operation }) => {
    const line = `${method.toUpperCase()} ${path}`;
    if (!details) return line;
    return [line, operation["x-ferry-role"] ?? "", operation["x-ferry-alias-of"] ?? ""].join("\t").trimEnd();
  });
  for (const line of lines.sort()) console.log(line);
  return 0;
}

process.exitCode = main();
