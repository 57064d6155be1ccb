#include "session_api/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace session_api::sigv4 {
namespace {

constexpr const char* kAlgorithm = "AWS4-HMAC-SHA256";

std::string hex(const unsigned char* data, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0xF]);
  }
  return out;
}

std::string hmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &n);
  return std::string(reinterpret_cast<const char*>(out), n);
}

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

void uri_encode(const std::string& in, bool keep_slash, std::string& out) {
  static const char kHex[] = "0123456789ABCDEF";
  for (char ch : in) {
    auto c = static_cast<unsigned char>(ch);
    if (unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes; a malformed escape is kept as it is (it is then encoded as "%25...").
std::string uri_decode(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  return out;
}

// RFC 3986 remove_dot_segments, dropping empty segments too (as AWS's own signers do).
std::string normalize(const std::string& path) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string seg =
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  std::string out = "/";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out += segments[i];
  }
  if (!segments.empty() && path.back() == '/') out.push_back('/');
  return out;
}

// Every segment of the path as sent is encoded once more (every service but S3 does this:
// "%20" on the wire is "%2520" in the canonical URI).
std::string canonical_uri(const std::string& path, bool normalize_path) {
  if (path.empty()) return "/";
  std::string out;
  uri_encode(normalize_path ? normalize(path) : path, true, out);
  return out;
}

std::string canonical_query(const std::string& query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t start = 0;
  while (start < query.size()) {
    size_t amp = query.find('&', start);
    std::string part =
        query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    if (!part.empty()) {
      size_t eq = part.find('=');
      std::string name = uri_decode(part.substr(0, eq));
      std::string value = eq == std::string::npos ? "" : uri_decode(part.substr(eq + 1));
      std::pair<std::string, std::string> p;
      uri_encode(name, false, p.first);
      uri_encode(value, false, p.second);
      pairs.push_back(std::move(p));
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [n, v] : pairs) {
    if (!out.empty()) out.push_back('&');
    out += n + "=" + v;
  }
  return out;
}

// Trimmed, with runs of spaces and tabs folded into one space.
std::string fold(const std::string& value) {
  std::string out;
  bool pending = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending = !out.empty();
      continue;
    }
    if (pending) out.push_back(' ');
    pending = false;
    out.push_back(c);
  }
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string sha256_hex(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return hex(digest, sizeof digest);
}

std::string amz_date(int64_t epoch_seconds) {
  // Days to a civil date (H. Hinnant's algorithm): no gmtime_r/gmtime_s, the same on every
  // platform an engine builds for.
  int64_t days = epoch_seconds >= 0 ? epoch_seconds / 86400 : (epoch_seconds - 86399) / 86400;
  int64_t secs = epoch_seconds - days * 86400;
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t day = doy - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", static_cast<int>(year),
                static_cast<int>(month), static_cast<int>(day), static_cast<int>(secs / 3600),
                static_cast<int>(secs % 3600 / 60), static_cast<int>(secs % 60));
  return buf;
}

Signature sign(const Request& request, const Params& params) {
  Signature result;
  std::string date = amz_date(params.epoch_seconds);
  std::string payload_hash = sha256_hex(request.body);

  // Names in order, each with its values in the order they appear.
  std::vector<std::pair<std::string, std::vector<std::string>>> headers;
  auto add = [&headers](const std::string& name, const std::string& value) {
    std::string key = lower(name);
    for (auto& [n, values] : headers) {
      if (n == key) {
        values.push_back(fold(value));
        return;
      }
    }
    headers.push_back({key, {fold(value)}});
  };
  for (const auto& [name, value] : request.headers) add(name, value);
  add("x-amz-date", date);
  result.headers.push_back({"x-amz-date", date});
  if (params.content_sha256_header) {
    add("x-amz-content-sha256", payload_hash);
    result.headers.push_back({"x-amz-content-sha256", payload_hash});
  }
  if (!params.credentials.session_token.empty()) {
    add("x-amz-security-token", params.credentials.session_token);
    result.headers.push_back({"x-amz-security-token", params.credentials.session_token});
  }
  std::sort(headers.begin(), headers.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  std::string canonical_headers, signed_headers;
  for (const auto& [name, values] : headers) {
    canonical_headers += name + ":";
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) canonical_headers.push_back(',');
      canonical_headers += values[i];
    }
    canonical_headers.push_back('\n');
    if (!signed_headers.empty()) signed_headers.push_back(';');
    signed_headers += name;
  }

  result.canonical_request = request.method + "\n" +
                             canonical_uri(request.path, params.normalize_path) + "\n" +
                             canonical_query(request.query) + "\n" + canonical_headers + "\n" +
                             signed_headers + "\n" + payload_hash;
  std::string day = date.substr(0, 8);
  std::string scope = day + "/" + params.region + "/" + params.service + "/aws4_request";
  result.string_to_sign = std::string(kAlgorithm) + "\n" + date + "\n" + scope + "\n" +
                          sha256_hex(result.canonical_request);
  std::string key = hmac("AWS4" + params.credentials.secret_access_key, day);
  key = hmac(key, params.region);
  key = hmac(key, params.service);
  key = hmac(key, "aws4_request");
  std::string mac = hmac(key, result.string_to_sign);
  result.signature = hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
  result.headers.push_back({"authorization", std::string(kAlgorithm) +
                                                 " Credential=" + params.credentials.access_key_id +
                                                 "/" + scope + ", SignedHeaders=" + signed_headers +
                                                 ", Signature=" + result.signature});
  return result;
}

}  // namespace session_api::sigv4
