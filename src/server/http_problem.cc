// Copyright (c) the Ferry authors.

#include "server/http_problem.h"

#include "common/json_builder.h"

namespace ferry::server {

namespace {

// The reason phrase of the statuses the server answers.
std::string_view Title(int http_status) {
  switch (http_status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 415: return "Unsupported Media Type";
    case 413: return "Content Too Large";
    case 422: return "Unprocessable Content";
    case 423: return "Locked";
    case 499: return "Client Closed Request";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

}  // namespace

std::string ProblemJson(int http_status, std::string_view code, std::string_view detail,
                        const ProblemContext& context) {
  internal::JsonBuilder j;
  j.Begin().Key("type").Str("urn:ferry:problem:" + std::string(code)).Key("title").Str(Title(http_status)).Key("status").Num(http_status);
  j.Key("detail").Str(detail).Key("instance").Str(context.instance).Key("code").Str(code);
  j.Key("request_id").Str(context.request_id);
  return j.End().Take();
}

std::string ProblemJson(const Status& status, const ProblemContext& context) {
  return ProblemJson(HttpStatusFor(status.code()), ErrorCodeName(status.code()), status.message(), context);
}

}  // namespace ferry::server
