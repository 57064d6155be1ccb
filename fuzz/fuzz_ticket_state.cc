// deserialize_state on arbitrary bytes, against an embedded rule set with every attribute type
// and without a rule set. A state that loads is written again and must load again and be
// written the same way (format 2 is canonical once read).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "flexmatch/rule_set_parser.h"
#include "matchmaking/test_rule_sets.h"
#include "matchmaking/ticket_view.h"

namespace {

const sapi::flexmatch::RuleSet& rules() {
  static const sapi::flexmatch::RuleSet* r = [] {
    auto parsed = sapi::flexmatch::parse_rule_set(sapi::matchmaking::testing::kEveryAttributeType);
    if (!parsed.ok()) __builtin_trap();
    return new sapi::flexmatch::RuleSet(std::move(*parsed.rule_set));
  }();
  return *r;
}

void check(std::string_view state, const sapi::flexmatch::RuleSet* rs) {
  using namespace sapi::matchmaking;
  auto view = deserialize_state(state, rs);
  if (!view.ok()) return;
  std::string once = serialize_state(*view, rs);
  auto again = deserialize_state(once, rs);
  if (!again.ok()) __builtin_trap();
  if (serialize_state(*again, rs) != once) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view state(reinterpret_cast<const char*>(data), size);
  check(state, &rules());
  check(state, nullptr);
  return 0;
}
