// The built-in reader-writer locks: the rw workload, its stress checks and its micro cases for each.
#include "workloads/registry/families.hpp"

#include "primitives/catalog.hpp"
#include "workloads/micro_cases.hpp"
#include "workloads/rw_stress.hpp"
#include "workloads/rw_workload.hpp"

namespace contend {
namespace {

template <RwLock... Rs>
void add_rwlocks(Registry& r, TypeList<Rs...>) {
  (r.add(RegistryEntry{info_of<Rs>(Family::rw), &rw_workload_bytes<Rs>, &run_rw_workload<Rs>, &rw_stress_bytes<Rs>,
                       &run_rw_stress<Rs>, &add_rw_cases<Rs>}),
   ...);
}

}  // namespace

void add_builtin_rwlocks(Registry& r) { add_rwlocks(r, BuiltinRwLocks{}); }

}  // namespace contend
