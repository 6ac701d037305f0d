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

// The request's (decoded) path as a URI reference: what a URI may not hold
// as it is (a backslash, a space, a quote ...) percent-encoded again.
std::string UriReference(std::string_view path) {
  static constexpr std::string_view kAllowed =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/";
  std::string out;
  for (unsigned char c : path) {
    if (kAllowed.find(char(c)) != std::string_view::npos) {
      out += char(c);
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string ProblemJson(int http_status, std::string_view code, std::string_view detail,
                        const ProblemContext& context) {
  internal::JsonBuilder j;
  j.Begin().Key("type").Str("urn:ferry:problem:" + std::string(code)).Key("title").Str(Title(http_status)).Key("status").Num(http_status);
  j.Key("detail").Str(detail).Key("instance").Str(UriReference(context.instance)).Key("code").Str(code);
  j.Key("request_id").Str(context.request_id);
  return j.End().Take();
}

std::string ProblemJson(const Status& status, const ProblemContext& context) {
  return ProblemJson(HttpStatusFor(status.code()), ErrorCodeName(status.code()), status.message(), context);
}

}  // namespace ferry::server
