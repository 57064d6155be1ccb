#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace sapi::auth {

// base64url (RFC 4648 section 5) as JWS compact serialisation uses it (RFC 7515 section 2):
// no padding, no whitespace, only the 64 URL-safe characters.

// Encodes raw bytes without padding.
std::string base64url_encode(std::string_view bytes);

// Decodes strictly: rejects '=', whitespace, '+', '/', any other byte outside the alphabet,
// a length of 1 mod 4 (never produced by an encoder) and non-zero unused trailing bits
// (so that each byte string has exactly one accepted encoding).
Result<std::string> base64url_decode(std::string_view text);

}  // namespace sapi::auth
