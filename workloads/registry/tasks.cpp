// The built-in task runtimes: the tasks workload, in `run` and in `stress` (one loop: its checks
// stay on in both), for each.
#include "workloads/registry/families.hpp"

#include "primitives/catalog.hpp"
#include "workloads/tasks_workload.hpp"

namespace contend {
namespace {

template <TaskRuntime T>
RegistryEntry tasks_entry() {
  RegistryEntry e;
  e.info = info_of<T>(Family::tasks);
  e.info.cancels = T::kCancels;
  e.run[Workload::tasks] = {&tasks_workload_bytes<T>, &run_tasks_workload<T>};
  e.stress[Workload::tasks] = {&tasks_workload_bytes<T>, &run_tasks_workload<T>};
  return e;
}

template <TaskRuntime... Ts>
void add_tasks(Registry& r, TypeList<Ts...>) {
  (r.add(tasks_entry<Ts>()), ...);
}

}  // namespace

void add_builtin_tasks(Registry& r) { add_tasks(r, BuiltinTaskRuntimes{}); }

}  // namespace contend
