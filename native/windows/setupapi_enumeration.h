// KS device interfaces through SetupAPI: every present interface of a
// category, with its friendly name, instance id and the other KS categories
// the same filter is registered under (its aliases).
#pragma once

#include <vector>

#include "../ks_backend.h"

namespace ks {

Status EnumerateKsInterfaces(const Guid& category, std::vector<DeviceInterface>* out);

}  // namespace ks
