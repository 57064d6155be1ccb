#pragma once

#include <string>
#include <string_view>

namespace sapi {

// Percent-decodes `in` into `out` ('+' stays '+' unless `plus_as_space`, as in HTML form
// query strings). Returns false (and leaves `out` unspecified) on a malformed escape such as
// "%G1" or a trailing '%'. Shared by request routing and SigV4's canonical request.
bool percent_decode(std::string_view in, std::string& out, bool plus_as_space = false);

}  // namespace sapi
