#include "auth/credential.h"

namespace sapi::auth {

bool valid_route_pattern(std::string_view pattern) {
  if (pattern == "*") return true;
  size_t space = pattern.find(' ');
  if (space == std::string_view::npos || space == 0) return false;
  std::string_view method = pattern.substr(0, space);
  std::string_view path = pattern.substr(space + 1);
  for (char c : method) {
    if (!(c >= 'A' && c <= 'Z') && method != "*") return false;
  }
  if (path.empty() || (path.front() != '/' && path != "*")) return false;
  size_t star = path.find('*');
  return star == std::string_view::npos || star == path.size() - 1;
}

bool route_allows(std::string_view pattern, std::string_view method, std::string_view path) {
  if (pattern == "*") return true;
  if (!valid_route_pattern(pattern)) return false;
  size_t space = pattern.find(' ');
  std::string_view want_method = pattern.substr(0, space);
  std::string_view want_path = pattern.substr(space + 1);
  if (want_method != "*" && want_method != method) return false;
  if (want_path.ends_with('*')) {
    return path.starts_with(want_path.substr(0, want_path.size() - 1));
  }
  return path == want_path;
}

bool credential_allows(const Credential& credential, std::string_view method,
                       std::string_view path) {
  for (const std::string& pattern : credential.routes) {
    if (route_allows(pattern, method, path)) return true;
  }
  return false;
}

}  // namespace sapi::auth
