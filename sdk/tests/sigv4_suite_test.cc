// The SDK's signer against the AWS Signature Version 4 test suite (testdata/sigv4): for every
// case it signs the unsigned request.txt and must produce AWS's canonical request, string to
// sign, signature and Authorization header byte for byte.

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "session_api/sigv4.h"

namespace session_api::sigv4 {
namespace {

namespace fs = std::filesystem;
const fs::path kSuite = fs::path(SAPI_SOURCE_DIR) / "testdata/sigv4/v4";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The suite's HTTP/1.1 text: request line, headers (continuation lines belong to the header
// above), blank line, body.
Request parse_request(const std::string& text) {
  Request r;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  size_t sp = line.find(' ');
  r.method = line.substr(0, sp);
  std::string target = line.substr(sp + 1, line.rfind(" HTTP/1.1") - sp - 1);
  size_t q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  while (std::getline(in, line)) {
    if (line.empty()) break;
    if (line[0] == ' ' || line[0] == '\t') {
      r.headers.back().second += " " + line;
      continue;
    }
    size_t colon = line.find(':');
    r.headers.push_back({line.substr(0, colon), line.substr(colon + 1)});
  }
  std::stringstream rest;
  rest << in.rdbuf();
  r.body = rest.str();
  return r;
}

int64_t parse_timestamp(const std::string& ts) {  // 2015-08-30T12:36:00Z
  std::tm tm{};
  tm.tm_year = std::stoi(ts.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(ts.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(ts.substr(8, 2));
  tm.tm_hour = std::stoi(ts.substr(11, 2));
  tm.tm_min = std::stoi(ts.substr(14, 2));
  tm.tm_sec = std::stoi(ts.substr(17, 2));
  return timegm(&tm);
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(kSuite)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

class SdkSigV4Suite : public ::testing::TestWithParam<std::string> {};

TEST_P(SdkSigV4Suite, SignsExactlyAsAws) {
  fs::path dir = kSuite / GetParam();
  auto context = boost::json::parse(read_file(dir / "context.json")).as_object();
  const auto& creds = context.at("credentials").as_object();
  Params params;
  params.credentials.access_key_id = std::string(creds.at("access_key_id").as_string());
  params.credentials.secret_access_key = std::string(creds.at("secret_access_key").as_string());
  bool omit_token =
      context.contains("omit_session_token") && context.at("omit_session_token").as_bool();
  // "omit_session_token": the token is added after signing, so the signature never covers it.
  if (creds.contains("token") && !omit_token) {
    params.credentials.session_token = std::string(creds.at("token").as_string());
  }
  params.region = std::string(context.at("region").as_string());
  params.service = std::string(context.at("service").as_string());
  params.normalize_path = context.at("normalize").as_bool();
  params.content_sha256_header = context.at("sign_body").as_bool();
  params.epoch_seconds = parse_timestamp(std::string(context.at("timestamp").as_string()));

  Signature s = sign(parse_request(read_file(dir / "request.txt")), params);
  EXPECT_EQ(s.canonical_request, read_file(dir / "header-canonical-request.txt"));
  EXPECT_EQ(s.string_to_sign, read_file(dir / "header-string-to-sign.txt"));
  EXPECT_EQ(s.signature, read_file(dir / "header-signature.txt"));

  std::string signed_request = read_file(dir / "header-signed-request.txt");
  auto at = signed_request.find("Authorization:");
  ASSERT_NE(at, std::string::npos);
  std::string expected_authorization =
      signed_request.substr(at + 14, signed_request.find('\n', at) - at - 14);
  auto header = std::find_if(s.headers.begin(), s.headers.end(),
                             [](const auto& h) { return h.first == "authorization"; });
  ASSERT_NE(header, s.headers.end());
  EXPECT_EQ(header->second, expected_authorization);
}

INSTANTIATE_TEST_SUITE_P(Aws, SdkSigV4Suite, ::testing::ValuesIn(case_names()),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(SdkSigV4, AmzDateIsUtc) {
  EXPECT_EQ(amz_date(1440938160), "20150830T123600Z");
  EXPECT_EQ(amz_date(0), "19700101T000000Z");
  EXPECT_EQ(amz_date(951782400), "20000229T000000Z");  // a leap day of a century year
  EXPECT_EQ(amz_date(4102444799), "20991231T235959Z");
  for (int64_t t = 0; t < 4102444800; t += 86400 * 37 + 3607) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char expected[32];
    std::strftime(expected, sizeof expected, "%Y%m%dT%H%M%SZ", &tm);
    ASSERT_EQ(amz_date(t), expected) << t;
  }
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(SdkSigV4, AnyChangeToTheRequestChangesTheSignature) {
  Request r{"POST", "/dev/session-summary", "", {{"host", "h:1"}}, "{}"};
  Params p;
  p.credentials = {"AKID", "secret", ""};
  p.region = "eu-west-1";
  p.epoch_seconds = 1440938160;
  std::string base = sign(r, p).signature;
  Request other_body = r;
  other_body.body = "{ }";
  EXPECT_NE(sign(other_body, p).signature, base);
  Request other_path = r;
  other_path.path = "/session-summary";
  EXPECT_NE(sign(other_path, p).signature, base);
  Params later = p;
  later.epoch_seconds += 1;
  EXPECT_NE(sign(r, later).signature, base);
}

}  // namespace
}  // namespace session_api::sigv4
