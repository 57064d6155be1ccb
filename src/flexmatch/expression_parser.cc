#include "flexmatch/expression_parser.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>

namespace sapi::flexmatch {

std::string_view function_name(Function f) {
  switch (f) {
    case Function::kMin:
      return "min";
    case Function::kMax:
      return "max";
    case Function::kAvg:
      return "avg";
    case Function::kMedian:
      return "median";
    case Function::kSum:
      return "sum";
    case Function::kStddev:
      return "stddev";
    case Function::kCount:
      return "count";
    case Function::kFlatten:
      return "flatten";
    case Function::kSetIntersection:
      return "set_intersection";
  }
  return "?";
}

std::string describe_shape(Shape s) {
  std::string_view leaf;
  bool plural = s.depth > 0;
  switch (s.leaf) {
    case LeafKind::kNumber:
      leaf = plural ? "numbers" : "a number";
      break;
    case LeafKind::kString:
      leaf = plural ? "strings" : "a string";
      break;
    case LeafKind::kStringNumberMap:
      leaf = plural ? "string_number_maps" : "a string_number_map";
      break;
    case LeafKind::kPlayer:
      leaf = plural ? "players" : "a player";
      break;
    case LeafKind::kTeam:
      leaf = plural ? "teams" : "a team";
      break;
  }
  std::string out;
  for (int i = 0; i < s.depth; ++i) out += i == 0 ? "a list of " : "lists of ";
  return out + std::string(leaf);
}

namespace {

constexpr Function kFunctions[] = {
    Function::kMin,    Function::kMax,     Function::kAvg,
    Function::kMedian, Function::kSum,     Function::kStddev,
    Function::kCount,  Function::kFlatten, Function::kSetIntersection};

class Parser {
 public:
  Parser(std::string_view text, const RuleSet& rs) : s_(text), rs_(rs) {}

  ExpressionParse run() {
    ExpressionParse out;
    auto e = expr(0);
    skip_ws();
    if (e && i_ != s_.size()) fail(fmt::format("unexpected \"{}\" after the expression", rest()));
    if (!error_.empty()) {
      out.error = std::move(error_);
    } else {
      out.expr = std::move(e);
    }
    out.warnings = std::move(warnings_);
    return out;
  }

 private:
  std::string rest() const {
    auto r = s_.substr(i_, 20);
    return std::string(r) + (s_.size() - i_ > 20 ? "..." : "");
  }
  void fail(std::string msg) {
    if (error_.empty()) error_ = fmt::format("at character {}: {}", i_ + 1, msg);
  }
  void skip_ws() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool eat(char c) {
    skip_ws();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool expect(char c) {
    if (eat(c)) return true;
    fail(fmt::format("expected \"{}\", found {}", c,
                     i_ < s_.size() ? "\"" + rest() + "\"" : "the end"));
    return false;
  }
  std::string ident() {
    skip_ws();
    size_t start = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) {
      ++i_;
    }
    return std::string(s_.substr(start, i_ - start));
  }
  // A name inside brackets: anything up to ',' or ']', trimmed.
  std::string bracket_name() {
    skip_ws();
    size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != ']') ++i_;
    auto n = s_.substr(start, i_ - start);
    while (!n.empty() && std::isspace(static_cast<unsigned char>(n.back()))) n.remove_suffix(1);
    return std::string(n);
  }

  std::optional<Expr> expr(int depth) {
    if (depth > 32) {
      fail("expression nested too deeply");
      return std::nullopt;
    }
    skip_ws();
    if (i_ < s_.size() &&
        (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' || s_[i_] == '.')) {
      return number();
    }
    size_t start = i_;
    std::string name = ident();
    if (name.empty()) {
      fail(fmt::format("expected a function or teams[...], found {}",
                       i_ < s_.size() ? "\"" + rest() + "\"" : "the end"));
      return std::nullopt;
    }
    if (name == "teams") return selector();
    for (auto f : kFunctions) {
      if (function_name(f) == name) return call(f, depth);
    }
    i_ = start;
    fail(
        fmt::format("unknown function \"{}\"; expected one of min, max, avg, median, sum, "
                    "stddev, count, flatten, set_intersection, or teams[...]",
                    name));
    return std::nullopt;
  }

  std::optional<Expr> number() {
    size_t start = i_;
    while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' ||
                              s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E' || s_[i_] == '+')) {
      ++i_;
    }
    Expr e;
    e.kind = Expr::Kind::kNumber;
    auto [p, ec] = std::from_chars(s_.data() + start, s_.data() + i_, e.number);
    if (ec != std::errc() || p != s_.data() + i_ || !std::isfinite(e.number)) {
      i_ = start;
      fail("malformed number");
      return std::nullopt;
    }
    e.shape = {LeafKind::kNumber, 0};
    return e;
  }

  std::optional<Expr> call(Function f, int depth) {
    if (!expect('(')) return std::nullopt;
    auto arg = expr(depth + 1);
    if (!arg) return std::nullopt;
    if (!expect(')')) return std::nullopt;
    Expr e;
    e.kind = Expr::Kind::kCall;
    e.function = f;
    Shape in = arg->shape;
    e.args.push_back(std::move(*arg));
    const auto fname = function_name(f);
    switch (f) {
      case Function::kCount:
        if (in.depth < 1) return type_error(fname, "a list", in);
        e.shape = {LeafKind::kNumber, in.depth - 1};
        break;
      case Function::kFlatten:
        if (in.depth < 1) return type_error(fname, "a list", in);
        e.shape = {in.leaf, in.depth >= 2 ? in.depth - 1 : in.depth};
        break;
      case Function::kSetIntersection:
        if (in.leaf != LeafKind::kString || in.depth < 2) {
          return type_error(fname, "a list of lists of strings", in);
        }
        e.shape = {LeafKind::kString, in.depth - 1};
        break;
      default:
        if (in.leaf != LeafKind::kNumber || in.depth < 1) {
          return type_error(fname, "a list of numbers", in);
        }
        e.shape = {LeafKind::kNumber, in.depth - 1};
    }
    return e;
  }

  std::optional<Expr> type_error(std::string_view fname, std::string_view expected, Shape got) {
    fail(fmt::format("{}() expects {}, found {}", fname, expected, describe_shape(got)));
    return std::nullopt;
  }

  bool resolve_teams(Expr& e) {
    if (!expect('[')) return false;
    std::vector<std::string> names;
    do {
      names.push_back(bracket_name());
    } while (eat(','));
    if (!expect(']')) return false;
    if (names.size() == 1 && names[0] == "*") {
      for (size_t t = 0; t < rs_.teams.size(); ++t) e.teams.push_back(static_cast<int>(t));
      e.per_team = true;
      return true;
    }
    e.per_team = names.size() > 1;
    for (const auto& n : names) {
      bool found = false;
      for (size_t t = 0; t < rs_.teams.size(); ++t) {
        const auto& team = rs_.teams[t];
        if (team.name == n || (team.copy > 0 && team.declared_name == n)) {
          e.teams.push_back(static_cast<int>(t));
          if (team.copy > 0 && team.declared_name == n) e.per_team = true;
          found = true;
        }
      }
      if (!found) {
        std::string known;
        for (const auto& t : rs_.teams) known += (known.empty() ? "" : ", ") + t.name;
        fail(fmt::format("unknown team \"{}\" (teams: {})", n, known));
        return false;
      }
    }
    return true;
  }

  std::optional<Expr> selector() {
    Expr e;
    e.kind = Expr::Kind::kTeams;
    if (!resolve_teams(e)) return std::nullopt;
    const int base = e.per_team ? 1 : 0;
    e.shape = {LeafKind::kTeam, base};
    if (!eat('.')) return e;
    if (ident() != "players") {
      fail("expected \"players\" after \"teams[...].\"");
      return std::nullopt;
    }
    e.kind = Expr::Kind::kPlayers;
    e.shape = {LeafKind::kPlayer, base + 1};
    if (eat('[')) {
      auto key = bracket_name();
      if (!expect(']')) return std::nullopt;
      if (key != "playerId") {
        fail(fmt::format("players[...] selects only playerId, found \"{}\"", key));
        return std::nullopt;
      }
      e.kind = Expr::Kind::kPlayerId;
      e.shape = {LeafKind::kString, base + 1};
      return e;
    }
    if (!eat('.')) return e;
    size_t at = i_;
    auto word = ident();
    std::string attr;
    if (word == "attributes") {
      if (!expect('[')) return std::nullopt;
      attr = bracket_name();
      if (!expect(']')) return std::nullopt;
    } else if (!word.empty()) {
      attr = word;
      warnings_.push_back(
          fmt::format("non-standard expression \"{}\": \".players.{}\" is read as "
                      "\".players.attributes[{}]\", but the AWS API refuses this form",
                      s_, word, word));
    } else {
      i_ = at;
      fail("expected \"attributes[name]\" after \"players.\"");
      return std::nullopt;
    }
    int idx = rs_.attribute_index(attr);
    if (idx < 0) {
      fail(fmt::format("unknown player attribute \"{}\" (declare it in playerAttributes)", attr));
      return std::nullopt;
    }
    e.kind = Expr::Kind::kAttribute;
    e.attribute = idx;
    switch (rs_.attributes[idx].type) {
      case AttributeType::kNumber:
        e.shape = {LeafKind::kNumber, base + 1};
        break;
      case AttributeType::kString:
        e.shape = {LeafKind::kString, base + 1};
        break;
      case AttributeType::kStringList:
        e.shape = {LeafKind::kString, base + 2};
        break;
      case AttributeType::kStringNumberMap:
        e.shape = {LeafKind::kStringNumberMap, base + 1};
        break;
    }
    return e;
  }

  std::string_view s_;
  const RuleSet& rs_;
  size_t i_ = 0;
  std::string error_;
  std::vector<std::string> warnings_;
};

}  // namespace

ExpressionParse parse_expression(std::string_view text, const RuleSet& rs) {
  return Parser(text, rs).run();
}

bool looks_like_expression(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  size_t start = i;
  while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) {
    ++i;
  }
  auto word = text.substr(start, i - start);
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  if (word == "teams") return i < text.size() && text[i] == '[';
  if (i >= text.size() || text[i] != '(') return false;
  for (auto f : kFunctions) {
    if (function_name(f) == word) return true;
  }
  return false;
}

}  // namespace sapi::flexmatch
