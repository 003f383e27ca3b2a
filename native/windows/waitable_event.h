// Backend::WaitableEvent on Windows: an auto-reset Win32 event.
#pragma once

#include <memory>

#include "../ks_backend.h"

namespace ks {

Status CreateWin32Event(std::unique_ptr<WaitableEvent>* out);

}  // namespace ks
