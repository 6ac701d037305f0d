// Copyright (c) the Ferry authors.
//
// From a client's JSON body to an OperationRequest (ferry/operation.h): the
// members of POST /runs, /analyze, /plan, /validate and /verify, each
// checked, with INVALID_ARGUMENT naming the member (JSON Pointer) otherwise.
// Paths in `source`, `target` and `rejects` are the server's: relative ones
// are taken from the server's working directory.

#ifndef FERRY_SERVER_OPERATION_REQUESTS_H_
#define FERRY_SERVER_OPERATION_REQUESTS_H_

#include <string>
#include <string_view>

#include "ferry/operation.h"
#include "ferry/result.h"
#include "server/served_projects.h"

namespace ferry::server {

// POST /runs: project, source (required), target, rejects, preset
// (safe|recommended|fast), dry_run, batch_size, threads, on_error,
// on_conflict, shaping (the object of docs/shaping.md), limit, template. A
// run of kind kRun, or kDryRun when dry_run is true. `template` names a
// saved run template (ferry/templates.h) read from `state` (the server's
// state, "" = the default): its flags with a member of the same meaning
// (project, source, target, rejects, preset, dry-run, batch-size, threads,
// on-error, on-conflict; a --project path stands for the project served
// from it) fill the members the body lacks; any other flag is
// INVALID_ARGUMENT naming it, as is a template for another command.
Result<OperationRequest> RunRequestFrom(std::string_view body, const ServedProjects& projects,
                                        const std::string& state);

// POST /analyze, /validate, /plan, /verify (`kind` says which): project,
// source (required), shaping, limit; validate: version; plan: sample,
// preset, batch_size, threads; verify: target (required), max_keys.
Result<OperationRequest> CheckRequestFrom(OperationKind kind, std::string_view body,
                                          const ServedProjects& projects);

}  // namespace ferry::server

#endif  // FERRY_SERVER_OPERATION_REQUESTS_H_
