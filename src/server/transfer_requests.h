// Copyright (c) the Ferry authors.
//
// Resuming imports and exports started over HTTP after a restart of the
// server: routes_transfers.cc keeps, for each one it starts, its route
// ("/api/v1/imports" or "/api/v1/exports") and a body {"request": the
// client's JSON, "path": the uploaded file or the export's file} in
// WORK/requests/ID.json, the file routes_operations.cc keeps its own bodies
// in. An encrypted export is not kept (its passphrase is never written
// down): it resumes only in the process that started it.

#ifndef FERRY_SERVER_TRANSFER_REQUESTS_H_
#define FERRY_SERVER_TRANSFER_REQUESTS_H_

#include <string>
#include <string_view>

#include "ferry/operation.h"
#include "ferry/result.h"

namespace ferry::server {

struct ServerContext;

// The request the kept `route` and body stand for: the same import of the
// same uploaded file, or the same export into the same file. INTERNAL for
// another route; INVALID_ARGUMENT for a body that is not a kept one.
Result<OperationRequest> KeptTransferRequest(const ServerContext& ctx, const std::string& route,
                                             std::string_view kept);

}  // namespace ferry::server

#endif  // FERRY_SERVER_TRANSFER_REQUESTS_H_
