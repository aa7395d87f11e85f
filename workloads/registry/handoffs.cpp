// The built-in handoffs: the pingpong workload for each (it checks its own deliveries; no stress).
#include "workloads/registry/families.hpp"

#include "primitives/catalog.hpp"
#include "workloads/pingpong_workload.hpp"

namespace contend {
namespace {

template <Handoff... Hs>
void add_handoffs(Registry& r, TypeList<Hs...>) {
  (r.add(RegistryEntry{info_of<Hs>(Family::pingpong), &pingpong_workload_bytes<Hs>,
                       &run_pingpong_workload<Hs>, {}, {}}),
   ...);
}

}  // namespace

void add_builtin_handoffs(Registry& r) { add_handoffs(r, BuiltinHandoffs{}); }

}  // namespace contend
