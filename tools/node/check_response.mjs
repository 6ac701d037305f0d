#!/usr/bin/env node
// Checks server responses against the OpenAPI document.
//
//   node tools/node/check_response.mjs --spec docs/openapi.json --method GET \
//     --path /api/v1/runs/op-0123456789abcdef --status 200 \
//     [--content-type application/json] < body
//   node tools/node/check_response.mjs --spec docs/openapi.json --batch responses.jsonl
//
// A batch file holds one response a line: {"method", "path", "status",
// "content_type", "body"}; `body` is the body's text (a JSON value other than
// a string is taken as an already parsed JSON body).
//
// For each response: finds the path template the concrete path matches
// (legacy aliases included; the query string is ignored), the operation of
// the method, the response of the status (exact, then 4XX, then default) and
// its media type, then validates the body with Ajv (JSON Schema 2020-12):
// JSON bodies against `schema`; text/event-stream bodies event by event
// (`data:` against x-ferry-event-data, `event:` equal to data.type, `id:`
// equal to data.seq); JSON Lines bodies line by line (x-ferry-line-schema).
// Exits 0 when every response conforms, else prints each failure and exits 1
// (2 for bad usage).

import { readFileSync } from "node:fs";
import {
  compileAt, unescapePointer, formatErrors, isJsonMediaType, loadSpec, makeAjv, matchPath, mediaTypeOf, resolveRef, responseFor,
} from "./openapi_lib.mjs";

const USAGE = "usage: check_response.mjs --spec FILE (--method M --path P --status N [--content-type T] < BODY "
  + "| --batch FILE.jsonl)";

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i];
    if (!name.startsWith("--") || i + 1 >= argv.length) throw new Error(USAGE);
    args[name.slice(2)] = argv[i + 1];
  }
  if (!args.spec || (!args.batch && !(args.method && args.path && args.status))) throw new Error(USAGE);
  return args;
}

// Finds what the document says about one response; throws a clear message
// when it says nothing.
function locate(spec, method, path, status) {
  const template = matchPath(spec, path);
  if (template === null) throw new Error(`path ${path} matches no documented path`);
  const m = method.toLowerCase();
  const operation = spec.paths[template][m];
  if (!operation) {
    throw new Error(`${method.toUpperCase()} is not documented for ${template} (documented: ${
      Object.keys(spec.paths[template]).filter((k) => k !== "parameters").join(", ").toUpperCase()})`);
  }
  const found = responseFor(operation, status);
  if (found === null) {
    throw new Error(`status ${status} is not documented for ${method.toUpperCase()} ${template} (documented: ${
      Object.keys(operation.responses).join(", ")})`);
  }
  // Where the response object is: a $ref to components/responses, or inline.
  const at = typeof found.response.$ref === "string"
    ? found.response.$ref.slice(2).split("/").map(unescapePointer)
    : ["paths", template, m, "responses", found.key];
  return { response: resolveRef(spec, found.response), at };
}

// The documented media type the response's Content-Type names.
function mediaFor(where, response, contentType, body) {
  const content = response.content ?? {};
  const types = Object.keys(content);
  if (types.length === 0) {
    if (body !== "") throw new Error(`${where}: no body is documented, got ${body.length} bytes`);
    return null;
  }
  let mt = mediaTypeOf(contentType);
  if (mt === "") {
    // Not given: the only one documented, else JSON.
    if (types.length === 1) mt = types[0];
    else if (content["application/json"]) mt = "application/json";
    else throw new Error(`${where}: give the Content-Type (documented: ${types.join(", ")})`);
  }
  if (!content[mt]) throw new Error(`${where}: Content-Type ${mt} is not documented (documented: ${types.join(", ")})`);
  return mt;
}

class Checker {
  constructor(spec) {
    this.spec = spec;
    this.ajv = makeAjv(spec);
    this.validators = new Map();
  }

  validator(pointer) {
    const key = JSON.stringify(pointer);
    if (!this.validators.has(key)) this.validators.set(key, compileAt(this.ajv, pointer));
    return this.validators.get(key);
  }

  // Returns null when the response conforms, else the message.
  check({ method, path, status, content_type: contentType, body }) {
    const where = `${String(method).toUpperCase()} ${path} ${status}`;
    try {
      const loc = locate(this.spec, String(method), String(path), Number(status));
      const text = typeof body === "string" ? body : body === undefined ? "" : JSON.stringify(body);
      const mt = mediaFor(where, loc.response, contentType ?? (typeof body === "object" ? "application/json" : ""),
                         text);
      if (mt === null) return null;
      const base = [...loc.at, "content", mt];
      const media = loc.response.content[mt];
      if (isJsonMediaType(mt)) return this.checkJson(where, base, text, mt === "application/problem+json" ? Number(status) : 0);
      if (mt === "text/event-stream" && media["x-ferry-event-data"]) return this.checkEvents(where, base, text);
      if (media["x-ferry-line-schema"]) return this.checkLines(where, base, text);
      return null;
    } catch (e) {
      return e.message.startsWith(where) ? e.message : `${where}: ${e.message}`;
    }
  }

  // `problemStatus`: the HTTP status of a problem+json body (else 0).
  checkJson(where, base, text, problemStatus) {
    let value;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return `${where}: the body is not JSON (${e.message})`;
    }
    const validate = this.validator([...base, "schema"]);
    if (!validate(value)) return `${where}: the body does not match its schema:\n${formatErrors(validate.errors)}`;
    return problemStatus ? this.problemStatusProblem(where, value, problemStatus) : null;
  }

  // A problem's `status` must be the response's, and the one the document's
  // table (x-ferry-error-statuses) gives its `code`.
  problemStatusProblem(where, problem, status) {
    if (problem.status !== status) return `${where}: the problem's status ${problem.status} is not the response's`;
    const table = this.spec["x-ferry-error-statuses"] ?? {};
    if (problem.code in table && table[problem.code] !== status) {
      return `${where}: code ${problem.code} answers ${table[problem.code]} (x-ferry-error-statuses), not ${status}`;
    }
    return null;
  }

  checkLines(where, base, text) {
    const validate = this.validator([...base, "x-ferry-line-schema"]);
    const lines = text.split("\n").filter((l) => l !== "");
    for (const [i, line] of lines.entries()) {
      let value;
      try {
        value = JSON.parse(line);
      } catch (e) {
        return `${where}: line ${i + 1} is not JSON (${e.message})`;
      }
      if (!validate(value)) return `${where}: line ${i + 1} does not match its schema:\n${formatErrors(validate.errors)}`;
    }
    return null;
  }

  checkEvents(where, base, text) {
    const validate = this.validator([...base, "x-ferry-event-data"]);
    for (const [i, event] of parseEventStream(text).entries()) {
      const at = `${where}: event ${i + 1}${event.event ? ` (${event.event})` : ""}`;
      if (event.data === undefined) continue;
      let data;
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        return `${at}: data is not JSON (${e.message})`;
      }
      if (!validate(data)) return `${at}: data does not match its schema:\n${formatErrors(validate.errors)}`;
      const problem = eventFieldProblem(event, data);
      if (problem) return `${at}: ${problem}`;
    }
    return null;
  }
}

// The events of a text/event-stream body: [{id, event, data}] (comments and
// events without fields are left out).
function parseEventStream(text) {
  const events = [];
  for (const block of text.replaceAll("\r\n", "\n").split(/\n\n+/)) {
    const event = {};
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") event.data = event.data === undefined ? value : `${event.data}\n${value}`;
      else if (field === "id" || field === "event" || field === "retry") event[field] = value;
    }
    if (Object.keys(event).length > 0) events.push(event);
  }
  return events;
}

const LEGACY_EVENT_NAMES = {
  progress: "migration:progress", completed: "migration:complete", error: "migration:error",
  failed: "migration:error", warning: "migration:warning",
};

// What is inconsistent between an event's `event:`/`id:` and its data.
function eventFieldProblem(event, data) {
  const type = data.type;
  const names = [type, LEGACY_EVENT_NAMES[type]].filter(Boolean);
  if (event.event !== undefined && !names.includes(event.event)) {
    return `event: ${event.event} is not the data's type ${type}`;
  }
  if (data.seq !== undefined && event.id !== undefined && event.id !== String(data.seq)) {
    return `id: ${event.id} is not the data's seq ${data.seq}`;
  }
  return null;
}

function readBatch(file) {
  return readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "").map((line, i) => {
    try {
      return JSON.parse(line);
    } catch (e) {
      throw new Error(`${file}:${i + 1}: not JSON (${e.message})`);
    }
  });
}

function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    return 2;
  }
  let checker;
  let responses;
  try {
    checker = new Checker(loadSpec(args.spec));
    responses = args.batch
      ? readBatch(args.batch)
      : [{ method: args.method, path: args.path, status: args.status, content_type: args["content-type"],
           body: readFileSync(0, "utf8") }];
  } catch (e) {
    console.error(e.message);
    return 1;
  }
  let failed = 0;
  for (const [i, response] of responses.entries()) {
    const problem = checker.check(response);
    if (problem === null) continue;
    ++failed;
    console.error(args.batch ? `${args.batch}:${i + 1}: ${problem}` : problem);
  }
  if (failed === 0) console.log(`${responses.length} response(s) conform to ${args.spec}`);
  else console.error(`${failed} of ${responses.length} response(s) do not conform to ${args.spec}`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
