// Copyright (c) the Ferry authors.
//
// The OpenAPI 3.1 document of the API (docs/openapi.json, compiled in by
// src/server/CMakeLists.txt): what GET /api/v1/openapi.json answers.

#ifndef FERRY_SERVER_OPENAPI_DOCUMENT_H_
#define FERRY_SERVER_OPENAPI_DOCUMENT_H_

#include <string_view>

namespace ferry::server {

std::string_view OpenApiDocument();

}  // namespace ferry::server

#endif  // FERRY_SERVER_OPENAPI_DOCUMENT_H_
