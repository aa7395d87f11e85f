// The built-in locks: the lock workload, its stress checks and its micro cases for each.
#include "workloads/registry/families.hpp"

#include "primitives/catalog.hpp"
#include "workloads/lock_stress.hpp"
#include "workloads/lock_workload.hpp"
#include "workloads/micro_cases.hpp"

namespace contend {
namespace {

template <Lock... Ls>
void add_locks(Registry& r, TypeList<Ls...>) {
  (r.add(RegistryEntry{info_of<Ls>(Family::lock), &lock_workload_bytes<Ls>, &run_lock_workload<Ls>,
                       &lock_stress_bytes<Ls>, &run_lock_stress<Ls>,
                       [](MicroBenchmarks& out, const std::vector<int>& threads) {
                         add_lock_cases<Ls>(out, threads, Ls::kName, TryLock<Ls>, micro_detail::make_private<Ls>);
                       }}),
   ...);
}

}  // namespace

void add_builtin_locks(Registry& r) { add_locks(r, BuiltinLocks{}); }

}  // namespace contend
