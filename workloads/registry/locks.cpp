// The built-in locks: the lock workload, its stress checks and its micro cases for each.
#include "workloads/registry/families.hpp"

#include "primitives/catalog.hpp"
#include "workloads/lock_stress.hpp"
#include "workloads/lock_workload.hpp"
#include "workloads/micro_cases.hpp"
#include "workloads/deadlock_workload.hpp"
#include "workloads/trylock_workload.hpp"

namespace contend {
namespace {

template <Lock L>
RegistryEntry lock_entry() {
  RegistryEntry e;
  e.info = info_of<L>(Family::lock);
  e.run[Workload::lock] = {&lock_workload_bytes<L>, &run_lock_workload<L>};
  if constexpr (TryLock<L>) e.run[Workload::trylock] = {&trylock_workload_bytes<L>, &run_trylock_workload<L>};
  if constexpr (TryLock<L>) {
    e.run[Workload::deadlock] = {&deadlock_workload_bytes<L>, &run_deadlock_workload<L>};
    e.stress[Workload::deadlock] = {&deadlock_workload_bytes<L>, &run_deadlock_workload<L>};
  }
  e.stress[Workload::lock] = {&lock_stress_bytes<L>, &run_lock_stress<L>};
  e.micro = [](MicroBenchmarks& out, const std::vector<int>& threads) {
    add_lock_cases<L>(out, threads, L::kName, TryLock<L>, micro_detail::make_private<L>);
  };
  return e;
}

template <Lock... Ls>
void add_locks(Registry& r, TypeList<Ls...>) {
  (r.add(lock_entry<Ls>()), ...);
}

}  // namespace

void add_builtin_locks(Registry& r) { add_locks(r, BuiltinLocks{}); }

}  // namespace contend
