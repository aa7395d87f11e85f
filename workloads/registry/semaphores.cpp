// The built-in semaphores: the semaphore workload, its stress checks and its micro cases for each.
#include "workloads/registry/families.hpp"

#include "primitives/catalog.hpp"
#include "workloads/micro_cases.hpp"
#include "workloads/semaphore_stress.hpp"
#include "workloads/semaphore_workload.hpp"

namespace contend {
namespace {

template <Semaphore S>
RegistryEntry semaphore_entry() {
  RegistryEntry e;
  e.info = info_of<S>(Family::semaphore);
  e.run[Workload::semaphore] = {&semaphore_workload_bytes<S>, &run_semaphore_workload<S>};
  e.stress[Workload::semaphore] = {&semaphore_stress_bytes<S>, &run_semaphore_stress<S>};
  e.micro = [](MicroBenchmarks& out, const std::vector<int>& threads) {
    add_semaphore_cases<S>(out, threads, S::kName, TrySemaphore<S>, micro_detail::make_semaphore<S>);
  };
  return e;
}

template <Semaphore... Ss>
void add_semaphores(Registry& r, TypeList<Ss...>) {
  (r.add(semaphore_entry<Ss>()), ...);
}

}  // namespace

void add_builtin_semaphores(Registry& r) { add_semaphores(r, BuiltinSemaphores{}); }

}  // namespace contend
