// Every public rule set in testdata/flexmatch validates; the non-standard dialect is accepted
// only with warnings that name the expression AWS would refuse.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "flexmatch/rule_set_parser.h"

namespace sapi::flexmatch {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> corpus(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().extension() == ".json" &&
        e.path().string().find("nonstandard") == std::string::npos) {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool mentions(const ParseOutcome& o, std::string_view text) {
  for (const auto& d : o.diagnostics) {
    if (d.message.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(Corpus, EveryPublicRuleSetValidates) {
  auto files = corpus("testdata/flexmatch");
  ASSERT_GE(files.size(), 24u);
  for (const auto& f : files) {
    auto o = parse_rule_set(read(f));
    std::string diags;
    for (const auto& d : o.diagnostics) diags += d.to_string() + "\n";
    EXPECT_TRUE(o.ok()) << f << "\n" << diags;
  }
}

TEST(Corpus, CommentsAreAcceptedWithAWarningThatAwsRefusesThem) {
  int with_comments = 0;
  for (const auto& f : corpus("testdata/flexmatch")) {
    const auto body = read(f);
    auto o = parse_rule_set(body);
    const bool has_comment = body.find("//") != std::string::npos;
    with_comments += has_comment;
    EXPECT_EQ(mentions(o, "AWS API refuses"), has_comment) << f;
  }
  EXPECT_GE(with_comments, 3);  // AWS's own examples and two samples carry `//` comments
}

TEST(Corpus, DuplicateKeysInTheFreeForAllExampleAreWarnedAndTheLastWins) {
  auto o =
      parse_rule_set(read("testdata/flexmatch/awsdocs__amazon-gamelift-developer-guide/"
                          "doc_source__match-examples.md__L523-561__free-for-all.json"));
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(mentions(o, "duplicate key \"target\""));
  ASSERT_EQ(o.rule_set->expansions.size(), 1u);
  EXPECT_EQ(o.rule_set->expansions[0].target, "teams[Marauders].minPlayers");
  EXPECT_EQ(o.rule_set->min_players(0, 15), 100);
  EXPECT_FALSE(o.rule_set->rules[0].max_latency->expands());
}

TEST(Corpus, NonStandardPlayersDotAttributeIsAcceptedWithAWarningNamingTheExpression) {
  auto o = parse_rule_set(
      read("testdata/flexmatch/nonstandard/moepig__fmlocal__deploy__local__rulesets__1v1.json"));
  ASSERT_TRUE(o.ok());
  auto w = o.warnings();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].path, "rules[0].measurements[0]");
  EXPECT_NE(w[0].message.find("avg(teams[red].players.skill)"), std::string::npos);
  EXPECT_NE(w[0].message.find("AWS API refuses"), std::string::npos);
  EXPECT_EQ(w[1].path, "rules[0].referenceValue");
  // Read as the standard form.
  const auto& m = o.rule_set->rules[0].measurements[0].root;
  EXPECT_EQ(m.args[0].kind, Expr::Kind::kAttribute);
  EXPECT_EQ(m.args[0].attribute, 0);
}

TEST(Corpus, LargeMatchExamplesAreLarge) {
  auto o =
      parse_rule_set(read("testdata/flexmatch/awsdocs__amazon-gamelift-developer-guide/"
                          "doc_source__match-examples.md__L593-632__monster-hunters.json"));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.rule_set->teams.size(), 11u);
  EXPECT_EQ(o.rule_set->max_match_size(), 155);
  EXPECT_TRUE(o.rule_set->is_large_match());
  EXPECT_EQ(o.rule_set->teams[1].name, "Hunters_1");
  EXPECT_EQ(o.rule_set->teams[10].name, "Hunters_10");
  // The expansion on teams[Hunters] reaches every copy.
  EXPECT_EQ(o.rule_set->min_players(10, 20), 8);
  EXPECT_EQ(o.rule_set->min_players(0, 20), 5);
}

}  // namespace
}  // namespace sapi::flexmatch
