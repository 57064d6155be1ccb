#include "flexmatch/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace sapi::flexmatch {
namespace {

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::min<double>(v.size() - 1, std::floor(p * (v.size() - 1))));
  return v[i];
}

// A histogram as an inline SVG: equal-width bins between the smallest and largest value.
std::string histogram_svg(const std::vector<double>& values, std::string_view unit) {
  constexpr int kWidth = 640, kHeight = 200, kBins = 30, kPad = 30;
  if (values.empty()) return "<p class=\"none\">no data</p>";
  auto [lo_it, hi_it] = std::minmax_element(values.begin(), values.end());
  double lo = *lo_it, hi = *hi_it;
  int bins = hi > lo ? kBins : 1;
  std::vector<size_t> counts(bins, 0);
  for (double v : values) {
    int b = hi > lo ? static_cast<int>((v - lo) / (hi - lo) * bins) : 0;
    counts[std::clamp(b, 0, bins - 1)]++;
  }
  size_t top = *std::max_element(counts.begin(), counts.end());
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\">", kWidth,
      kHeight + kPad);
  double bar = static_cast<double>(kWidth - 2 * kPad) / bins;
  for (int b = 0; b < bins; ++b) {
    double h = top ? static_cast<double>(counts[b]) / top * (kHeight - 10) : 0;
    svg += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" class=\"bar\">"
        "<title>{}</title></rect>",
        kPad + b * bar, kHeight - h, std::max(bar - 1, 1.0), h, counts[b]);
  }
  svg += fmt::format(
      "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" class=\"axis\"/>"
      "<text x=\"{0}\" y=\"{3}\">{4:.4g} {6}</text>"
      "<text x=\"{2}\" y=\"{3}\" text-anchor=\"end\">{5:.4g} {6}</text>"
      "<text x=\"{0}\" y=\"12\">max {7} per bin</text></svg>",
      kPad, kHeight, kWidth - kPad, kHeight + 20, lo, hi, escape(unit), top);
  return svg;
}

std::string summary_line(const std::vector<double>& v, std::string_view unit) {
  if (v.empty()) return "";
  double sum = 0;
  for (double x : v) sum += x;
  return fmt::format("<p>mean {:.3g} {}, median {:.3g}, p90 {:.3g}, max {:.3g} ({} values)</p>",
                     sum / v.size(), escape(unit), percentile(v, 0.5), percentile(v, 0.9),
                     percentile(v, 1.0), v.size());
}

std::string rules_section(const std::vector<RuleCount>& rules) {
  if (rules.empty()) return "<p class=\"none\">the rule set has no rules</p>";
  uint64_t top = 1;
  for (const auto& r : rules) top = std::max(top, r.passed + r.failed);
  std::string out = "<table><tr><th>rule</th><th>passed</th><th>failed</th><th></th></tr>";
  for (const auto& r : rules) {
    double pw = 300.0 * r.passed / top, fw = 300.0 * r.failed / top;
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td><svg xmlns=\"http://www.w3.org/2000/svg\" "
        "width=\"300\" height=\"14\"><rect width=\"{:.1f}\" height=\"14\" class=\"pass\"/>"
        "<rect x=\"{:.1f}\" width=\"{:.1f}\" height=\"14\" class=\"fail\"/></svg></td></tr>",
        escape(r.rule), r.passed, r.failed, pw, pw, fw);
  }
  return out + "</table>";
}

}  // namespace

std::string render_report_html(const ReportData& d) {
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{0}</title>"
      "<style>body{{font-family:sans-serif;max-width:720px;margin:2em auto;color:#222}}"
      ".bar{{fill:#4a7bd0}}.axis{{stroke:#444}}.pass{{fill:#3a9d5d}}.fail{{fill:#d0493a}}"
      "text{{font-size:11px}}table{{border-collapse:collapse}}td,th{{padding:2px 8px;"
      "text-align:left}}.none{{color:#888}}</style></head><body><h1>{0}</h1>"
      "<p>{1} tickets arrived over {2:.0f} simulated seconds; {3} matched into {4} matches; "
      "{5} never matched.</p>",
      escape(d.title), d.tickets, d.simulated_seconds, d.matched_tickets, d.matches,
      d.tickets - std::min(d.tickets, d.matched_tickets));
  html += "<h2>Wait time of matched tickets</h2>" + summary_line(d.wait_seconds, "s") +
          histogram_svg(d.wait_seconds, "s");
  html += "<h2>Players per match</h2>" + summary_line(d.match_sizes, "players") +
          histogram_svg(d.match_sizes, "players");
  if (!d.skill_attribute.empty()) {
    html += fmt::format("<h2>Spread of {} within a match (standard deviation)</h2>",
                        escape(d.skill_attribute)) +
            summary_line(d.skill_spread, "") + histogram_svg(d.skill_spread, "");
  }
  html += "<h2>Rule evaluations</h2>" + rules_section(d.rules);
  return html + "</body></html>\n";
}

}  // namespace sapi::flexmatch
