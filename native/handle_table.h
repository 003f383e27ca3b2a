// The addon's open KS objects for one Node environment. JS holds ids, never
// backend handles; a parent owns its children, so closing a filter closes its
// pins and a pin its allocators, children first, as better-sqlite3's
// database closes its statements.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "ks_backend.h"

namespace ks {

struct HandleEntry {
  Backend* backend = nullptr;
  BackendHandle handle = 0;
  ObjectClass cls = ObjectClass::Filter;
  double parent = 0;  // 0: none
  std::vector<double> children;
};

class HandleTable {
 public:
  // Ids are integers below 2^53, so JS numbers hold them exactly, and are
  // never reused, so a stale id can only miss.
  double Add(Backend* backend, BackendHandle handle, ObjectClass cls, double parent);
  const HandleEntry* Find(double id) const;
  // Closes the object and, first, everything it owns. Unknown ids are ignored.
  void Close(double id);
  void CloseAll();
  // Runs before an object's backend handle closes (after its children's), so
  // the addon can stop what it runs on that handle (a pin's streaming).
  std::function<void(double id)> beforeClose;
  size_t size() const { return entries_.size(); }

 private:
  std::unordered_map<double, HandleEntry> entries_;
  double next_ = 0;
};

}  // namespace ks
