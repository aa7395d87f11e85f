#include "workloads/registry.hpp"

#include <stdexcept>

#include "workloads/model/knobs.hpp"
#include "workloads/registry/families.hpp"

namespace contend {

Registry Registry::builtin() {
  Registry r;
  add_builtin_locks(r);
  add_builtin_semaphores(r);
  add_builtin_rwlocks(r);
  add_builtin_handoffs(r);
  add_builtin_queues(r);
  add_builtin_leases(r);
  add_builtin_keyed(r);
  add_builtin_jobs(r);
  add_builtin_tasks(r);
  add_backends(r);
  return r;
}

void Registry::add(RegistryEntry entry) {
  if (find(entry.info.name) != nullptr) {
    throw std::invalid_argument("primitive name '" + entry.info.name + "' is already taken");
  }
  entries_.push_back(std::move(entry));
}

const RegistryEntry* Registry::find(std::string_view name) const {
  for (const auto& e : entries_) {
    if (e.info.name == name) return &e;
  }
  return nullptr;
}

std::vector<const RegistryEntry*> Registry::visible(std::optional<Family> family, bool show_hidden) const {
  std::vector<const RegistryEntry*> out;
  for (const auto& e : entries_) {
    if (family && e.info.family != *family) continue;
    if (e.info.hidden && !show_hidden) continue;
    out.push_back(&e);
  }
  return out;
}

Family family_of(Workload w) { return workload_info(w).family; }

}  // namespace contend
