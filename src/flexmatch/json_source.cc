#include "flexmatch/json_source.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace sapi::flexmatch::detail {
namespace json = boost::json;
namespace {

struct Position {
  size_t line = 1;
  size_t column = 1;
};

Position position_of(std::string_view body, size_t offset) {
  Position p;
  for (size_t i = 0; i < offset && i < body.size(); ++i) {
    if (body[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

// Parses with libraries' rules; on failure returns the error and the offset it occurred at.
std::optional<json::value> try_parse(std::string_view body, bool comments, std::error_code& ec,
                                     size_t& error_offset) {
  json::parse_options opt;
  opt.allow_comments = comments;
  opt.max_depth = 64;
  json::stream_parser p({}, opt);
  error_offset = p.write(body.data(), body.size(), ec);
  if (!ec) p.finish(ec);
  if (ec) return std::nullopt;
  return p.release();
}

// One nesting level while scanning the text for comments and duplicate keys.
struct Frame {
  bool object = false;
  bool expect_key = true;
  size_t index = 0;
  std::string key;
  std::set<std::string> keys;
};

std::string frame_path(const std::vector<Frame>& stack) {
  std::string path;
  for (size_t i = 0; i + 1 < stack.size(); ++i) {
    const auto& f = stack[i];
    path = f.object ? member(path, f.key) : element(path, f.index);
  }
  return path;
}

// Reads a string literal starting at body[i] == '"'; returns its (unescaped enough for key
// comparison) content and leaves i after the closing quote.
std::string read_string(std::string_view body, size_t& i) {
  std::string out;
  ++i;
  while (i < body.size() && body[i] != '"') {
    if (body[i] == '\\' && i + 1 < body.size()) {
      out += body[i];
      ++i;
    }
    out += body[i++];
  }
  ++i;
  return out;
}

// Walks text already known to be valid JSON (comments allowed) and reports comments and
// duplicate keys.
void scan(std::string_view body, Diagnostics& diags) {
  std::vector<Frame> stack;
  size_t i = 0;
  bool comment_warned = false;
  while (i < body.size()) {
    char c = body[i];
    if (c == '/' && i + 1 < body.size() && (body[i + 1] == '/' || body[i + 1] == '*')) {
      auto pos = position_of(body, i);
      if (!comment_warned) {
        diags.warning("", fmt::format("comment at line {}: JSON has no comments and the AWS "
                                      "API refuses rule sets that contain them; accepted here",
                                      pos.line));
        comment_warned = true;
      } else {
        diags.warning("", fmt::format("comment at line {}", pos.line));
      }
      bool line = body[i + 1] == '/';
      i += 2;
      while (i < body.size()) {
        if (line && body[i] == '\n') break;
        if (!line && body[i] == '*' && i + 1 < body.size() && body[i + 1] == '/') {
          i += 2;
          break;
        }
        ++i;
      }
      continue;
    }
    switch (c) {
      case '{':
      case '[':
        stack.push_back(Frame{c == '{'});
        ++i;
        break;
      case '}':
      case ']':
        if (!stack.empty()) stack.pop_back();
        ++i;
        break;
      case ',':
        if (!stack.empty()) {
          stack.back().expect_key = true;
          ++stack.back().index;
        }
        ++i;
        break;
      case ':':
        if (!stack.empty()) stack.back().expect_key = false;
        ++i;
        break;
      case '"': {
        std::string s = read_string(body, i);
        if (!stack.empty() && stack.back().object && stack.back().expect_key) {
          auto& f = stack.back();
          f.key = s;
          if (!f.keys.insert(s).second) {
            stack.push_back(Frame{});  // so that frame_path includes this key
            diags.warning(frame_path(stack),
                          fmt::format("duplicate key \"{}\": the last one is used and the "
                                      "earlier ones are ignored",
                                      s));
            stack.pop_back();
          }
        }
        break;
      }
      default:
        ++i;
    }
  }
}

}  // namespace

std::optional<json::value> load_json(std::string_view body, Diagnostics& diags) {
  std::error_code ec;
  size_t offset = 0;
  auto v = try_parse(body, false, ec, offset);
  if (!v) {
    std::error_code ec2;
    size_t offset2 = 0;
    v = try_parse(body, true, ec2, offset2);
    if (!v) {
      auto pos = position_of(body, offset);
      diags.error("", fmt::format("not valid JSON: {} at line {}, column {}", ec.message(),
                                  pos.line, pos.column));
      return std::nullopt;
    }
  }
  scan(body, diags);
  return v;
}

}  // namespace sapi::flexmatch::detail
