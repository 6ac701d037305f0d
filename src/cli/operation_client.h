// Copyright (c) the Ferry authors.
//
// The command line as a client of the operations registry
// (ferry/operation.h): a run, dry run, export or import is started as an
// operation of this process, its events drive the progress display, and
// SIGINT / SIGTERM cancel it through the registry.

#ifndef FERRY_CLI_OPERATION_CLIENT_H_
#define FERRY_CLI_OPERATION_CLIENT_H_

#include <memory>

#include "ferry/operation.h"
#include "ferry/run.h"

namespace ferry::cli {

// Runs `options` as an operation of `kind` and returns its report, or the
// error that kept it from starting. options.control.events receives the engine's
// events; options.control.cancel / stop_now, when set (by signal handlers),
// cancel it at the next batch boundary / at once.
Result<RunReport> RunAsOperation(std::shared_ptr<const Project> project, RunOptions options, OperationKind kind);

}  // namespace ferry::cli

#endif  // FERRY_CLI_OPERATION_CLIENT_H_
