#pragma once
// Small checks on text from the network.

#include <string_view>

namespace sapi {

// True when `s` holds an ASCII control character (0x00-0x1F or DEL). No id, address or name a
// client sends legitimately holds one, and a NUL would cut the value short wherever it is read
// as a C string later.
bool has_control_character(std::string_view s);

}  // namespace sapi
