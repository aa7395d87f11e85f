// The built-in handoffs: the pingpong workload and its stress checks for each.
#include "workloads/registry/families.hpp"

#include "primitives/catalog.hpp"
#include "workloads/pingpong_stress.hpp"
#include "workloads/pingpong_workload.hpp"

namespace contend {
namespace {

template <Handoff H>
RegistryEntry handoff_entry() {
  RegistryEntry e;
  e.info = info_of<H>(Family::pingpong);
  e.run[Workload::pingpong] = {&pingpong_workload_bytes<H>, &run_pingpong_workload<H>};
  e.stress[Workload::pingpong] = {&pingpong_stress_bytes<H>, &run_pingpong_stress<H>};
  return e;
}

template <Handoff... Hs>
void add_handoffs(Registry& r, TypeList<Hs...>) {
  (r.add(handoff_entry<Hs>()), ...);
}

}  // namespace

void add_builtin_handoffs(Registry& r) { add_handoffs(r, BuiltinHandoffs{}); }

}  // namespace contend
