#include "flexmatch/report.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace sapi::flexmatch {
namespace {

ReportData sample() {
  ReportData d;
  d.title = "5v5 <ranked>";
  d.tickets = 12;
  d.matched_tickets = 10;
  d.matches = 1;
  d.simulated_seconds = 60;
  d.wait_seconds = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  d.match_sizes = {10};
  d.skill_attribute = "skill";
  d.skill_spread = {42.5};
  d.rules = {{"SkillRange", 7, 3}, {"FastConnection", 10, 0}};
  return d;
}

TEST(Report, IsSelfContainedHtmlWithEveryPlot) {
  std::string html = render_report_html(sample());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_NE(html.find("Wait time"), std::string::npos);
  EXPECT_NE(html.find("Players per match"), std::string::npos);
  EXPECT_NE(html.find("Spread of skill"), std::string::npos);
  EXPECT_NE(html.find("<td>SkillRange</td><td>7</td><td>3</td>"), std::string::npos);
  EXPECT_GE(std::count(html.begin(), html.end(), '<') - 0, 10);
  EXPECT_NE(html.find("2 never matched"), std::string::npos);
}

TEST(Report, EscapesNamesFromTheRuleSet) {
  std::string html = render_report_html(sample());
  EXPECT_NE(html.find("5v5 &lt;ranked&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<ranked>"), std::string::npos);
}

TEST(Report, EmptyRunStillRenders) {
  ReportData d;
  d.title = "empty";
  std::string html = render_report_html(d);
  EXPECT_NE(html.find("no data"), std::string::npos);
  EXPECT_EQ(html.find("Spread of"), std::string::npos);
}

}  // namespace
}  // namespace sapi::flexmatch
