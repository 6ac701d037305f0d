// Copyright (c) the Ferry authors.
//
// The `template` member of POST /imports and /exports: a template saved
// with `ferry template save NAME --for import|export` (ferry/templates.h),
// its flags taken as the request's members, the members the request gives
// winning (as flags on the command line win over --template).
//
// The flags that have a member: --target (import), --source (export),
// --preset, --batch-size, --threads, --on-error, --on-conflict, --dry-run
// (import), --as-is, --version (export), --compress (export: compression).
// --project, --state, --quiet, --json, an import's --source (the upload)
// and an export's --target (the server's file) are ignored. Any other flag is
// INVALID_ARGUMENT naming it: give its member instead, or save a template
// without it.

#ifndef FERRY_SERVER_TRANSFER_TEMPLATES_H_
#define FERRY_SERVER_TRANSFER_TEMPLATES_H_

#include <string>
#include <string_view>

#include "ferry/result.h"

namespace ferry::server {

// `request` (JSON text) with its template applied and `template` removed;
// `request` itself when it names none (or is not a JSON object: its reader
// refuses it). `command` is "import" or "export" (a template for another
// command is INVALID_ARGUMENT); `state` is the server's state. NOT_FOUND for
// an unknown template.
Result<std::string> ApplyTransferTemplate(const std::string& state, std::string_view request,
                                          std::string_view command);

}  // namespace ferry::server

#endif  // FERRY_SERVER_TRANSFER_TEMPLATES_H_
