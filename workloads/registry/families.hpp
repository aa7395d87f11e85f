#pragma once
// How the registry is filled: one file per family of built-in primitives (locks.cpp,
// semaphores.cpp, ...) and one for plugins, so that the template instantiations of every
// (workload, primitive) pair, the heaviest compile of contend, are spread over several files
// that build side by side. Registry::builtin() (registry.cpp) calls them in order.
#include <string>

#include "primitives/primitive.hpp"
#include "workloads/registry.hpp"

namespace contend {

void add_builtin_locks(Registry& r);
void add_builtin_semaphores(Registry& r);
void add_builtin_rwlocks(Registry& r);
void add_builtin_handoffs(Registry& r);
void add_builtin_queues(Registry& r);
void add_builtin_leases(Registry& r);
void add_builtin_keyed(Registry& r);
void add_builtin_jobs(Registry& r);
void add_builtin_tasks(Registry& r);
void add_backends(Registry& r);
void add_backend_jobs(Registry& r);  // jobs.cpp: the jobs workload's one entry template serves both

// What a built-in primitive type says about itself.
template <class T>
PrimitiveInfo info_of(Family family) {
  PrimitiveInfo info;
  info.name = std::string(T::kName);
  info.description = std::string(T::kDescription);
  info.family = family;
  info.origin = T::kOrigin;
  info.process_shared = T::kProcessShared;
  info.provides_exclusion = provides_exclusion<T>();
  info.hidden = is_hidden<T>();
  info.max_permits = max_permits<T>();
  info.baseline = is_baseline<T>();
  info.backend = std::string(backend_of<T>());
  info.redis_servers = redis_servers_of<T>();
  return info;
}

}  // namespace contend
