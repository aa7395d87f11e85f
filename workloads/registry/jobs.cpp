// The job tables: the jobs workload, in `run` and in `stress` (one loop: its checks stay on in
// both), for each — the built-in ones, and those kept on a server (pg-jobs), which add_backends
// (backends.cpp) registers through add_backend_jobs.
#include "workloads/registry/families.hpp"

#include "primitives/catalog.hpp"
#include "workloads/jobs_workload.hpp"

namespace contend {
namespace {

template <JobTable T>
RegistryEntry jobs_entry() {
  RegistryEntry e;
  e.info = info_of<T>(Family::jobs);
  e.run[Workload::jobs] = {&jobs_workload_bytes<T>, &run_jobs_workload<T>};
  e.stress[Workload::jobs] = {&jobs_workload_bytes<T>, &run_jobs_workload<T>};
  return e;
}

template <JobTable... Ts>
void add_jobs(Registry& r, TypeList<Ts...>) {
  (r.add(jobs_entry<Ts>()), ...);
}

}  // namespace

void add_builtin_jobs(Registry& r) { add_jobs(r, BuiltinJobTables{}); }

void add_backend_jobs(Registry& r) { add_jobs(r, BackendJobTables{}); }

}  // namespace contend
