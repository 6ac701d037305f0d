// Copyright (c) the Ferry authors.
// PostgreSQL store: placeholder until the libpq implementation lands.
#include "store/sql.h"
#include "store/store.h"

namespace ferry::internal {

Result<std::unique_ptr<RecordReader>> OpenPostgresReader(const StoreUri& uri) {
  return Status::InvalidArgument("PostgreSQL store " + uri.display + " is not built yet");
}
Result<std::unique_ptr<RecordSink>> OpenPostgresSink(const StoreUri& uri) {
  return Status::InvalidArgument("PostgreSQL store " + uri.display + " is not built yet");
}
Result<std::unique_ptr<SqlDb>> OpenPostgres(const std::string&, const std::string& display) {
  return Status::InvalidArgument("PostgreSQL " + display + " is not built yet");
}

}  // namespace ferry::internal
