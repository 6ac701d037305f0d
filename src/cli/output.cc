// Copyright (c) the Ferry authors.
#include "cli/output.h"

#include <cstdio>

#include "ferry/json.h"
#include "ferry/log.h"

namespace ferry::cli {

int Fail(const Status& s) {
  if (CurrentLogFormat() == LogFormat::kJson) {
    Log(LogLevel::kError, s.message(),
        {LogStr("code", std::string(ErrorCodeName(s.code()))), LogNum("exit_code", ExitCodeFor(s.code()))});
  } else {
    std::fprintf(stderr, "ferry: %s\n", s.ToString().c_str());
  }
  return ExitCodeFor(s.code());
}

std::string Str(std::string_view s) {
  std::string out;
  WriteJsonString(s, &out);
  return out;
}

}  // namespace ferry::cli
