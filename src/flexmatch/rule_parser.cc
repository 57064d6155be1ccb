// Reading `rules`: every rule type with its fields, property expressions, compound statements.

#include <fmt/format.h>

#include <boost/json.hpp>
#include <set>

#include "flexmatch/expression_parser.h"
#include "flexmatch/rule_set_parser_internal.h"

namespace sapi::flexmatch::detail {
namespace json = boost::json;
namespace {

constexpr std::string_view kCommonKeys[] = {"name", "type", "description"};

std::vector<std::string_view> keys_for(RuleType t) {
  std::vector<std::string_view> k(std::begin(kCommonKeys), std::end(kCommonKeys));
  auto add = [&](std::initializer_list<std::string_view> more) { k.insert(k.end(), more); };
  switch (t) {
    case RuleType::kBatchDistance:
      add({"batchAttribute", "maxDistance", "partyAggregation"});
      break;
    case RuleType::kComparison:
      add({"measurements", "referenceValue", "operation", "partyAggregation"});
      break;
    case RuleType::kDistance:
      add({"measurements", "referenceValue", "minDistance", "maxDistance", "partyAggregation"});
      break;
    case RuleType::kCollection:
      add({"measurements", "referenceValue", "operation", "minCount", "maxCount",
           "partyAggregation"});
      break;
    case RuleType::kLatency:
      add({"maxLatency", "maxDistance", "distanceReference", "partyAggregation"});
      break;
    case RuleType::kAbsoluteSort:
    case RuleType::kDistanceSort:
      add({"sortDirection", "sortAttribute", "mapKey", "partyAggregation"});
      break;
    case RuleType::kCompound:
      add({"statement"});
      break;
  }
  return k;
}

std::optional<RuleType> parse_rule_type(std::string_view s) {
  for (int t = 0; t <= static_cast<int>(RuleType::kCompound); ++t) {
    if (rule_type_name(static_cast<RuleType>(t)) == s) return static_cast<RuleType>(t);
  }
  return std::nullopt;
}

class RuleReader {
 public:
  RuleReader(const ObjectReader& r, RuleSet& rs, Rule& rule) : r_(r), rs_(rs), rule_(rule) {}

  void read() {
    switch (rule_.type) {
      case RuleType::kBatchDistance:
        batch_distance();
        break;
      case RuleType::kComparison:
        comparison();
        break;
      case RuleType::kDistance:
        distance();
        break;
      case RuleType::kCollection:
        collection();
        break;
      case RuleType::kLatency:
        latency();
        break;
      case RuleType::kAbsoluteSort:
      case RuleType::kDistanceSort:
        sort();
        break;
      case RuleType::kCompound:
        break;  // second pass: it may only name earlier rules
    }
  }

 private:
  Diagnostics& diags() { return r_.diags(); }

  std::optional<Expandable> non_negative(std::string_view key, bool required, bool whole = false) {
    auto d = r_.number(key, required);
    if (!d) return std::nullopt;
    if (*d < 0 || (whole && *d != static_cast<double>(static_cast<long long>(*d)))) {
      diags().error(r_.path_of(key), fmt::format("expected a {} number of at least 0, found {}",
                                                 whole ? "whole" : "", *d));
      return std::nullopt;
    }
    return Expandable{*d, {}};
  }

  void party_aggregation(bool collection) {
    std::optional<std::string> p =
        collection ? r_.one_of("partyAggregation", false, {"union", "intersection"})
                   : r_.one_of("partyAggregation", false, {"avg", "min", "max"});
    rule_.party_aggregation = collection ? PartyAggregation::kUnion : PartyAggregation::kAvg;
    if (!p) return;
    if (*p == "min") rule_.party_aggregation = PartyAggregation::kMin;
    if (*p == "max") rule_.party_aggregation = PartyAggregation::kMax;
    if (*p == "intersection") rule_.party_aggregation = PartyAggregation::kIntersection;
  }

  std::optional<PropertyExpression> expression(const std::string& path, std::string_view text) {
    auto parsed = parse_expression(text, rs_);
    for (auto& w : parsed.warnings) diags().warning(path, std::move(w));
    if (!parsed.expr) {
      diags().error(path,
                    fmt::format("invalid property expression \"{}\": {}", text, parsed.error));
      return std::nullopt;
    }
    return PropertyExpression{std::string(text), std::move(*parsed.expr)};
  }

  // `measurements`: an array of expressions, or (as AWS's own samples write it) one string.
  bool measurements(LeafKind leaf, std::string_view what) {
    const auto* v = r_.get("measurements");
    const auto path = r_.path_of("measurements");
    if (v == nullptr) {
      diags().error(path, "required: expected an array of property expressions, found nothing");
      return false;
    }
    std::vector<std::pair<std::string, std::string>> items;  // path, text
    if (v->is_string()) {
      items.emplace_back(path, std::string(v->get_string()));
    } else if (v->is_array() && !v->get_array().empty()) {
      const auto& arr = v->get_array();
      for (size_t i = 0; i < arr.size(); ++i) {
        if (!arr[i].is_string()) {
          diags().error(element(path, i),
                        "expected a property expression string, found " + describe(arr[i]));
          continue;
        }
        items.emplace_back(element(path, i), std::string(arr[i].get_string()));
      }
    } else {
      diags().error(path,
                    "expected a non-empty array of property expressions, found " + describe(*v));
      return false;
    }
    bool ok = true;
    for (auto& [p, text] : items) {
      auto e = expression(p, text);
      if (!e) {
        ok = false;
        continue;
      }
      if (e->root.shape.leaf != leaf ||
          (e->root.kind != Expr::Kind::kCall && e->root.kind != Expr::Kind::kAttribute &&
           e->root.kind != Expr::Kind::kPlayerId)) {
        diags().error(p, fmt::format("\"{}\" yields {}; this rule measures {}", text,
                                     describe_shape(e->root.shape), what));
        ok = false;
        continue;
      }
      rule_.measurements.push_back(std::move(*e));
    }
    return ok;
  }

  // `referenceValue` as a number, a string literal or an expression; `want` is the leaf kind
  // the rule compares against, `scalar` whether an expression must yield one value.
  void reference(bool required, LeafKind want, bool scalar) {
    const auto* v = r_.get("referenceValue");
    const auto path = r_.path_of("referenceValue");
    if (v == nullptr) {
      if (required)
        diags().error(path, "required: expected a number or an expression, found nothing");
      return;
    }
    ReferenceValue ref;
    if (v->is_number()) {
      ref.kind = ReferenceValue::Kind::kNumber;
      ref.number.base = v->to_number<double>();
    } else if (v->is_string() && looks_like_expression(v->get_string())) {
      auto e = expression(path, v->get_string());
      if (!e) return;
      const Shape s = e->root.shape;
      const bool shape_ok = s.leaf == want && (scalar ? s.depth == 0 : s.depth <= 1);
      if (!shape_ok) {
        diags().error(path, fmt::format("\"{}\" yields {}; expected {}", e->source,
                                        describe_shape(s), describe_shape({want, scalar ? 0 : 1})));
        return;
      }
      ref.kind = ReferenceValue::Kind::kExpression;
      ref.expression = std::move(*e);
    } else if (v->is_string()) {
      bool was_string = false;
      auto d = lenient_number(*v, &was_string);
      if (want == LeafKind::kNumber && d) {
        diags().warning(path, fmt::format("a number written as a string ({}); write it as a "
                                          "JSON number",
                                          describe(*v)));
        ref.kind = ReferenceValue::Kind::kNumber;
        ref.number.base = *d;
      } else {
        ref.kind = ReferenceValue::Kind::kString;
        ref.text = std::string(v->get_string());
      }
    } else {
      diags().error(path,
                    "expected a number, a string or a property expression, found " + describe(*v));
      return;
    }
    const bool is_num = ref.kind == ReferenceValue::Kind::kNumber;
    const bool is_str = ref.kind == ReferenceValue::Kind::kString;
    if ((is_num && want != LeafKind::kNumber) || (is_str && want != LeafKind::kString)) {
      diags().error(path,
                    fmt::format("expected {}, found {}", describe_shape({want, 0}), describe(*v)));
      return;
    }
    rule_.reference = std::move(ref);
  }

  void batch_distance() {
    party_aggregation(false);
    auto name = r_.string("batchAttribute", true);
    if (!name) return;
    int idx = rs_.attribute_index(*name);
    if (idx < 0) {
      diags().error(r_.path_of("batchAttribute"),
                    fmt::format("unknown player attribute \"{}\"", *name));
      return;
    }
    rule_.batch_attribute = idx;
    const auto type = rs_.attributes[idx].type;
    if (type == AttributeType::kNumber) {
      rule_.max_distance = non_negative("maxDistance", true);
    } else if (type == AttributeType::kString) {
      if (r_.has("maxDistance")) {
        diags().warning(r_.path_of("maxDistance"),
                        "ignored: string attributes batch on equal values");
      }
    } else {
      diags().error(r_.path_of("batchAttribute"),
                    fmt::format("attribute \"{}\" has type {}; batchDistance needs a number or "
                                "a string attribute",
                                *name, attribute_type_name(type)));
    }
  }

  void comparison() {
    party_aggregation(false);
    auto op = r_.one_of("operation", true, {"<", "<=", "=", "!=", ">", ">="});
    if (op) {
      rule_.comparison_op = *op == "<"    ? ComparisonOp::kLess
                            : *op == "<=" ? ComparisonOp::kLessEqual
                            : *op == "="  ? ComparisonOp::kEqual
                            : *op == "!=" ? ComparisonOp::kNotEqual
                            : *op == ">"  ? ComparisonOp::kGreater
                                          : ComparisonOp::kGreaterEqual;
    }
    // Comparisons measure numbers or strings; find which from the first measurement.
    LeafKind leaf = LeafKind::kNumber;
    if (const auto* m = r_.get("measurements")) {
      const json::value* first = m->is_array() && !m->get_array().empty() ? &m->get_array()[0] : m;
      if (first->is_string()) {
        auto probe = parse_expression(first->get_string(), rs_);
        if (probe.expr && probe.expr->shape.leaf == LeafKind::kString) leaf = LeafKind::kString;
      }
    }
    if (!measurements(leaf, "numbers or strings")) return;
    reference(false, leaf, true);
    const bool ordering = op && *op != "=" && *op != "!=";
    if (ordering && leaf != LeafKind::kNumber) {
      diags().error(r_.path_of("operation"),
                    fmt::format("\"{}\" compares numbers; the measurements are strings", *op));
    }
    if (!rule_.reference && ordering) {
      diags().error(r_.path_of("operation"),
                    fmt::format("without referenceValue only \"=\" (all equal) and \"!=\" (all "
                                "different) are possible, found \"{}\"",
                                *op));
    }
  }

  void distance() {
    party_aggregation(false);
    measurements(LeafKind::kNumber, "numbers");
    reference(true, LeafKind::kNumber, true);
    rule_.min_distance = non_negative("minDistance", false);
    rule_.max_distance = non_negative("maxDistance", false);
    if (!r_.has("minDistance") && !r_.has("maxDistance")) {
      diags().error(r_.path(), "a distance rule needs minDistance, maxDistance or both");
    }
  }

  void collection() {
    party_aggregation(true);
    auto op =
        r_.one_of("operation", true, {"intersection", "contains", "reference_intersection_count"});
    measurements(LeafKind::kString, "lists of strings");
    rule_.min_count = non_negative("minCount", false, true);
    rule_.max_count = non_negative("maxCount", false, true);
    if (!r_.has("minCount") && !r_.has("maxCount")) {
      diags().warning(r_.path(), "neither minCount nor maxCount: the rule always passes");
    }
    if (!op) return;
    if (*op == "intersection") {
      rule_.collection_op = CollectionOp::kIntersection;
      if (r_.has("referenceValue")) {
        diags().warning(r_.path_of("referenceValue"), "ignored by the intersection operation");
      }
    } else if (*op == "contains") {
      rule_.collection_op = CollectionOp::kContains;
      reference(true, LeafKind::kString, true);
    } else {
      rule_.collection_op = CollectionOp::kReferenceIntersectionCount;
      reference(true, LeafKind::kString, false);
    }
  }

  void latency() {
    party_aggregation(false);
    auto max = r_.number("maxLatency", true);
    if (max && *max <= 0) {
      diags().error(r_.path_of("maxLatency"),
                    fmt::format("expected a number of milliseconds above 0, found {}", *max));
    } else if (max) {
      rule_.max_latency = Expandable{*max, {}};
    }
    rule_.max_distance = non_negative("maxDistance", false);
    if (auto ref = r_.one_of("distanceReference", false, {"min", "avg"})) {
      rule_.distance_reference = *ref == "avg" ? DistanceReference::kAvg : DistanceReference::kMin;
    }
  }

  void sort() {
    party_aggregation(false);
    if (auto d = r_.one_of("sortDirection", false, {"ascending", "descending"})) {
      rule_.sort_direction =
          *d == "descending" ? SortDirection::kDescending : SortDirection::kAscending;
    }
    auto name = r_.string("sortAttribute", true);
    if (!name) return;
    int idx = rs_.attribute_index(*name);
    if (idx < 0) {
      diags().error(r_.path_of("sortAttribute"),
                    fmt::format("unknown player attribute \"{}\"", *name));
      return;
    }
    rule_.sort_attribute = idx;
    auto key = r_.one_of("mapKey", false, {"minValue", "maxValue"});
    if (key) rule_.map_key = *key == "minValue" ? MapKey::kMinValue : MapKey::kMaxValue;
    const auto type = rs_.attributes[idx].type;
    if (type == AttributeType::kStringNumberMap && !key) {
      diags().error(r_.path_of("mapKey"),
                    fmt::format("required for the string_number_map attribute \"{}\": expected "
                                "\"minValue\" or \"maxValue\", found nothing",
                                *name));
    } else if (type != AttributeType::kStringNumberMap && type != AttributeType::kNumber) {
      diags().error(r_.path_of("sortAttribute"),
                    fmt::format("attribute \"{}\" has type {}; sorting needs a number or a "
                                "string_number_map attribute",
                                *name, attribute_type_name(type)));
    } else if (type == AttributeType::kNumber && key) {
      diags().warning(r_.path_of("mapKey"), "ignored: the sort attribute is a number");
    }
  }

  const ObjectReader& r_;
  RuleSet& rs_;
  Rule& rule_;
};

// Statement grammar: NAME | op '(' statement (',' statement)* ')' with op in and/or/not/xor.
class StatementParser {
 public:
  StatementParser(std::string_view s, const RuleSet& rs, int self) : s_(s), rs_(rs), self_(self) {}

  std::optional<Statement> run(std::string& error) {
    auto st = statement(0);
    skip();
    if (st && i_ != s_.size()) fail("unexpected text after the statement");
    if (!error_.empty()) {
      error = error_;
      return std::nullopt;
    }
    return st;
  }

 private:
  void skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  void fail(std::string m) {
    if (error_.empty()) error_ = fmt::format("at character {}: {}", i_ + 1, m);
  }
  std::optional<Statement> statement(int depth) {
    if (depth > 32) {
      fail("statement nested too deeply");
      return std::nullopt;
    }
    skip();
    size_t start = i_;
    while (i_ < s_.size() && s_[i_] != '(' && s_[i_] != ')' && s_[i_] != ',') ++i_;
    std::string_view word = s_.substr(start, i_ - start);
    while (!word.empty() && std::isspace(static_cast<unsigned char>(word.back()))) {
      word.remove_suffix(1);
    }
    if (word.empty()) {
      fail("expected a rule name or and/or/not/xor");
      return std::nullopt;
    }
    Statement st;
    if (i_ < s_.size() && s_[i_] == '(') {
      ++i_;
      if (word == "and")
        st.op = Statement::Op::kAnd;
      else if (word == "or")
        st.op = Statement::Op::kOr;
      else if (word == "not")
        st.op = Statement::Op::kNot;
      else if (word == "xor")
        st.op = Statement::Op::kXor;
      else {
        fail(fmt::format("unknown operator \"{}\"; expected and, or, not or xor", word));
        return std::nullopt;
      }
      do {
        auto arg = statement(depth + 1);
        if (!arg) return std::nullopt;
        st.args.push_back(std::move(*arg));
        skip();
      } while (i_ < s_.size() && s_[i_] == ',' && ++i_);
      skip();
      if (i_ >= s_.size() || s_[i_] != ')') {
        fail("expected \")\"");
        return std::nullopt;
      }
      ++i_;
      if (st.op == Statement::Op::kNot && st.args.size() != 1) {
        fail(fmt::format("not() takes one argument, found {}", st.args.size()));
        return std::nullopt;
      }
      if (st.op != Statement::Op::kNot && st.args.size() < 2) {
        fail(fmt::format("{}() takes at least two arguments", word));
        return std::nullopt;
      }
      return st;
    }
    int idx = rs_.rule_index(word);
    if (idx < 0 || idx >= self_) {
      fail(idx < 0 ? fmt::format("unknown rule \"{}\"", word)
                   : fmt::format("rule \"{}\" must be defined before the compound rule", word));
      return std::nullopt;
    }
    const auto type = rs_.rules[idx].type;
    if (type == RuleType::kBatchDistance || rs_.rules[idx].is_sort()) {
      fail(fmt::format("rule \"{}\" is a {} rule, which a compound statement cannot use", word,
                       rule_type_name(type)));
      return std::nullopt;
    }
    st.op = Statement::Op::kRule;
    st.rule = idx;
    return st;
  }

  std::string_view s_;
  const RuleSet& rs_;
  int self_;
  size_t i_ = 0;
  std::string error_;
};

void mark_referenced(const Statement& st, RuleSet& rs) {
  if (st.op == Statement::Op::kRule) {
    rs.rules[st.rule].enforced_directly = false;
    return;
  }
  for (const auto& a : st.args) mark_referenced(a, rs);
}

}  // namespace

void parse_rules(const json::value& v, RuleSet& rs, Diagnostics& diags) {
  if (!v.is_array()) {
    diags.error("rules", "expected an array of rules, found " + describe(v));
    return;
  }
  const auto& arr = v.get_array();
  std::set<std::string> names;
  // Rule indices must match positions in the document for compound references, so a rule
  // with errors still takes its slot (with whatever could be read).
  std::vector<std::pair<size_t, std::string>> compounds;  // rule index, statement text
  for (size_t i = 0; i < arr.size(); ++i) {
    const auto path = element("rules", i);
    Rule rule;
    if (!arr[i].is_object()) {
      diags.error(path, "expected a rule object, found " + describe(arr[i]));
      rs.rules.push_back(std::move(rule));
      continue;
    }
    ObjectReader r(arr[i].get_object(), path, diags);
    if (auto n = r.string("name", true)) {
      rule.name = *n;
      if (n->empty()) diags.error(r.path_of("name"), "must not be empty");
      if (!names.insert(*n).second) {
        diags.error(r.path_of("name"), fmt::format("rule name \"{}\" is used twice", *n));
      }
    }
    if (auto d = r.string("description", false)) rule.description = *d;
    auto type_name = r.string("type", true);
    std::optional<RuleType> type = type_name ? parse_rule_type(*type_name) : std::nullopt;
    if (type_name && !type) {
      diags.error(r.path_of("type"),
                  fmt::format("expected one of batchDistance, comparison, distance, collection, "
                              "latency, absoluteSort, distanceSort, compound, found \"{}\"",
                              *type_name));
    }
    if (!type) {
      rs.rules.push_back(std::move(rule));
      continue;
    }
    rule.type = *type;
    r.warn_unknown_keys(keys_for(*type));
    rs.rules.push_back(std::move(rule));
    RuleReader(r, rs, rs.rules.back()).read();
    if (*type == RuleType::kCompound) {
      if (auto st = r.string("statement", true)) compounds.emplace_back(i, *st);
    }
  }
  for (auto& [i, text] : compounds) {
    std::string error;
    auto st = StatementParser(text, rs, static_cast<int>(i)).run(error);
    if (!st) {
      diags.error(member(element("rules", i), "statement"),
                  fmt::format("invalid statement \"{}\": {}", text, error));
      continue;
    }
    rs.rules[i].statement = std::move(*st);
    mark_referenced(rs.rules[i].statement, rs);
  }
}

}  // namespace sapi::flexmatch::detail
