// The built-in TTL leases: the lease workload, in `run` and in `stress` (one loop: its checks
// stay on in both), for each.
#include "workloads/registry/families.hpp"

#include "primitives/catalog.hpp"
#include "workloads/lease_workload.hpp"

namespace contend {
namespace {

template <LeaseStore S>
RegistryEntry lease_entry() {
  RegistryEntry e;
  e.info = info_of<S>(Family::lease);
  e.run[Workload::lease] = {&lease_workload_bytes<S>, &run_lease_workload<S>};
  e.stress[Workload::lease] = {&lease_workload_bytes<S>, &run_lease_workload<S>};
  return e;
}

template <LeaseStore... Ss>
void add_leases(Registry& r, TypeList<Ss...>) {
  (r.add(lease_entry<Ss>()), ...);
}

}  // namespace

void add_builtin_leases(Registry& r) { add_leases(r, BuiltinLeases{}); }

}  // namespace contend
