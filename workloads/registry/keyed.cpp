// The built-in keyed limiters: the keyed workload, in `run` and in `stress` (one loop, which
// checks every request in `stress` only), for each.
#include "workloads/registry/families.hpp"

#include "primitives/catalog.hpp"
#include "workloads/keyed_workload.hpp"

namespace contend {
namespace {

template <KeyedLimiter L>
RegistryEntry keyed_entry() {
  RegistryEntry e;
  e.info = info_of<L>(Family::keyed);
  e.run[Workload::keyed] = {&keyed_workload_bytes<L>, &run_keyed_workload<L>};
  e.stress[Workload::keyed] = {&keyed_workload_bytes<L>, &run_keyed_workload<L>};
  return e;
}

template <KeyedLimiter... Ls>
void add_keyed(Registry& r, TypeList<Ls...>) {
  (r.add(keyed_entry<Ls>()), ...);
}

}  // namespace

void add_builtin_keyed(Registry& r) { add_keyed(r, BuiltinKeyedLimiters{}); }

}  // namespace contend
