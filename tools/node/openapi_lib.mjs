// Shared by validate_openapi.mjs, check_response.mjs and list_paths.mjs:
// reading docs/openapi.json, compiling its schemas with Ajv (JSON Schema
// draft 2020-12, the dialect of OpenAPI 3.1) and finding the operation and
// response a concrete request and status belong to.

import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

export const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

// The root id under which the whole document is registered with Ajv, so that
// "#/components/schemas/X" references resolve inside it.
const DOC_ID = "urn:ferry:openapi";

// Members of an OpenAPI document (and of its Schema Objects: the OAS base
// vocabulary) that are not JSON Schema keywords; Ajv is told to ignore them.
const NON_SCHEMA_KEYWORDS = [
  "openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components", "security", "tags",
  "externalDocs", "discriminator", "xml", "example",
];

export function loadSpec(file) {
  return JSON.parse(readFileSync(file, "utf8"));
}

// An Ajv instance holding `spec`; strict, so a misspelt keyword in a schema
// is an error.
export function makeAjv(spec) {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, validateFormats: true });
  addFormats(ajv);
  // The document's own extensions (x-...) at its root, too.
  ajv.addVocabulary([...NON_SCHEMA_KEYWORDS, ...Object.keys(spec).filter((k) => k.startsWith("x-"))]);
  ajv.addSchema({ ...spec, $id: DOC_ID });
  return ajv;
}

// "a/b~c" -> "a~1b~0c" (RFC 6901).
function escapePointer(segment) {
  return String(segment).replaceAll("~", "~0").replaceAll("/", "~1");
}

// A validator for the schema at JSON Pointer segments `where` of the document.
export function compileAt(ajv, where) {
  const pointer = where.map(escapePointer).map(encodeURIComponent).join("/");
  return ajv.compile({ $ref: `${DOC_ID}#/${pointer}` });
}

// Every operation: {method, path, operation}.
export function operations(spec) {
  const out = [];
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const method of METHODS) {
      if (item[method]) out.push({ method, path, operation: item[method] });
    }
  }
  return out;
}

// The segments of a path template, each {literal} or {param}.
function templateSegments(template) {
  return template.split("/").map((s) => {
    const m = /^\{([^}]+)\}$/.exec(s);
    return m ? { param: m[1] } : { literal: s };
  });
}

// The path template of `spec` that `concretePath` (query string allowed)
// matches, the one with the most literal segments when several do; null
// when none does.
export function matchPath(spec, concretePath) {
  const path = concretePath.split("?")[0];
  const segments = path.split("/");
  let best = null;
  for (const template of Object.keys(spec.paths ?? {})) {
    const parts = templateSegments(template);
    if (parts.length !== segments.length) continue;
    let literals = 0;
    const ok = parts.every((part, i) => {
      if (part.literal !== undefined) {
        literals += part.literal === segments[i] ? 1 : 0;
        return part.literal === segments[i];
      }
      return segments[i] !== "";
    });
    if (ok && (best === null || literals > best.literals)) best = { template, literals };
  }
  return best?.template ?? null;
}

// The response object of `operation` for `status`: the exact status, then
// its range ("4XX"), then "default"; null when none is documented.
export function responseFor(operation, status) {
  const responses = operation.responses ?? {};
  const s = String(status);
  for (const key of [s, `${s[0]}XX`, "default"]) {
    if (responses[key]) return { key, response: responses[key] };
  }
  return null;
}

// Follows a "#/..." $ref of the document (one level at a time until none).
export function resolveRef(spec, value) {
  let v = value;
  for (let hops = 0; v && typeof v.$ref === "string" && hops < 20; ++hops) {
    if (!v.$ref.startsWith("#/")) throw new Error(`external reference ${v.$ref} is not supported`);
    v = pointerGet(spec, v.$ref.slice(2).split("/"));
    if (v === undefined) throw new Error(`unresolved reference ${value.$ref}`);
  }
  return v;
}

// "a~1b~0c" (percent-encoded or not) -> "a/b~c" (RFC 6901).
export function unescapePointer(segment) {
  return decodeURIComponent(segment).replaceAll("~1", "/").replaceAll("~0", "~");
}

// The value at pointer segments `segments` (still escaped) of `root`.
export function pointerGet(root, segments) {
  let v = root;
  for (const raw of segments) {
    const key = unescapePointer(raw);
    if (v === null || typeof v !== "object" || !(key in v)) return undefined;
    v = v[key];
  }
  return v;
}

// "application/problem+json; charset=utf-8" -> "application/problem+json".
export function mediaTypeOf(contentType) {
  return (contentType ?? "").split(";")[0].trim().toLowerCase();
}

export function isJsonMediaType(mediaType) {
  return mediaType === "application/json" || mediaType.endsWith("+json");
}

// Ajv's errors as lines "  /pointer: message".
export function formatErrors(errors, max = 30) {
  const lines = (errors ?? []).map((e) => `  ${e.instancePath || "(body)"}: ${e.message}${
    e.params && Object.keys(e.params).length ? " " + JSON.stringify(e.params) : ""}`);
  if (lines.length > max) lines.splice(max, lines.length - max, `  ... and ${lines.length - max} more`);
  return lines.join("\n");
}
