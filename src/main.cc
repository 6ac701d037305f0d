// Copyright (c) the Ferry authors.
#include "cli/cli.h"

int main(int argc, char** argv) { return ferry::cli::Main(argc, argv); }
