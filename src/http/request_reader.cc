#include "http/request_reader.h"

// Beast's parser, inlined with sanitizers on, trips GCC 12's -Wmaybe-uninitialized on a
// boost::optional it returns; the value is always initialised there.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#pragma GCC diagnostic pop
#include <limits>
#include <optional>

namespace sapi::http {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

void append_lower(std::string& out, std::string_view in) {
  out.resize(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    out[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;
  }
  return true;
}

// Beast's parser with callbacks that write straight into our Request, so that no intermediate
// field container is built and the Request's buffers are reused between requests.
class RequestParser : public bhttp::basic_parser<true> {
 public:
  explicit RequestParser(Request& request) : request_(request) {}

  int version() const { return version_; }
  bool expects_continue() const { return expect_continue_; }

 private:
  void on_request_impl(bhttp::verb, beast::string_view method, beast::string_view target,
                       int version, beast::error_code&) override {
    request_.method_name.assign(method.data(), method.size());
    request_.method = http::parse_method(request_.method_name);
    request_.target.assign(target.data(), target.size());
    version_ = version;
  }

  void on_response_impl(int, beast::string_view, int, beast::error_code& ec) override {
    ec = bhttp::error::bad_version;  // never called for a request parser
  }

  void on_field_impl(bhttp::field, beast::string_view name, beast::string_view value,
                     beast::error_code&) override {
    request_.headers.emplace_back();
    Header& h = request_.headers.back();
    append_lower(h.name, {name.data(), name.size()});
    h.value.assign(value.data(), value.size());
    if (h.name == "expect" && iequals(h.value, "100-continue")) expect_continue_ = true;
  }

  void on_header_impl(beast::error_code&) override {}

  void on_body_init_impl(const boost::optional<std::uint64_t>& length,
                         beast::error_code&) override {
    // The parser has already checked the length against the body limit.
    if (length) request_.body.reserve(static_cast<size_t>(*length));
  }

  size_t on_body_impl(beast::string_view body, beast::error_code&) override {
    request_.body.append(body.data(), body.size());
    return body.size();
  }

  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}

  size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, beast::error_code&) override {
    request_.body.append(body.data(), body.size());
    return body.size();
  }

  void on_finish_impl(beast::error_code&) override {}

  Request& request_;
  int version_ = 11;
  bool expect_continue_ = false;
};

}  // namespace

class RequestReader::Impl {
 public:
  Impl(size_t max_header_bytes, size_t max_body_bytes)
      : max_header_bytes_(max_header_bytes), max_body_bytes_(max_body_bytes) {}

  size_t max_header_bytes_;
  size_t max_body_bytes_;
  std::optional<RequestParser> parser;
};

RequestReader::RequestReader(size_t max_header_bytes, size_t max_body_bytes)
    : impl_(std::make_unique<Impl>(max_header_bytes, max_body_bytes)) {}

RequestReader::~RequestReader() = default;

void RequestReader::start(Request& request) {
  request.clear();
  request_ = &request;
  error_status_ = 0;
  auto& p = impl_->parser.emplace(request);
  p.header_limit(static_cast<std::uint32_t>(
      std::min<size_t>(impl_->max_header_bytes_, std::numeric_limits<std::uint32_t>::max())));
  p.body_limit(impl_->max_body_bytes_);
  p.eager(true);
}

RequestReader::Outcome RequestReader::feed(std::string_view bytes) {
  Outcome out;
  if (!impl_->parser || error_status_ != 0) {
    out.state = error_status_ != 0 ? State::kError : State::kNeedMore;
    return out;
  }
  RequestParser& p = *impl_->parser;
  while (!p.is_done()) {
    beast::error_code ec;
    size_t n = p.put(
        boost::asio::const_buffer(bytes.data() + out.consumed, bytes.size() - out.consumed), ec);
    out.consumed += n;
    if (ec == bhttp::error::need_more) {
      out.state = State::kNeedMore;
      return out;
    }
    if (ec) {
      if (ec == bhttp::error::header_limit) {
        error_status_ = 431;
        error_code_ = "REQUEST_HEADER_FIELDS_TOO_LARGE";
        error_message_ = "the request header block is too large";
      } else if (ec == bhttp::error::body_limit) {
        error_status_ = 413;
        error_code_ = "PAYLOAD_TOO_LARGE";
        error_message_ = "the request body is too large";
      } else {
        error_status_ = 400;
        error_code_ = "INVALID_REQUEST";
        error_message_ = "malformed HTTP request";
      }
      out.state = State::kError;
      return out;
    }
    if (n == 0) {
      out.state = State::kNeedMore;
      return out;
    }
  }
  out.state = State::kComplete;
  return out;
}

bool RequestReader::header_done() const { return impl_->parser && impl_->parser->is_header_done(); }

bool RequestReader::keep_alive() const {
  return impl_->parser && impl_->parser->is_header_done() && impl_->parser->keep_alive();
}

bool RequestReader::expects_continue() const {
  return impl_->parser && impl_->parser->expects_continue();
}

std::string_view RequestReader::protocol() const {
  return impl_->parser && impl_->parser->version() == 10 ? "HTTP/1.0" : "HTTP/1.1";
}

int RequestReader::error_status() const { return error_status_; }
std::string_view RequestReader::error_code() const { return error_code_; }
std::string_view RequestReader::error_message() const { return error_message_; }

}  // namespace sapi::http
