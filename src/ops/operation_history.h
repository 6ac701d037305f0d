// Copyright (c) the Ferry authors.
//
// The operations' history in the state store's `operations` table (one row
// per operation, rewritten at each change of state), so History() and Get()
// see operations of earlier processes.
//
// Thread safety: every method may be called from any thread (one mutex
// around the store's connection).

#ifndef FERRY_OPS_OPERATION_HISTORY_H_
#define FERRY_OPS_OPERATION_HISTORY_H_

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ferry/operation.h"
#include "ferry/result.h"
#include "ferry/state.h"

namespace ferry::internal {

class OperationHistory {
 public:
  // Opens (creating) the state at `state` ("" = .ferry/state.db).
  static Result<std::unique_ptr<OperationHistory>> Open(const std::string& state);

  // Inserts or replaces the row of `snapshot.id`.
  Status Save(const OperationSnapshot& snapshot);
  // std::nullopt for an id never saved.
  Result<std::optional<OperationSnapshot>> Load(const std::string& id);
  // The newest `limit`, newest first.
  Result<std::vector<OperationSnapshot>> Newest(uint32_t limit);

 private:
  explicit OperationHistory(std::unique_ptr<State> state) : state_(std::move(state)) {}
  std::mutex mu_;
  std::unique_ptr<State> state_;
};

// The counters as JSON, and back (unknown members are ignored; a malformed
// text gives zero counters).
std::string CountersToJson(const OperationCounters& c);
OperationCounters CountersFromJson(const std::string& json);

}  // namespace ferry::internal

#endif  // FERRY_OPS_OPERATION_HISTORY_H_
