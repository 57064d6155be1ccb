// The AWS Signature Version 4 test suite (testdata/sigv4, from awslabs/aws-c-auth): for every
// case, the canonical request, string to sign, signature and Authorization header we build
// must equal AWS's byte for byte, and the verifier must accept the signed request.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "auth/crypto.h"
#include "auth/sigv4_canonical.h"
#include "auth/sigv4_parse.h"
#include "auth/sigv4_verifier.h"

namespace sapi::auth::sigv4 {
namespace {

namespace fs = std::filesystem;
const fs::path kSuite = "testdata/sigv4/v4";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// An HTTP/1.1 request as the suite writes it: request line, headers (continuation lines
// folded into the previous value with a space, as RFC 9112 obs-fold), blank line, body.
struct SuiteRequest {
  std::string method;
  std::string path;
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  SignedRequest view() const {
    SignedRequest r{method, path, query, {}, body};
    for (const auto& [n, v] : headers) r.headers.push_back({n, v});
    return r;
  }
  std::optional<std::string> header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) return v;
    }
    return std::nullopt;
  }
};

SuiteRequest parse_request(const std::string& text) {
  SuiteRequest r;
  size_t pos = 0;
  auto next_line = [&]() {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    return line;
  };
  std::string line = next_line();
  size_t sp = line.find(' ');
  r.method = line.substr(0, sp);
  std::string target = line.substr(sp + 1, line.rfind(" HTTP/1.1") - sp - 1);
  size_t q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  while (pos < text.size()) {
    line = next_line();
    if (line.empty()) break;
    if (line[0] == ' ' || line[0] == '\t') {
      r.headers.back().second += " " + line;
      continue;
    }
    size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers.emplace_back(name, line.substr(colon + 1));
  }
  r.body = text.substr(pos);
  return r;
}

struct Context {
  std::string access_key_id, secret, token, region, service;
  bool normalize = true;
  bool omit_session_token = false;
  int64_t timestamp = 0;
};

Context read_context(const fs::path& dir) {
  auto v = boost::json::parse(read_file(dir / "context.json")).as_object();
  Context c;
  const auto& creds = v.at("credentials").as_object();
  c.access_key_id = creds.at("access_key_id").as_string();
  c.secret = creds.at("secret_access_key").as_string();
  if (creds.contains("token")) c.token = creds.at("token").as_string();
  c.region = v.at("region").as_string();
  c.service = v.at("service").as_string();
  c.normalize = v.at("normalize").as_bool();
  if (v.contains("omit_session_token")) c.omit_session_token = v.at("omit_session_token").as_bool();
  std::string ts(v.at("timestamp").as_string());  // 2015-08-30T12:36:00Z
  std::string amz = ts.substr(0, 4) + ts.substr(5, 2) + ts.substr(8, 2) + "T" + ts.substr(11, 2) +
                    ts.substr(14, 2) + ts.substr(17, 2) + "Z";
  c.timestamp = *parse_amz_date(amz);
  return c;
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(kSuite)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

class SigV4Suite : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = kSuite / GetParam();
    ctx_ = read_context(dir_);
    Credential cred;
    cred.name = "suite";
    cred.access_key_id = ctx_.access_key_id;
    cred.secret_access_key = ctx_.secret;
    if (!ctx_.token.empty()) cred.session_token = ctx_.token;
    credentials_.add(cred);
    clock_.set(Clock::TimePoint(std::chrono::seconds(ctx_.timestamp)));
    options_.region = ctx_.region;
    options_.service = ctx_.service;
  }
  std::string expected(const char* file) { return read_file(dir_ / file); }

  fs::path dir_;
  Context ctx_;
  InMemoryCredentials credentials_;
  ManualClock clock_;
  VerifierOptions options_;
};

TEST_P(SigV4Suite, HeaderSigningMatchesAwsExactly) {
  SuiteRequest req = parse_request(expected("header-signed-request.txt"));
  std::string authorization = *req.header("authorization");  // the claim views it
  auto claim = parse_authorization(authorization);
  ASSERT_TRUE(claim.ok()) << claim.status().to_string();

  // What a signer builds, from the suite's own normalisation flag.
  SignedRequest view = req.view();
  auto query = canonical_query(req.query, false);
  ASSERT_TRUE(query.ok());
  auto headers = canonical_headers(view.headers, claim->signed_headers.view());
  ASSERT_TRUE(headers.ok()) << headers.status().to_string();
  std::string payload = req.header("x-amz-content-sha256").value_or(sha256_hex(req.body));
  std::string creq =
      canonical_request(req.method, canonical_uri(req.path, ctx_.normalize), *query, *headers,
                        join_signed_headers(claim->signed_headers.view()), payload);
  EXPECT_EQ(creq, expected("header-canonical-request.txt"));
  std::string sts = string_to_sign(*req.header("x-amz-date"), claim->credential.scope(), creq);
  EXPECT_EQ(sts, expected("header-string-to-sign.txt"));
  std::string key =
      derive_signing_key(ctx_.secret, claim->credential.date, ctx_.region, ctx_.service);
  std::string signature = compute_signature(key, sts);
  EXPECT_EQ(signature, expected("header-signature.txt"));
  EXPECT_EQ(*req.header("authorization"),
            "AWS4-HMAC-SHA256 Credential=" + ctx_.access_key_id + "/" + claim->credential.scope() +
                ", SignedHeaders=" + join_signed_headers(claim->signed_headers.view()) +
                ", Signature=" + signature);

  // The verifier, from the received request alone.
  Verifier verifier(options_, credentials_, clock_);
  SigningTrace trace;
  auto verified = verifier.verify(view, &trace);
  if (ctx_.omit_session_token && req.header("x-amz-security-token")) {
    // The token was added after signing: an unsigned x-amz-* header is refused.
    ASSERT_FALSE(verified.ok());
    EXPECT_EQ(verified.status().message().rfind("InvalidSignatureException:", 0), 0u)
        << verified.status().message();
    return;
  }
  ASSERT_TRUE(verified.ok()) << verified.status().to_string();
  EXPECT_EQ(verified->access_key_id, ctx_.access_key_id);
  EXPECT_EQ(trace.canonical_request, expected("header-canonical-request.txt"));
  EXPECT_EQ(trace.string_to_sign, expected("header-string-to-sign.txt"));
  EXPECT_EQ(trace.signature, expected("header-signature.txt"));
}

TEST_P(SigV4Suite, PresignedQueryMatchesAwsExactly) {
  SuiteRequest req = parse_request(expected("query-signed-request.txt"));
  Verifier verifier(options_, credentials_, clock_);
  SigningTrace trace;
  auto verified = verifier.verify(req.view(), &trace);
  if (ctx_.omit_session_token) {
    // The token was appended to the URL after signing: the signature cannot cover it.
    ASSERT_FALSE(verified.ok());
    EXPECT_EQ(verified.status().message().rfind("SignatureDoesNotMatch:", 0), 0u);
    return;
  }
  ASSERT_TRUE(verified.ok()) << verified.status().to_string();
  EXPECT_EQ(trace.canonical_request, expected("query-canonical-request.txt"));
  EXPECT_EQ(trace.string_to_sign, expected("query-string-to-sign.txt"));
  EXPECT_EQ(trace.signature, expected("query-signature.txt"));
}

TEST_P(SigV4Suite, TamperedSignatureIsRefused) {
  SuiteRequest req = parse_request(expected("header-signed-request.txt"));
  for (auto& [name, value] : req.headers) {
    if (name == "authorization") value.back() = value.back() == '0' ? '1' : '0';
  }
  Verifier verifier(options_, credentials_, clock_);
  EXPECT_FALSE(verifier.verify(req.view()).ok());
}

INSTANTIATE_TEST_SUITE_P(Aws, SigV4Suite, ::testing::ValuesIn(case_names()), [](const auto& info) {
  std::string n = info.param;
  for (char& c : n) {
    if (c == '-') c = '_';
  }
  return n;
});

TEST(SigV4Suite, HasEveryCase) { EXPECT_EQ(case_names().size(), 38u); }

}  // namespace
}  // namespace sapi::auth::sigv4
