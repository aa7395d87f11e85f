// The built-in semaphores: the semaphore workload, its stress checks and its micro cases for each.
#include "workloads/registry/families.hpp"

#include "primitives/catalog.hpp"
#include "workloads/micro_cases.hpp"
#include "workloads/semaphore_stress.hpp"
#include "workloads/semaphore_workload.hpp"

namespace contend {
namespace {

template <Semaphore... Ss>
void add_semaphores(Registry& r, TypeList<Ss...>) {
  (r.add(RegistryEntry{info_of<Ss>(Family::semaphore), &semaphore_workload_bytes<Ss>,
                       &run_semaphore_workload<Ss>, &semaphore_stress_bytes<Ss>, &run_semaphore_stress<Ss>,
                       [](MicroBenchmarks& out, const std::vector<int>& threads) {
                         add_semaphore_cases<Ss>(out, threads, Ss::kName, TrySemaphore<Ss>,
                                                 micro_detail::make_semaphore<Ss>);
                       }}),
   ...);
}

}  // namespace

void add_builtin_semaphores(Registry& r) { add_semaphores(r, BuiltinSemaphores{}); }

}  // namespace contend
