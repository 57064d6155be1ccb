#include "auth/sigv4_canonical.h"

#include <algorithm>
#include <utility>

#include "auth/crypto.h"
#include "auth/sigv4_error.h"
#include "auth/sigv4_parse.h"
#include "base/percent.h"

namespace sapi::auth::sigv4 {
namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

// Appends `value` trimmed, with runs of spaces and tabs folded into one space.
void append_folded(std::string_view value, std::string& out) {
  bool pending_space = false;
  bool started = false;
  for (char c : value) {
    if (is_space(c)) {
      pending_space = started;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    started = true;
    out.push_back(c);
  }
}

// RFC 3986 remove_dot_segments plus dropping empty segments, as @smithy/signature-v4 does.
std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::string_view rest = path;
  while (true) {
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  std::string out = "/";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(segments[i]);
  }
  if (!segments.empty() && path.ends_with('/')) out.push_back('/');
  return out;
}

}  // namespace

bool uri_decode(std::string_view in, std::string& out) {
  return percent_decode(in, out, /*plus_as_space=*/false);
}

void uri_encode(std::string_view in, bool keep_slash, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : in) {
    auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
}

void append_canonical_uri(std::string_view raw_path, bool normalize, std::string& out) {
  if (raw_path.empty()) {
    out.push_back('/');
  } else if (normalize) {
    uri_encode(normalize_path(raw_path), true, out);
  } else {
    uri_encode(raw_path, true, out);
  }
}

std::string canonical_uri(std::string_view raw_path, bool normalize) {
  std::string out;
  out.reserve(raw_path.size() + 16);
  append_canonical_uri(raw_path, normalize, out);
  return out;
}

Result<std::string> canonical_query(std::string_view raw_query, bool drop_signature) {
  auto pairs = split_query(raw_query);
  if (!pairs) return refusal(Reason::kInvalidSignature, "too many query parameters");
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(pairs->size());
  std::string name, value;
  for (const auto& [raw_name, raw_value] : *pairs) {
    if (!uri_decode(raw_name, name) || !uri_decode(raw_value, value)) {
      return refusal(Reason::kInvalidSignature, "the query string has a malformed escape");
    }
    if (drop_signature && name == "X-Amz-Signature") continue;
    std::pair<std::string, std::string> p;
    uri_encode(name, false, p.first);
    uri_encode(value, false, p.second);
    encoded.push_back(std::move(p));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [n, v] : encoded) {
    if (!out.empty()) out.push_back('&');
    out.append(n).append("=").append(v);
  }
  return out;
}

Status append_canonical_headers(const std::vector<HeaderField>& headers,
                                std::span<const std::string_view> signed_names, std::string& out) {
  for (std::string_view name : signed_names) {
    out.append(name).push_back(':');
    bool found = false;
    for (const HeaderField& h : headers) {
      if (h.name != name) continue;
      if (found) out.push_back(',');
      append_folded(h.value, out);
      found = true;
    }
    if (!found) {
      return refusal(Reason::kInvalidSignature,
                     "signed header '" + std::string(name) + "' is not in the request");
    }
    out.push_back('\n');
  }
  return {};
}

Result<std::string> canonical_headers(const std::vector<HeaderField>& headers,
                                      std::span<const std::string_view> signed_names) {
  std::string out;
  SAPI_RETURN_IF_ERROR(append_canonical_headers(headers, signed_names, out));
  return out;
}

std::string join_signed_headers(std::span<const std::string_view> signed_names) {
  std::string out;
  for (std::string_view name : signed_names) {
    if (!out.empty()) out.push_back(';');
    out.append(name);
  }
  return out;
}

std::string canonical_request(std::string_view method, std::string_view uri, std::string_view query,
                              std::string_view headers, std::string_view signed_headers,
                              std::string_view payload_hash) {
  std::string out;
  out.reserve(method.size() + uri.size() + query.size() + headers.size() + signed_headers.size() +
              payload_hash.size() + 5);
  out.append(method).push_back('\n');
  out.append(uri).push_back('\n');
  out.append(query).push_back('\n');
  out.append(headers).push_back('\n');
  out.append(signed_headers).push_back('\n');
  out.append(payload_hash);
  return out;
}

void write_string_to_sign(std::string_view amz_date, std::string_view scope,
                          std::string_view canonical_request, std::string& out) {
  Sha256Digest digest = sha256(canonical_request);
  out.assign(kAlgorithm);
  out.push_back('\n');
  out.append(amz_date).push_back('\n');
  out.append(scope).push_back('\n');
  size_t at = out.size();
  out.resize(at + 2 * digest.size());
  static constexpr char kDigits[] = "0123456789abcdef";
  for (size_t i = 0; i < digest.size(); ++i) {
    out[at + 2 * i] = kDigits[digest[i] >> 4];
    out[at + 2 * i + 1] = kDigits[digest[i] & 0xF];
  }
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request) {
  std::string out;
  write_string_to_sign(amz_date, scope, canonical_request, out);
  return out;
}

std::string derive_signing_key(std::string_view secret, std::string_view date,
                               std::string_view region, std::string_view service) {
  std::string k = "AWS4";
  k.append(secret);
  std::string key = hmac_sha256(k, date);
  key = hmac_sha256(key, region);
  key = hmac_sha256(key, service);
  return hmac_sha256(key, "aws4_request");
}

std::string compute_signature(std::string_view signing_key, std::string_view string_to_sign) {
  return hmac_sha256_hex(signing_key, string_to_sign);
}

}  // namespace sapi::auth::sigv4
