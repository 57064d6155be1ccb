// The SigV4 parsers on arbitrary bytes: the Authorization header, the presigned query, the
// canonical query and URI builders, and the whole verifier on a request made of the input
// (first line: path?query; then "name:value" header lines; a blank line; the body).
// Nothing may crash, hang or read out of bounds, whatever the bytes.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/sigv4_canonical.h"
#include "auth/sigv4_parse.h"
#include "auth/sigv4_verifier.h"

namespace {

using namespace sapi;
using namespace sapi::auth;

const InMemoryCredentials& credentials() {
  static const InMemoryCredentials store([] {
    Credential c;
    c.name = "fuzz";
    c.access_key_id = "AKIDEXAMPLE";
    c.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    c.routes = {"*"};
    return std::vector<Credential>{c};
  }());
  return store;
}

void verify_as_request(std::string_view data) {
  sigv4::SignedRequest request;
  request.method = "POST";
  size_t nl = data.find('\n');
  std::string_view target = data.substr(0, nl);
  size_t q = target.find('?');
  request.raw_path = target.substr(0, q);
  if (q != std::string_view::npos) request.query = target.substr(q + 1);
  std::string_view rest = nl == std::string_view::npos ? std::string_view() : data.substr(nl + 1);
  while (!rest.empty()) {
    nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (line.empty()) break;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    request.headers.push_back({line.substr(0, colon), line.substr(colon + 1)});
  }
  request.body = rest;
  static const ManualClock clock(Clock::TimePoint(std::chrono::seconds(1440938160)));
  sigv4::VerifierOptions options;
  options.region = "us-east-1";
  options.service = "service";
  sigv4::Verifier verifier(options, credentials(), clock);
  sigv4::SigningTrace trace;
  (void)verifier.verify(request, &trace);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string_view data(reinterpret_cast<const char*>(bytes), size);
  (void)sigv4::parse_authorization(data);
  (void)sigv4::parse_presigned_query(data);
  (void)sigv4::looks_presigned(data);
  (void)sigv4::parse_amz_date(data);
  (void)sigv4::canonical_query(data, true);
  (void)sigv4::canonical_uri(data, true);
  (void)sigv4::canonical_uri(data, false);
  verify_as_request(data);
  return 0;
}
