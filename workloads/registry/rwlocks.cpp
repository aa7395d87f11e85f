// The built-in reader-writer locks: the rw workload, its stress checks and its micro cases for each.
#include "workloads/registry/families.hpp"

#include "primitives/catalog.hpp"
#include "workloads/micro_cases.hpp"
#include "workloads/rw_stress.hpp"
#include "workloads/rw_workload.hpp"

namespace contend {
namespace {

template <RwLock R>
RegistryEntry rwlock_entry() {
  RegistryEntry e;
  e.info = info_of<R>(Family::rw);
  e.run[Workload::rw] = {&rw_workload_bytes<R>, &run_rw_workload<R>};
  e.stress[Workload::rw] = {&rw_stress_bytes<R>, &run_rw_stress<R>};
  e.micro = &add_rw_cases<R>;
  return e;
}

template <RwLock... Rs>
void add_rwlocks(Registry& r, TypeList<Rs...>) {
  (r.add(rwlock_entry<Rs>()), ...);
}

}  // namespace

void add_builtin_rwlocks(Registry& r) { add_rwlocks(r, BuiltinRwLocks{}); }

}  // namespace contend
