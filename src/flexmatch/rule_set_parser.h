#pragma once

// Reading rule-set documents: parsing, validation and compilation of property expressions in
// one pass that reports every problem it finds, each with the JSON path it concerns.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flexmatch/rule_set.h"

namespace sapi::flexmatch {

struct Diagnostic {
  enum class Severity : uint8_t { kError, kWarning };
  Severity severity = Severity::kError;
  // Where in the document, e.g. "rules[2].maxDistance" or "expansions[0].steps[1]"; empty
  // for the document as a whole.
  std::string path;
  // What was expected and what was found, in words a game designer can act on.
  std::string message;

  bool is_error() const { return severity == Severity::kError; }
  // "rules[2].maxDistance: expected a number, found the string \"far\"".
  std::string to_string() const;
};

struct ParseOutcome {
  std::optional<RuleSet> rule_set;      // set exactly when there is no error
  std::vector<Diagnostic> diagnostics;  // errors and warnings, in document order

  bool ok() const { return rule_set.has_value(); }
  std::vector<Diagnostic> errors() const;
  std::vector<Diagnostic> warnings() const;
};

// Parses and validates a rule-set body. Never throws, whatever the bytes. Accepted with a
// warning (the AWS API would refuse them): `//` and `/* */` comments, numbers written as
// strings, keys this engine does not know, duplicate keys (the last one is used), and the
// non-standard `teams[x].players.skill` expression form.
ParseOutcome parse_rule_set(std::string_view body);

}  // namespace sapi::flexmatch
