#include "matchmaking/ids.h"

#include <chrono>
#include <random>

namespace sapi::matchmaking {
namespace {

std::mt19937_64& engine() {
  thread_local std::mt19937_64 e{std::random_device{}()};
  return e;
}

}  // namespace

std::string random_hex(size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(n, '0');
  uint64_t bits = 0;
  for (size_t i = 0; i < n; ++i) {
    if (i % 16 == 0) bits = engine()();
    out[i] = kHex[bits & 15];
    bits >>= 4;
  }
  return out;
}

namespace {

// The 32 hex digits `h` as 8-4-4-4-12, written in place.
std::string dashed(const std::string& h) {
  std::string out(36, '-');
  for (size_t i = 0, o = 0; i < 32; ++i, ++o) {
    if (o == 8 || o == 13 || o == 18 || o == 23) ++o;
    out[o] = h[i];
  }
  return out;
}

}  // namespace

std::string random_uuid() {
  std::string h = random_hex(32);
  h[12] = '4';
  h[16] = "89ab"[h[16] % 4];
  return dashed(h);
}

std::string time_ordered_uuid() {
  static constexpr char kHex[] = "0123456789abcdef";
  auto ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count());
  std::string h = random_hex(32);
  for (int i = 0; i < 12; ++i) h[i] = kHex[(ms >> (44 - 4 * i)) & 15];
  h[12] = '7';
  h[16] = "89ab"[h[16] % 4];
  return dashed(h);
}

}  // namespace sapi::matchmaking
