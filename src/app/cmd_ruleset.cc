// `session-api ruleset validate FILE... [--json]`: check FlexMatch rule sets before shipping.

#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "app/commands.h"
#include "flexmatch/rule_set_parser.h"

namespace sapi::app {
namespace {

namespace json = boost::json;
using flexmatch::Diagnostic;

struct FileResult {
  std::string file;
  bool readable = true;
  flexmatch::ParseOutcome outcome;
};

FileResult validate_file(const std::string& path) {
  FileResult r{path, true, {}};
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    r.readable = false;
    r.outcome.diagnostics.push_back({Diagnostic::Severity::kError, "", "cannot read the file"});
    return r;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  r.outcome = flexmatch::parse_rule_set(buf.str());
  return r;
}

json::object to_json(const FileResult& r) {
  json::array errors;
  json::array warnings;
  for (const auto& d : r.outcome.diagnostics) {
    json::object o{{"path", d.path}, {"message", d.message}};
    (d.is_error() ? errors : warnings).push_back(std::move(o));
  }
  return {{"file", r.file},
          {"valid", r.outcome.ok()},
          {"errors", std::move(errors)},
          {"warnings", std::move(warnings)}};
}

void print_text(const FileResult& r) {
  if (r.outcome.ok()) {
    std::cout << r.file << ": valid\n";
    for (const auto& d : r.outcome.diagnostics) std::cout << "  " << d.to_string() << "\n";
    return;
  }
  const size_t n = r.outcome.errors().size();
  std::cout << r.file << ": invalid (" << n << (n == 1 ? " error" : " errors") << ")\n";
  for (const auto& d : r.outcome.diagnostics) std::cout << "  " << d.to_string() << "\n";
}

}  // namespace

void add_ruleset_command(CLI::App& root, int& exit_code) {
  auto* cmd = root.add_subcommand("ruleset", "Work with FlexMatch rule sets");
  cmd->require_subcommand(1);
  auto* validate = cmd->add_subcommand(
      "validate", "Check FlexMatch rule-set files; every problem is reported with its JSON path");
  auto files = std::make_shared<std::vector<std::string>>();
  auto as_json = std::make_shared<bool>(false);
  validate->add_option("FILE", *files, "Rule-set JSON files")->required();
  validate->add_flag("--json", *as_json, "Print one JSON document with the results");
  validate->callback([files, as_json, &exit_code] {
    exit_code = 0;
    json::array results;
    for (const auto& f : *files) {
      auto r = validate_file(f);
      if (!r.outcome.ok()) exit_code = 1;
      if (*as_json) {
        results.push_back(to_json(r));
      } else {
        print_text(r);
      }
    }
    if (*as_json) {
      std::cout << json::serialize(json::object{{"valid", exit_code == 0}, {"files", results}})
                << "\n";
    }
  });
}

}  // namespace sapi::app
