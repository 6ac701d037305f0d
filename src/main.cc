// Copyright (c) the Ferry authors.
#include "cli/cli.h"
#include "common/crash.h"

int main(int argc, char** argv) {
  ferry::internal::InstallCrashHandler();
  return ferry::cli::Main(argc, argv);
}
