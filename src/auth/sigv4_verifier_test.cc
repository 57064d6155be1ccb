// The rules of SigV4 verification, one by one: what is accepted and every way a request is
// refused, with the reason AWS would give.

#include "auth/sigv4_verifier.h"

#include <gtest/gtest.h>

#include "auth/crypto.h"
#include "auth/sigv4_error.h"
#include "auth/sigv4_parse.h"
#include "auth/sigv4_signer.h"

namespace sapi::auth::sigv4 {
namespace {

constexpr int64_t kNow = 1775649600;  // 2026-04-08T12:00:00Z
constexpr std::string_view kNowAmz = "20260408T120000Z";

// A request under construction, signed with the canonical functions (checked against the AWS
// suite in sigv4_suite_test.cc) the way a client SDK signs it.
struct TestRequest {
  std::string method = "POST";
  std::string path = "/dev/session-summary";
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers = {{"host", "api.example.com"},
                                                              {"content-type", "application/json"}};
  std::string body = R"({"playerId":"p1","sessionId":"s1"})";

  void set(std::string name, std::string value) {
    for (auto& [n, v] : headers) {
      if (n == name) {
        v = std::move(value);
        return;
      }
    }
    headers.emplace_back(std::move(name), std::move(value));
  }
  void remove(std::string_view name) {
    std::erase_if(headers, [&](const auto& h) { return h.first == name; });
  }
  SignedRequest view() const {
    SignedRequest r{method, path, query, {}, body};
    for (const auto& [n, v] : headers) r.headers.push_back({n, v});
    return r;
  }
};

struct SignSpec {
  std::string access_key_id = "AKIATESTTESTTEST0001";
  std::string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  std::string amz_date = std::string(kNowAmz);
  std::string scope_date = "20260408";
  std::string region = "eu-west-1";
  std::string service = "execute-api";
  std::optional<std::string> session_token;
  std::vector<std::string> exclude;  // headers present but left unsigned
};

// Views into `r`'s header names.
std::vector<std::string_view> sorted_names(const TestRequest& r, const SignSpec& spec) {
  std::vector<std::string_view> names;
  for (const auto& [n, v] : r.headers) {
    if (n == "authorization" ||
        std::find(spec.exclude.begin(), spec.exclude.end(), n) != spec.exclude.end()) {
      continue;
    }
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string sign_with(const TestRequest& r, const SignSpec& spec,
                      const std::vector<std::string_view>& names, std::string_view query,
                      std::string_view payload) {
  SignedRequest view = r.view();
  std::string creq = canonical_request(
      r.method, canonical_uri(r.path, false), *canonical_query(query, true),
      *canonical_headers(view.headers, names), join_signed_headers(names), payload);
  std::string scope = spec.scope_date + "/" + spec.region + "/" + spec.service + "/aws4_request";
  std::string key = derive_signing_key(spec.secret, spec.scope_date, spec.region, spec.service);
  return compute_signature(key, string_to_sign(spec.amz_date, scope, creq));
}

// Signs with the Authorization header, as @smithy/signature-v4 does.
void sign(TestRequest& r, const SignSpec& spec = {}) {
  r.remove("authorization");
  r.set("x-amz-date", spec.amz_date);
  if (spec.session_token) r.set("x-amz-security-token", *spec.session_token);
  std::vector<std::string_view> names = sorted_names(r, spec);
  std::string payload(sha256_hex(r.body));
  for (const auto& [n, v] : r.headers) {
    if (n == "x-amz-content-sha256") payload = v;
  }
  std::string signature = sign_with(r, spec, names, r.query, payload);
  r.headers.emplace_back(
      "authorization", "AWS4-HMAC-SHA256 Credential=" + spec.access_key_id + "/" + spec.scope_date +
                           "/" + spec.region + "/" + spec.service +
                           "/aws4_request, SignedHeaders=" + join_signed_headers(names) +
                           ", Signature=" + signature);
}

std::string encode(std::string_view s) {
  std::string out;
  uri_encode(s, false, out);
  return out;
}

// Signs as a presigned URL.
void presign(TestRequest& r, int64_t expires, const SignSpec& spec = {}) {
  std::vector<std::string_view> names = {"host"};
  std::string q = r.query.empty() ? "" : r.query + "&";
  q += "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" +
       encode(spec.access_key_id + "/" + spec.scope_date + "/" + spec.region + "/" + spec.service +
              "/aws4_request") +
       "&X-Amz-Date=" + spec.amz_date + "&X-Amz-Expires=" + std::to_string(expires) +
       "&X-Amz-SignedHeaders=host";
  if (spec.session_token) q += "&X-Amz-Security-Token=" + encode(*spec.session_token);
  std::string signature = sign_with(r, spec, names, q, sha256_hex(r.body));
  r.query = q + "&X-Amz-Signature=" + signature;
}

class VerifierTest : public ::testing::Test {
 protected:
  VerifierTest() : clock_(Clock::TimePoint(std::chrono::seconds(kNow))) {
    Credential permanent;
    permanent.name = "game-server-1";
    permanent.access_key_id = "AKIATESTTESTTEST0001";
    permanent.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    permanent.routes = {"*"};
    credentials_.add(permanent);
    Credential temporary = permanent;
    temporary.name = "game-server-tmp";
    temporary.access_key_id = "ASIATESTTESTTEST0002";
    temporary.secret_access_key = "tmpSecretTmpSecretTmpSecretTmpSecret0000";
    temporary.session_token = "FwoGZXIvYXdzEPT//////////+token/with=chars";
    temporary.expires_at = kNow + 3600;
    credentials_.add(temporary);
  }

  SignSpec temporary_spec() const {
    SignSpec spec;
    spec.access_key_id = "ASIATESTTESTTEST0002";
    spec.secret = "tmpSecretTmpSecretTmpSecretTmpSecret0000";
    spec.session_token = "FwoGZXIvYXdzEPT//////////+token/with=chars";
    return spec;
  }

  Result<Credential> verify(const TestRequest& r) {
    Verifier verifier(options_, credentials_, clock_);
    return verifier.verify(r.view());
  }

  // The reason name at the front of a refusal, e.g. "SignatureDoesNotMatch".
  std::string reason(const TestRequest& r) {
    auto result = verify(r);
    if (result.ok()) return "accepted";
    EXPECT_EQ(result.status().code(), Code::kPermissionDenied);
    const std::string& m = result.status().message();
    return m.substr(0, m.find(':'));
  }

  InMemoryCredentials credentials_;
  ManualClock clock_;
  VerifierOptions options_;
};

TEST_F(VerifierTest, AcceptsASignedPostAndNamesTheCaller) {
  TestRequest r;
  sign(r);
  auto caller = verify(r);
  ASSERT_TRUE(caller.ok()) << caller.status().to_string();
  EXPECT_EQ(caller->name, "game-server-1");
  EXPECT_EQ(caller->access_key_id, "AKIATESTTESTTEST0001");
  EXPECT_TRUE(caller->secret_access_key.empty()) << "the secret never leaves the verifier";
}

TEST_F(VerifierTest, AcceptsPathAndQueryWithEscapes) {
  TestRequest r;
  r.method = "GET";
  r.body.clear();
  r.path = "/dev/matchmaking/status/a%20b%2Fc";
  r.query = "b=2&a=%E1%88%B4&a=1&empty&sp=x%20y";
  sign(r);
  EXPECT_EQ(reason(r), "accepted");
}

TEST_F(VerifierTest, AcceptsDatesAtTheEdgesOfTheWindow) {
  for (int64_t offset : {-15 * 60, 15 * 60}) {
    clock_.set(Clock::TimePoint(std::chrono::seconds(kNow + offset)));
    TestRequest r;
    sign(r);
    EXPECT_EQ(reason(r), "accepted") << offset;
  }
}

TEST_F(VerifierTest, AcceptsTemporaryCredentialsWithTheirToken) {
  TestRequest r;
  sign(r, temporary_spec());
  EXPECT_EQ(reason(r), "accepted");
}

TEST_F(VerifierTest, AcceptsAMatchingContentSha256) {
  TestRequest r;
  r.set("x-amz-content-sha256", sha256_hex(r.body));
  sign(r);
  EXPECT_EQ(reason(r), "accepted");
}

TEST_F(VerifierTest, AcceptsUnsignedPayloadOnlyWhenConfigured) {
  TestRequest r;
  r.set("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  sign(r);
  EXPECT_EQ(reason(r), "InvalidSignatureException");
  options_.allow_unsigned_payload = true;
  EXPECT_EQ(reason(r), "accepted");
}

TEST_F(VerifierTest, AcceptsPresignedUrls) {
  TestRequest r;
  r.method = "GET";
  r.body.clear();
  r.query = "x=1";
  presign(r, 300);
  EXPECT_EQ(reason(r), "accepted");
  TestRequest t;
  t.method = "GET";
  t.body.clear();
  presign(t, 300, temporary_spec());
  EXPECT_EQ(reason(t), "accepted");
}

TEST_F(VerifierTest, AcceptsWhatSmithySignsForDotSegments) {
  // @smithy/signature-v4 resolves "." and ".." and drops empty segments before signing.
  TestRequest r;
  r.path = "/dev//session-summary";
  r.set("x-amz-date", std::string(kNowAmz));
  std::vector<std::string_view> names = sorted_names(r, {});
  SignSpec spec;
  SignedRequest view = r.view();
  std::string creq = canonical_request(r.method, canonical_uri(r.path, true), "",
                                       *canonical_headers(view.headers, names),
                                       join_signed_headers(names), sha256_hex(r.body));
  std::string key = derive_signing_key(spec.secret, spec.scope_date, spec.region, spec.service);
  std::string sig = compute_signature(
      key, string_to_sign(spec.amz_date, "20260408/eu-west-1/execute-api/aws4_request", creq));
  r.headers.emplace_back("authorization",
                         "AWS4-HMAC-SHA256 Credential=AKIATESTTESTTEST0001/20260408/eu-west-1/"
                         "execute-api/aws4_request, SignedHeaders=" +
                             join_signed_headers(names) + ", Signature=" + sig);
  EXPECT_EQ(reason(r), "accepted");
  options_.accept_normalized_path = false;
  EXPECT_EQ(reason(r), "SignatureDoesNotMatch");
}

TEST_F(VerifierTest, AcceptsWhatTheBundledSignerSigns) {
  OutgoingRequest out;
  out.method = "POST";
  out.raw_path = "/dev/session-summary";
  out.query = "b=2&a=1";
  out.headers = {{"host", "api.example.com"}, {"content-type", "application/json"}};
  out.body = "{}";
  SigningParams params;
  params.access_key_id = "ASIATESTTESTTEST0002";
  params.secret_access_key = "tmpSecretTmpSecretTmpSecretTmpSecret0000";
  params.session_token = "FwoGZXIvYXdzEPT//////////+token/with=chars";
  params.time = kNow;
  sign_request(out, params);
  SignedRequest view{out.method, out.raw_path, out.query, {}, out.body};
  for (const auto& [n, v] : out.headers) view.headers.push_back({n, v});
  Verifier verifier(options_, credentials_, clock_);
  auto verified = verifier.verify(view);
  ASSERT_TRUE(verified.ok()) << verified.status().to_string();
  EXPECT_EQ(verified->name, "game-server-tmp");
  EXPECT_EQ(format_amz_date(kNow), kNowAmz);
}

// --- Refusals ----------------------------------------------------------------------------

TEST_F(VerifierTest, RefusesNoAuthenticationAtAll) {
  TestRequest r;
  EXPECT_EQ(reason(r), "MissingAuthenticationToken");
}

TEST_F(VerifierTest, RefusesAStaleDate) {
  TestRequest r;
  sign(r);
  clock_.set(Clock::TimePoint(std::chrono::seconds(kNow + 15 * 60 + 1)));
  EXPECT_EQ(reason(r), "RequestExpired");
}

TEST_F(VerifierTest, RefusesAFutureDate) {
  TestRequest r;
  sign(r);
  clock_.set(Clock::TimePoint(std::chrono::seconds(kNow - 15 * 60 - 1)));
  EXPECT_EQ(reason(r), "RequestExpired");
}

TEST_F(VerifierTest, RefusesAWrongSecret) {
  TestRequest r;
  SignSpec spec;
  spec.secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ";
  sign(r, spec);
  EXPECT_EQ(reason(r), "SignatureDoesNotMatch");
}

TEST_F(VerifierTest, RefusesABodyChangedAfterSigning) {
  TestRequest r;
  sign(r);
  r.body = R"({"playerId":"p2","sessionId":"s1"})";
  EXPECT_EQ(reason(r), "SignatureDoesNotMatch");
}

TEST_F(VerifierTest, RefusesABodyThatDoesNotMatchItsDeclaredHash) {
  TestRequest r;
  r.set("x-amz-content-sha256", sha256_hex(r.body));
  sign(r);
  r.body += " ";
  EXPECT_EQ(reason(r), "InvalidSignatureException");
}

TEST_F(VerifierTest, RefusesAPathChangedAfterSigning) {
  TestRequest r;
  sign(r);
  r.path = "/prod/session-summary";
  EXPECT_EQ(reason(r), "SignatureDoesNotMatch");
}

TEST_F(VerifierTest, RefusesAQueryChangedAfterSigning) {
  TestRequest r;
  r.query = "a=1";
  sign(r);
  r.query = "a=2";
  EXPECT_EQ(reason(r), "SignatureDoesNotMatch");
  r.query = "a=1&b=1";
  EXPECT_EQ(reason(r), "SignatureDoesNotMatch");
}

TEST_F(VerifierTest, RefusesASignedHeaderChangedOrRepeatedAfterSigning) {
  TestRequest r;
  sign(r);
  r.set("content-type", "text/plain");
  EXPECT_EQ(reason(r), "SignatureDoesNotMatch");
  TestRequest d;
  sign(d);
  d.headers.emplace_back("content-type", "text/plain");
  EXPECT_EQ(reason(d), "SignatureDoesNotMatch");
}

TEST_F(VerifierTest, RefusesAnAmzHeaderAddedAfterSigning) {
  TestRequest r;
  sign(r);
  r.headers.emplace_back("x-amz-meta-extra", "1");
  EXPECT_EQ(reason(r), "InvalidSignatureException");
}

TEST_F(VerifierTest, RefusesAnUnsignedHost) {
  TestRequest r;
  SignSpec spec;
  spec.exclude = {"host"};
  sign(r, spec);
  EXPECT_EQ(reason(r), "IncompleteSignature");
}

TEST_F(VerifierTest, RefusesAnUnsignedAmzDate) {
  TestRequest r;
  SignSpec spec;
  spec.exclude = {"x-amz-date"};
  sign(r, spec);
  EXPECT_EQ(reason(r), "IncompleteSignature");
}

TEST_F(VerifierTest, RefusesAnUnsignedAmzHeader) {
  TestRequest r;
  r.set("x-amz-user-agent", "sdk");
  SignSpec spec;
  spec.exclude = {"x-amz-user-agent"};
  sign(r, spec);
  EXPECT_EQ(reason(r), "InvalidSignatureException");
}

TEST_F(VerifierTest, RefusesAnUnsignedSessionToken) {
  TestRequest r;
  SignSpec spec = temporary_spec();
  spec.exclude = {"x-amz-security-token"};
  sign(r, spec);
  EXPECT_EQ(reason(r), "InvalidSignatureException");
}

TEST_F(VerifierTest, RefusesAnUnknownKey) {
  TestRequest r;
  SignSpec spec;
  spec.access_key_id = "AKIAUNKNOWNUNKNOWN00";
  sign(r, spec);
  EXPECT_EQ(reason(r), "UnrecognizedClientException");
}

TEST_F(VerifierTest, RefusesExpiredTemporaryCredentials) {
  clock_.set(Clock::TimePoint(std::chrono::seconds(kNow + 3600)));
  TestRequest r;
  SignSpec spec = temporary_spec();
  spec.amz_date = "20260408T130000Z";
  sign(r, spec);
  EXPECT_EQ(reason(r), "ExpiredToken");
}

TEST_F(VerifierTest, RefusesAWrongOrMissingSessionToken) {
  TestRequest wrong;
  SignSpec spec = temporary_spec();
  spec.session_token = "FwoGZXIvYXdzEPT//////////+token/with=chaRs";
  sign(wrong, spec);
  EXPECT_EQ(reason(wrong), "UnrecognizedClientException");
  TestRequest missing;
  spec.session_token.reset();
  sign(missing, spec);
  EXPECT_EQ(reason(missing), "UnrecognizedClientException");
  TestRequest extra;
  SignSpec permanent;
  permanent.session_token = "not-expected";
  sign(extra, permanent);
  EXPECT_EQ(reason(extra), "UnrecognizedClientException");
}

TEST_F(VerifierTest, RefusesAWrongRegion) {
  TestRequest r;
  SignSpec spec;
  spec.region = "us-east-1";
  sign(r, spec);
  EXPECT_EQ(reason(r), "InvalidSignatureException");
}

TEST_F(VerifierTest, RefusesAWrongService) {
  TestRequest r;
  SignSpec spec;
  spec.service = "s3";
  sign(r, spec);
  EXPECT_EQ(reason(r), "InvalidSignatureException");
}

TEST_F(VerifierTest, RefusesAScopeDateOtherThanTheRequestDate) {
  TestRequest r;
  SignSpec spec;
  spec.scope_date = "20260407";
  sign(r, spec);
  EXPECT_EQ(reason(r), "InvalidSignatureException");
}

TEST_F(VerifierTest, RefusesMalformedAuthorizationHeaders) {
  for (const std::string& bad : std::vector<std::string>{
           "Bearer abc",
           "AWS4-HMAC-SHA256",
           "AWS4-HMAC-SHA256 Credential=AKIATESTTESTTEST0001/20260408/eu-west-1/execute-api/"
           "aws4_request, SignedHeaders=host;x-amz-date",
           "AWS4-HMAC-SHA256 Credential=AKIATESTTESTTEST0001/20260408/eu-west-1/execute-api/"
           "aws4_request, SignedHeaders=x-amz-date;host, Signature=" +
               std::string(64, 'a'),
           "AWS4-HMAC-SHA256 Credential=AKIATESTTESTTEST0001/20260408/eu-west-1/execute-api/"
           "aws4_request, SignedHeaders=host;x-amz-date, Signature=" +
               std::string(63, 'a'),
           "AWS4-HMAC-SHA256 Credential=AKIATESTTESTTEST0001/20260408/eu-west-1/execute-api, "
           "SignedHeaders=host;x-amz-date, Signature=" +
               std::string(64, 'a'),
           "AWS4-HMAC-SHA256 Credential=A/B/C/D/E, Credential=A/B/C/D/E",
       }) {
    TestRequest r;
    r.set("x-amz-date", std::string(kNowAmz));
    r.set("authorization", bad);
    EXPECT_EQ(reason(r), "IncompleteSignature") << bad;
  }
}

TEST_F(VerifierTest, RefusesTwoAuthorizationHeadersOrHeaderAndQuery) {
  TestRequest r;
  sign(r);
  r.headers.push_back(r.headers.back());
  EXPECT_EQ(reason(r), "IncompleteSignature");
  TestRequest both;
  both.method = "GET";
  both.body.clear();
  presign(both, 300);
  sign(both);
  EXPECT_EQ(reason(both), "IncompleteSignature");
}

TEST_F(VerifierTest, RefusesAnExpiredPresignedUrl) {
  TestRequest r;
  r.method = "GET";
  r.body.clear();
  presign(r, 60);
  clock_.set(Clock::TimePoint(std::chrono::seconds(kNow + 61)));
  EXPECT_EQ(reason(r), "RequestExpired");
}

TEST_F(VerifierTest, RefusesAPresignedUrlWithAChangedQuery) {
  TestRequest r;
  r.method = "GET";
  r.body.clear();
  r.query = "x=1";
  presign(r, 300);
  r.query.replace(0, 3, "x=2");
  EXPECT_EQ(reason(r), "SignatureDoesNotMatch");
}

TEST_F(VerifierTest, RefusesIncompletePresignedUrls) {
  TestRequest r;
  r.method = "GET";
  r.body.clear();
  presign(r, 300);
  std::string full = r.query;
  r.query = full.substr(0, full.find("&X-Amz-Signature"));
  EXPECT_EQ(reason(r), "IncompleteSignature");
  r.query = full + "&X-Amz-Date=20260408T120000Z";
  EXPECT_EQ(reason(r), "IncompleteSignature");
  r.query = "X-Amz-Signature=" + std::string(64, 'a');
  EXPECT_EQ(reason(r), "IncompleteSignature");
}

TEST_F(VerifierTest, RefusalsNeverEchoTheSignatureOrToken) {
  TestRequest r;
  SignSpec spec = temporary_spec();
  spec.secret = "wrong-secret-wrong-secret-wrong-secret-00";
  sign(r, spec);
  auto result = verify(r);
  ASSERT_FALSE(result.ok());
  std::string auth;
  for (const auto& [n, v] : r.headers) {
    if (n == "authorization") auth = v;
  }
  std::string signature = auth.substr(auth.size() - 64);
  EXPECT_EQ(result.status().message().find(signature), std::string::npos);
  EXPECT_EQ(result.status().message().find("FwoGZXIvYXdz"), std::string::npos);
}

TEST(SigV4Parse, APresignedClaimKeepsItsDecodedValuesWhenMoved) {
  std::string query =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fservice"
      "%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&"
      "X-Amz-Security-Token=a%2Bb%3D&X-Amz-Signature=" +
      std::string(64, 'c');
  auto parsed = parse_presigned_query(query);
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  SignatureClaim claim = std::move(parsed).value();
  query.assign(query.size(), 'x');  // the claim holds its own decoded copy
  EXPECT_EQ(claim.credential.access_key_id, "AKID");
  EXPECT_EQ(claim.credential.scope(), "20150830/us-east-1/service/aws4_request");
  EXPECT_EQ(claim.amz_date, "20150830T123600Z");
  EXPECT_EQ(claim.security_token, std::optional<std::string_view>("a+b="));
  EXPECT_EQ(claim.signature, std::string(64, 'c'));
  ASSERT_EQ(claim.signed_headers.view().size(), 1u);
  EXPECT_EQ(claim.signed_headers.view()[0], "host");
}

TEST(SigV4Parse, ParsesAnAuthorizationHeaderInAnyOrderWithSpaces) {
  std::string header =  // the claim views it
      "AWS4-HMAC-SHA256 Signature=" + std::string(64, 'b') +
      " ,  SignedHeaders=host;x-amz-date,Credential=AKID/20150830/us-east-1/service/"
      "aws4_request";
  auto claim = parse_authorization(header);
  ASSERT_TRUE(claim.ok()) << claim.status().to_string();
  EXPECT_EQ(claim->credential.access_key_id, "AKID");
  EXPECT_EQ(claim->credential.scope(), "20150830/us-east-1/service/aws4_request");
  auto names = claim->signed_headers.view();
  EXPECT_EQ(std::vector<std::string_view>(names.begin(), names.end()),
            (std::vector<std::string_view>{"host", "x-amz-date"}));
}

TEST(SigV4Parse, BoundsHostileInput) {
  EXPECT_FALSE(parse_authorization("AWS4-HMAC-SHA256 " + std::string(5000, 'a')).ok());
  std::string many = "AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, SignedHeaders=";
  for (int i = 0; i < 40; ++i) many += "h" + std::to_string(100 + i) + ";";
  many.pop_back();
  many += ", Signature=" + std::string(64, 'a');
  EXPECT_FALSE(parse_authorization(many).ok());
  std::string query;
  for (int i = 0; i < 100; ++i) query += "a=1&";
  EXPECT_FALSE(parse_presigned_query(query + "X-Amz-Signature=x").ok());
}

TEST(SigV4Parse, ParsesAmzDatesStrictly) {
  EXPECT_EQ(parse_amz_date("20150830T123600Z"), 1440938160);
  EXPECT_FALSE(parse_amz_date("20150830T123600"));
  EXPECT_FALSE(parse_amz_date("20150231T123600Z"));
  EXPECT_FALSE(parse_amz_date("20150830T246000Z"));
  EXPECT_FALSE(parse_amz_date("2015-08-30T12:36:00Z"));
}

TEST(SigV4Canonical, EncodesEachPathSegmentOnceMore) {
  EXPECT_EQ(canonical_uri("/dev/a%20b/c", false), "/dev/a%2520b/c");
  EXPECT_EQ(canonical_uri("", false), "/");
  EXPECT_EQ(canonical_uri("/a/./b/../c//", true), "/a/c/");
  EXPECT_EQ(canonical_uri("/a/./b/../c//", false), "/a/./b/../c//");
}

TEST(SigV4Canonical, SortsAndReencodesTheQuery) {
  EXPECT_EQ(*canonical_query("b=2&a=z&a=y&c&d=%7e+", false), "a=y&a=z&b=2&c=&d=~%2B");
  EXPECT_FALSE(canonical_query("a=%zz", false).ok());
}

TEST(SigV4Canonical, TrimsFoldsAndJoinsHeaderValues) {
  std::vector<HeaderField> headers = {{"my-h", "  a   b\t c  "}, {"my-h", "d"}, {"host", "x"}};
  std::vector<std::string_view> names = {"host", "my-h"};
  EXPECT_EQ(*canonical_headers(headers, names), "host:x\nmy-h:a b c,d\n");
  std::vector<std::string_view> absent = {"absent"};
  EXPECT_FALSE(canonical_headers(headers, absent).ok());
}

}  // namespace
}  // namespace sapi::auth::sigv4
