#include "auth/sigv4_parse.h"

#include <charconv>
#include <chrono>

#include "auth/sigv4_canonical.h"
#include "auth/sigv4_error.h"

namespace sapi::auth::sigv4 {
namespace {

Status incomplete(std::string_view text) { return refusal(Reason::kIncompleteSignature, text); }

// Closures rather than functions, so that all_of() below inlines them instead of calling
// through a pointer per character.
constexpr auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
constexpr auto is_alnum = [](char c) {
  return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
};
constexpr auto is_lower_alnum_dash = [](char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || c == '-';
};
constexpr auto is_lower_hex = [](char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); };

// RFC 9110 token characters, lower-case only (header names as they are signed).
constexpr auto is_header_name_char = [](char c) {
  if (is_digit(c) || (c >= 'a' && c <= 'z')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
};

template <typename Pred>
bool all_of(std::string_view s, Pred pred) {
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Result<CredentialScope> parse_credential(std::string_view text) {
  constexpr std::string_view kShape =
      "Credential must have the form <access key id>/<YYYYMMDD>/<region>/<service>/aws4_request";
  std::string_view parts[5];
  size_t n = 0;
  while (true) {
    size_t slash = text.find('/');
    if (n == 4 || slash == std::string_view::npos) {
      if (slash != std::string_view::npos) return incomplete(kShape);
      parts[n++] = text;
      break;
    }
    parts[n++] = text.substr(0, slash);
    text.remove_prefix(slash + 1);
  }
  if (n != 5) return incomplete(kShape);
  if (parts[0].empty() || parts[0].size() > 128 || !all_of(parts[0], is_alnum)) {
    return incomplete("Credential access key id is malformed");
  }
  if (parts[1].size() != 8 || !all_of(parts[1], is_digit)) {
    return incomplete("Credential date must be YYYYMMDD");
  }
  for (int i = 2; i <= 4; ++i) {
    auto ok_char = [i](char c) { return is_lower_alnum_dash(c) || (i == 4 && c == '_'); };
    if (parts[i].empty() || parts[i].size() > 64 || !all_of(parts[i], ok_char)) {
      return incomplete(kShape);
    }
  }
  return CredentialScope{parts[0], parts[1], parts[2], parts[3], parts[4]};
}

Status parse_signed_headers(std::string_view text, SignedHeaderNames& names) {
  std::string_view last;
  while (true) {
    size_t semi = text.find(';');
    std::string_view name = text.substr(0, semi);
    if (name.empty() || name.size() > 64 || !all_of(name, is_header_name_char)) {
      return incomplete("SignedHeaders must be lower-case header names separated by ';'");
    }
    if (!last.empty() && !(last < name)) {
      return incomplete("SignedHeaders must be sorted and without duplicates");
    }
    if (!names.push_back(name)) return incomplete("too many SignedHeaders");
    last = name;
    if (semi == std::string_view::npos) break;
    text.remove_prefix(semi + 1);
  }
  return {};
}

Status check_signature(std::string_view text) {
  if (text.size() != 64 || !all_of(text, is_lower_hex)) {
    return incomplete("Signature must be 64 lower-case hex digits");
  }
  return {};
}

}  // namespace

std::string CredentialScope::scope() const {
  std::string s;
  s.reserve(date.size() + region.size() + service.size() + terminator.size() + 3);
  s.append(date).append("/").append(region).append("/").append(service).append("/");
  s.append(terminator);
  return s;
}

Result<SignatureClaim> parse_authorization(std::string_view header) {
  if (header.size() > kMaxAuthorizationBytes) return incomplete("Authorization header too long");
  if (header.size() <= kAlgorithm.size() || header.substr(0, kAlgorithm.size()) != kAlgorithm ||
      (header[kAlgorithm.size()] != ' ')) {
    return incomplete("Authorization header must start with 'AWS4-HMAC-SHA256 '");
  }
  std::string_view rest = header.substr(kAlgorithm.size());
  std::optional<std::string_view> credential, signed_headers, signature;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view part = trim_spaces(rest.substr(0, comma));
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return incomplete("Authorization header parts must be key=value pairs");
    }
    std::string_view key = part.substr(0, eq);
    std::string_view value = part.substr(eq + 1);
    std::optional<std::string_view>* slot = nullptr;
    if (key == "Credential")
      slot = &credential;
    else if (key == "SignedHeaders")
      slot = &signed_headers;
    else if (key == "Signature")
      slot = &signature;
    else
      return incomplete("Authorization header has an unknown part");
    if (slot->has_value()) return incomplete("Authorization header repeats a part");
    *slot = value;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (!credential) return incomplete("Authorization header requires 'Credential' parameter.");
  if (!signed_headers) {
    return incomplete("Authorization header requires 'SignedHeaders' parameter.");
  }
  if (!signature) return incomplete("Authorization header requires 'Signature' parameter.");

  SignatureClaim claim;
  auto scope = parse_credential(*credential);
  if (!scope.ok()) return scope.status();
  claim.credential = *scope;
  SAPI_RETURN_IF_ERROR(parse_signed_headers(*signed_headers, claim.signed_headers));
  SAPI_RETURN_IF_ERROR(check_signature(*signature));
  claim.signature = *signature;
  return claim;
}

std::optional<std::vector<std::pair<std::string_view, std::string_view>>> split_query(
    std::string_view raw_query) {
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  while (!raw_query.empty()) {
    size_t amp = raw_query.find('&');
    std::string_view piece = raw_query.substr(0, amp);
    if (!piece.empty()) {
      if (pairs.size() == kMaxQueryParams) return std::nullopt;
      size_t eq = piece.find('=');
      if (eq == std::string_view::npos) {
        pairs.emplace_back(piece, std::string_view());
      } else {
        pairs.emplace_back(piece.substr(0, eq), piece.substr(eq + 1));
      }
    }
    if (amp == std::string_view::npos) break;
    raw_query.remove_prefix(amp + 1);
  }
  return pairs;
}

bool looks_presigned(std::string_view raw_query) {
  auto pairs = split_query(raw_query);
  if (!pairs) return true;  // let the presigned parser refuse it with a reason
  for (const auto& [name, value] : *pairs) {
    if (name == "X-Amz-Algorithm" || name == "X-Amz-Credential" || name == "X-Amz-Signature") {
      return true;
    }
  }
  return false;
}

Result<SignatureClaim> parse_presigned_query(std::string_view raw_query) {
  auto pairs = split_query(raw_query);
  if (!pairs) return incomplete("too many query parameters");
  static constexpr std::string_view kNames[] = {
      "X-Amz-Algorithm",     "X-Amz-Credential", "X-Amz-Date",          "X-Amz-Expires",
      "X-Amz-SignedHeaders", "X-Amz-Signature",  "X-Amz-Security-Token"};
  constexpr size_t kRequired = 6;  // all but the security token
  SignatureClaim claim;
  claim.decoded = std::make_unique<std::vector<std::string>>(std::size(kNames));
  std::vector<std::string>& values = *claim.decoded;
  bool seen[std::size(kNames)] = {};
  for (const auto& [name, value] : *pairs) {
    for (size_t i = 0; i < std::size(kNames); ++i) {
      if (name != kNames[i]) continue;
      if (seen[i]) return incomplete(std::string(name) + " appears more than once");
      if (!uri_decode(value, values[i])) {
        return incomplete(std::string(name) + " is not properly percent-encoded");
      }
      seen[i] = true;
    }
  }
  for (size_t i = 0; i < kRequired; ++i) {
    if (!seen[i]) {
      return incomplete("presigned URL requires the " + std::string(kNames[i]) + " parameter");
    }
  }
  if (values[0] != kAlgorithm) return incomplete("X-Amz-Algorithm must be AWS4-HMAC-SHA256");
  claim.presigned = true;
  auto scope = parse_credential(values[1]);
  if (!scope.ok()) return scope.status();
  claim.credential = *scope;
  if (!parse_amz_date(values[2])) return incomplete("X-Amz-Date must be YYYYMMDD'T'HHMMSS'Z'");
  claim.amz_date = values[2];
  const std::string& expires = values[3];
  int64_t seconds = 0;
  auto [end, ec] = std::from_chars(expires.data(), expires.data() + expires.size(), seconds);
  if (ec != std::errc() || end != expires.data() + expires.size() || seconds < 1 ||
      seconds > kMaxPresignedExpiresSeconds || expires.front() == '+') {
    return incomplete("X-Amz-Expires must be a number of seconds from 1 to 604800");
  }
  claim.expires_seconds = seconds;
  SAPI_RETURN_IF_ERROR(parse_signed_headers(values[4], claim.signed_headers));
  SAPI_RETURN_IF_ERROR(check_signature(values[5]));
  claim.signature = values[5];
  if (seen[6]) claim.security_token = values[6];
  return claim;
}

std::optional<int64_t> parse_amz_date(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  auto number = [&](size_t pos, size_t len) -> int {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (!is_digit(text[i])) return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  int year = number(0, 4), month = number(4, 2), day = number(6, 2);
  int hour = number(9, 2), minute = number(11, 2), second = number(13, 2);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59 || second < 0 || second > 59) {
    return std::nullopt;
  }
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                                  std::chrono::day(day)};
  if (!ymd.ok()) return std::nullopt;
  int64_t days = std::chrono::sys_days(ymd).time_since_epoch().count();
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

}  // namespace sapi::auth::sigv4
