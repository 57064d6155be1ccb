#pragma once

#include <functional>

#include "base/status.h"

namespace sapi::store {

// Called once per write, once the write's transaction committed and is durable (ok) or with
// the reason it is not, from the store's writer thread or its sync stage (store/writer.h).
// Must not block: the acknowledgements of the writes after it wait for it.
using WriteDone = std::function<void(Status)>;

}  // namespace sapi::store
