#pragma once

#include <string>

namespace sapi::matchmaking {

// A random version-4 UUID, e.g. for ticket ids the caller did not choose.
std::string random_uuid();
// `n` random lowercase hex digits.
std::string random_hex(size_t n);

}  // namespace sapi::matchmaking
