#include "transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>

namespace session_api {
namespace {

std::once_flag g_curl_init;

struct Transfer {
  const HttpRequest* request;
  HttpResponse* response;
  CURL* curl;
};

size_t on_write(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (t->request->on_data && status >= 200 && status < 300) {
    if (!t->request->on_data(data, n)) {
      t->response->stopped = true;
      return 0;  // aborts the transfer
    }
    return n;
  }
  t->response->body.append(data, n);
  return n;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// Keeps the final answer's Retry-After; a new status line (after a 100 Continue) starts over.
size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  constexpr std::string_view kName = "retry-after:";
  if (starts_with_nocase(line, "http/")) {
    t->response->retry_after_seconds.reset();
  } else if (starts_with_nocase(line, kName)) {
    t->response->retry_after_seconds =
        parse_retry_after(line.substr(kName.size()), std::time(nullptr));
  }
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->request->should_stop && t->request->should_stop()) {
    t->response->stopped = true;
    return 1;
  }
  return 0;
}

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

std::optional<int> parse_retry_after(std::string_view value, std::time_t now) {
  constexpr long long kCap = 24 * 60 * 60;
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!value.empty() && space(value.front())) value.remove_prefix(1);
  while (!value.empty() && space(value.back())) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    long long seconds = 0;
    for (char c : value) seconds = std::min(kCap, seconds * 10 + (c - '0'));
    return static_cast<int>(seconds);
  }
  std::string text(value);  // curl_getdate wants a terminated string
  std::time_t at = curl_getdate(text.c_str(), nullptr);
  if (at == -1) return std::nullopt;
  long long seconds = static_cast<long long>(at) - static_cast<long long>(now);
  return static_cast<int>(std::clamp(seconds, 0LL, kCap));
}

std::string encode_segment(const std::string& segment) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : segment) {
    auto c = static_cast<unsigned char>(ch);
    if (unreserved(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

Transport::Transport(ClientOptions options) : options_(std::move(options)) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  const std::string& url = options_.base_url;
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos ||
      (url.compare(0, scheme_end, "http") != 0 && url.compare(0, scheme_end, "https") != 0)) {
    config_error_ = "base_url must start with http:// or https://";
    return;
  }
  size_t authority_start = scheme_end + 3;
  size_t path_start = url.find('/', authority_start);
  host_ =
      url.substr(authority_start, path_start == std::string::npos ? std::string::npos
                                                                  : path_start - authority_start);
  if (host_.empty() || host_.find('@') != std::string::npos ||
      url.find_first_of("?#") != std::string::npos) {
    config_error_ = "base_url must be scheme://host[:port][/base/path]";
    return;
  }
  origin_ = url.substr(0, authority_start + host_.size());
  if (path_start != std::string::npos) base_path_ = url.substr(path_start);
  while (!base_path_.empty() && base_path_.back() == '/') base_path_.pop_back();
}

Transport::~Transport() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* Transport::acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void Transport::release(void* handle) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(handle);
}

HttpResponse Transport::perform(const HttpRequest& request) {
  HttpResponse response;
  if (!config_error_.empty()) {
    response.error = Error{0, kInvalidArgument, config_error_};
    return response;
  }
  auto* curl = static_cast<CURL*>(acquire());
  if (curl == nullptr) {
    response.error = Error{0, kNetworkError, "cannot create a libcurl handle"};
    return response;
  }
  curl_easy_reset(curl);  // keeps the connection cache
  std::string url = origin_ + base_path_ + request.path;
  if (!request.query.empty()) url += "?" + request.query;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
  if (!request.no_timeout) {
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, options_.timeout_ms + request.extra_timeout_ms);
  }
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  if (!options_.verify_tls) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());

  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (!request.body.empty()) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
  }

  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  for (const auto& [name, value] : request.headers) {
    std::string line = name + ": " + value;
    headers = curl_slist_append(headers, line.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  Transfer transfer{&request, &response, curl};
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  if (request.should_stop) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
  }
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);

  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  const char* content_type = nullptr;
  if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK &&
      content_type != nullptr) {
    response.content_type = content_type;
  }
  curl_slist_free_all(headers);
  // Drop the pointers into this call's stack before the handle goes back to the pool.
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  release(curl);

  if (rc == CURLE_OK) {
    response.status = static_cast<int>(status);
    return response;
  }
  if (response.stopped) {
    response.status = static_cast<int>(status);
    return response;
  }
  std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
  response.status = 0;
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    response.error = Error{0, kTimeout, "no answer in time: " + detail};
  } else {
    response.error = Error{0, kNetworkError, detail};
  }
  return response;
}

Result<Done> check_ready(const ClientOptions& options) {
  Transport transport(options);
  HttpRequest request;
  request.path = "/health/ready";
  HttpResponse response = transport.perform(request);
  if (response.status == 0) return response.error;
  if (response.status != 200) {
    Error error{response.status, "NOT_READY", response.body.substr(0, 200)};
    error.retry_after_seconds = response.retry_after_seconds;
    return error;
  }
  return Result<Done>(Done{}, 200);
}

}  // namespace session_api
