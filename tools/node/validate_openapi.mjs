#!/usr/bin/env node
// Usage: node tools/node/validate_openapi.mjs FILE
// Exits 0 when FILE is a valid OpenAPI 3.1 document, else prints what is
// wrong and exits 1. Checks, in order:
//   1. the document against the OpenAPI 3.1 schema
//      (@seriousme/openapi-schema-validator);
//   2. every "#/..." $ref resolves;
//   3. every schema compiles as JSON Schema draft 2020-12 (Ajv, strict: a
//      misspelt keyword is an error);
//   4. every example of a component schema is valid against it;
//   5. operationIds are unique, and every {param} of a path template is a
//      declared path parameter of each of its operations (and vice versa).

import { Validator } from "@seriousme/openapi-schema-validator";
import { compileAt, formatErrors, loadSpec, makeAjv, operations, pointerGet, resolveRef } from "./openapi_lib.mjs";

function checkStructure(spec) {
  if (!/^3\.1\.\d+$/.test(spec.openapi ?? "")) return [`openapi is "${spec.openapi}", not 3.1.x`];
  return [];
}

async function checkAgainstOpenApiSchema(spec) {
  const result = await new Validator().validate(spec);
  if (result.valid) return [];
  return [`not a valid OpenAPI document:\n${JSON.stringify(result.errors, null, 2)}`];
}

// Every {"$ref": "#/..."} in the document, with where it is.
function* refs(value, where = []) {
  if (value === null || typeof value !== "object") return;
  if (typeof value.$ref === "string") yield { ref: value.$ref, where };
  for (const [k, v] of Object.entries(value)) yield* refs(v, [...where, k]);
}

function checkRefs(spec) {
  const problems = [];
  for (const { ref, where } of refs(spec)) {
    if (!ref.startsWith("#/")) problems.push(`/${where.join("/")}: external $ref ${ref} is not allowed`);
    else if (pointerGet(spec, ref.slice(2).split("/")) === undefined) {
      problems.push(`/${where.join("/")}: $ref ${ref} does not resolve`);
    }
  }
  return problems;
}

// The pointer segments of every schema: components, parameters, bodies and
// responses' media types.
function* schemaLocations(spec) {
  for (const name of Object.keys(spec.components?.schemas ?? {})) yield ["components", "schemas", name];
  for (const { method, path, operation } of operations(spec)) {
    const base = ["paths", path, method];
    for (const [i, p] of (operation.parameters ?? []).entries()) {
      if (p.schema) yield [...base, "parameters", String(i), "schema"];
    }
    for (const [mt, media] of Object.entries(operation.requestBody?.content ?? {})) {
      if (media.schema) yield [...base, "requestBody", "content", mt, "schema"];
    }
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      for (const [mt, media] of Object.entries(response.content ?? {})) {
        for (const key of ["schema", "x-ferry-event-data", "x-ferry-line-schema"]) {
          if (media[key]) yield [...base, "responses", status, "content", mt, key];
        }
      }
    }
  }
}

function checkSchemasCompile(spec) {
  const problems = [];
  let ajv;
  try {
    ajv = makeAjv(spec);
  } catch (e) {
    return [`the document's schemas do not load: ${e.message}`];
  }
  for (const where of schemaLocations(spec)) {
    try {
      compileAt(ajv, where);
    } catch (e) {
      problems.push(`/${where.join("/")}: ${e.message}`);
    }
  }
  return problems.length ? problems : checkSchemaExamples(spec, ajv);
}

// Every `examples` entry of a component schema is valid against that schema.
function checkSchemaExamples(spec, ajv) {
  const problems = [];
  for (const [name, schema] of Object.entries(spec.components?.schemas ?? {})) {
    if (!Array.isArray(schema.examples)) continue;
    const validate = compileAt(ajv, ["components", "schemas", name]);
    for (const [i, example] of schema.examples.entries()) {
      if (!validate(example)) {
        problems.push(`/components/schemas/${name}/examples/${i}: not valid against its schema:\n${
          formatErrors(validate.errors)}`);
      }
    }
  }
  return problems;
}

function checkOperations(spec) {
  const problems = [];
  const seen = new Map();
  for (const { method, path, operation } of operations(spec)) {
    const at = `${method.toUpperCase()} ${path}`;
    if (operation.operationId) {
      if (seen.has(operation.operationId)) {
        problems.push(`${at}: operationId ${operation.operationId} is also ${seen.get(operation.operationId)}'s`);
      }
      seen.set(operation.operationId, at);
    }
    const inTemplate = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    const params = [...(spec.paths[path].parameters ?? []), ...(operation.parameters ?? [])]
      .map((p) => resolveRef(spec, p))
      .filter((p) => p.in === "path")
      .map((p) => p.name)
      .sort();
    if (JSON.stringify(inTemplate) !== JSON.stringify(params)) {
      problems.push(`${at}: path parameters declared [${params}] differ from the template's [${inTemplate}]`);
    }
  }
  return problems;
}

async function main() {
  const file = process.argv[2];
  if (!file || process.argv.length > 3) {
    console.error("usage: validate_openapi.mjs FILE");
    return 2;
  }
  let spec;
  try {
    spec = loadSpec(file);
  } catch (e) {
    console.error(`${file}: ${e.message}`);
    return 1;
  }
  const problems = [...checkStructure(spec), ...(await checkAgainstOpenApiSchema(spec))];
  if (problems.length === 0) problems.push(...checkRefs(spec));
  if (problems.length === 0) problems.push(...checkSchemasCompile(spec), ...checkOperations(spec));
  for (const p of problems) console.error(`${file}: ${p}`);
  if (problems.length > 0) return 1;
  console.log(`${file}: valid OpenAPI ${spec.openapi} (${operations(spec).length} operations)`);
  return 0;
}

process.exitCode = await main();
