// Copyright (c) the Ferry authors.
#include "schema/uri.h"

namespace ferry::internal {
namespace {

struct UriParts {
  std::string_view scheme, authority, path, query, fragment;
  bool has_scheme = false, has_authority = false, has_query = false, has_fragment = false;
};

// RFC 3986 appendix B, by hand.
UriParts Parse(std::string_view s) {
  UriParts u;
  size_t hash = s.find('#');
  if (hash != std::string_view::npos) {
    u.has_fragment = true;
    u.fragment = s.substr(hash + 1);
    s = s.substr(0, hash);
  }
  size_t q = s.find('?');
  if (q != std::string_view::npos) {
    u.has_query = true;
    u.query = s.substr(q + 1);
    s = s.substr(0, q);
  }
  size_t colon = s.find(':');
  if (colon != std::string_view::npos && colon > 0 && s.find('/') > colon) {
    bool ok = true;
    for (size_t i = 0; i < colon; ++i) {
      char c = s[i];
      bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      bool other = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
      if (!(alpha || (i > 0 && other))) ok = false;
    }
    if (ok) {
      u.has_scheme = true;
      u.scheme = s.substr(0, colon);
      s = s.substr(colon + 1);
    }
  }
  if (s.size() >= 2 && s[0] == '/' && s[1] == '/') {
    u.has_authority = true;
    size_t end = s.find('/', 2);
    if (end == std::string_view::npos) end = s.size();
    u.authority = s.substr(2, end - 2);
    s = s.substr(end);
  }
  u.path = s;
  return u;
}

// RFC 3986 5.2.4.
std::string RemoveDotSegments(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.substr(0, 3) == "../") {
      in.remove_prefix(3);
    } else if (in.substr(0, 2) == "./") {
      in.remove_prefix(2);
    } else if (in.substr(0, 3) == "/./") {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.substr(0, 4) == "/../" || in == "/..") {
      in = in.size() == 3 ? std::string_view("/") : in.substr(3);
      size_t slash = out.rfind('/');
      out.resize(slash == std::string::npos ? 0 : slash);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      size_t start = in[0] == '/' ? 1 : 0;
      size_t next = in.find('/', start);
      if (next == std::string_view::npos) next = in.size();
      out.append(in.substr(0, next));
      in.remove_prefix(next);
    }
  }
  return out;
}

std::string Compose(const UriParts& u, const std::string& path) {
  std::string s;
  if (u.has_scheme) {
    s.append(u.scheme);
    s.push_back(':');
  }
  if (u.has_authority) {
    s.append("//");
    s.append(u.authority);
  }
  s.append(path);
  if (u.has_query) {
    s.push_back('?');
    s.append(u.query);
  }
  if (u.has_fragment) {
    s.push_back('#');
    s.append(u.fragment);
  }
  return s;
}

}  // namespace

std::string ResolveUri(std::string_view base, std::string_view reference) {
  if (base.empty()) return std::string(reference);
  UriParts r = Parse(reference);
  UriParts b = Parse(base);
  UriParts t;
  std::string path;
  if (r.has_scheme) {
    t = r;
    path = RemoveDotSegments(r.path);
  } else {
    if (r.has_authority) {
      t = r;
      path = RemoveDotSegments(r.path);
    } else {
      if (r.path.empty()) {
        path = std::string(b.path);
        t.has_query = r.has_query || b.has_query;
        t.query = r.has_query ? r.query : b.query;
      } else {
        if (r.path[0] == '/') {
          path = RemoveDotSegments(r.path);
        } else {
          std::string merged;
          if (b.has_authority && b.path.empty()) {
            merged = "/";
            merged.append(r.path);
          } else {
            size_t slash = b.path.rfind('/');
            if (slash != std::string_view::npos) merged.assign(b.path.substr(0, slash + 1));
            merged.append(r.path);
          }
          path = RemoveDotSegments(merged);
        }
        t.has_query = r.has_query;
        t.query = r.query;
      }
      t.has_authority = b.has_authority;
      t.authority = b.authority;
    }
    t.has_scheme = b.has_scheme;
    t.scheme = b.scheme;
  }
  t.has_fragment = r.has_fragment;
  t.fragment = r.fragment;
  return Compose(t, path);
}

void SplitFragment(std::string_view uri, std::string* without_fragment, std::string* fragment,
                   bool* has_fragment) {
  size_t hash = uri.find('#');
  if (hash == std::string_view::npos) {
    without_fragment->assign(uri);
    fragment->clear();
    if (has_fragment != nullptr) *has_fragment = false;
    return;
  }
  without_fragment->assign(uri.substr(0, hash));
  fragment->assign(uri.substr(hash + 1));
  if (has_fragment != nullptr) *has_fragment = true;
}

}  // namespace ferry::internal
