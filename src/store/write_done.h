#pragma once

#include <functional>

#include "base/status.h"

namespace sapi::store {

// Called once per write, from the writer thread, after the write's transaction committed
// (ok) or with the reason it did not. Must not block: it runs before the next batch starts.
using WriteDone = std::function<void(Status)>;

}  // namespace sapi::store
