#include "handle_table.h"

#include <algorithm>

namespace ks {

double HandleTable::Add(Backend* backend, BackendHandle handle, ObjectClass cls, double parent) {
  double id = ++next_;
  entries_.emplace(id, HandleEntry{backend, handle, cls, parent, {}});
  if (parent != 0) {
    auto it = entries_.find(parent);
    if (it != entries_.end()) it->second.children.push_back(id);
  }
  return id;
}

const HandleEntry* HandleTable::Find(double id) const {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second;
}

void HandleTable::Close(double id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  std::vector<double> children = std::move(it->second.children);
  for (auto child = children.rbegin(); child != children.rend(); ++child) Close(*child);

  it = entries_.find(id);  // the recursion may have rehashed the map
  HandleEntry entry = it->second;
  entries_.erase(it);
  if (entry.parent != 0) {
    auto parent = entries_.find(entry.parent);
    if (parent != entries_.end()) {
      auto& siblings = parent->second.children;
      siblings.erase(std::remove(siblings.begin(), siblings.end(), id), siblings.end());
    }
  }
  if (beforeClose) beforeClose(id);
  entry.backend->Close(entry.handle);
}

void HandleTable::CloseAll() {
  std::vector<double> roots;
  for (const auto& entry : entries_) {
    if (entry.second.parent == 0) roots.push_back(entry.first);
  }
  for (double id : roots) Close(id);
  // Orphans (a parent closed by a path that did not cascade) cannot exist, but
  // leave nothing behind regardless.
  while (!entries_.empty()) Close(entries_.begin()->first);
}

}  // namespace ks
