#include "auth/sigv4_signer.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "auth/crypto.h"
#include "auth/sigv4_canonical.h"

namespace sapi::auth::sigv4 {

std::string format_amz_date(int64_t epoch_seconds) {
  auto tp = std::chrono::sys_seconds(std::chrono::seconds(epoch_seconds));
  auto days = std::chrono::floor<std::chrono::days>(tp);
  std::chrono::year_month_day ymd(days);
  std::chrono::hh_mm_ss hms(tp - days);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

void sign_request(OutgoingRequest& request, const SigningParams& params) {
  auto& headers = request.headers;
  std::erase_if(headers, [](const auto& h) {
    return h.first == "authorization" || h.first == "x-amz-date" ||
           h.first == "x-amz-security-token";
  });
  std::string amz_date = format_amz_date(params.time);
  headers.emplace_back("x-amz-date", amz_date);
  if (params.session_token) headers.emplace_back("x-amz-security-token", *params.session_token);

  std::vector<std::string_view> names;  // views into `headers`, unchanged until signed
  std::vector<HeaderField> fields;
  for (const auto& [n, v] : headers) {
    fields.push_back({n, v});
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  }
  std::sort(names.begin(), names.end());
  std::string date = amz_date.substr(0, 8);
  std::string scope = date + "/" + params.region + "/" + params.service + "/aws4_request";
  auto query = canonical_query(request.query, false);
  auto canonical_h = canonical_headers(fields, names);
  std::string signed_names = join_signed_headers(names);
  std::string creq = canonical_request(
      request.method, canonical_uri(request.raw_path, false), query.ok() ? *query : "",
      canonical_h.ok() ? *canonical_h : "", signed_names, sha256_hex(request.body));
  std::string key =
      derive_signing_key(params.secret_access_key, date, params.region, params.service);
  std::string signature = compute_signature(key, string_to_sign(amz_date, scope, creq));
  headers.emplace_back("authorization", "AWS4-HMAC-SHA256 Credential=" + params.access_key_id +
                                            "/" + scope + ", SignedHeaders=" + signed_names +
                                            ", Signature=" + signature);
}

}  // namespace sapi::auth::sigv4
