// The built-in queues: the queue and pairs workload for each, which also runs under stress.
#include "workloads/registry/families.hpp"

#include "primitives/catalog.hpp"
#include "workloads/queue_workload.hpp"

namespace contend {
namespace {

template <Queue... Qs>
void add_queues(Registry& r, TypeList<Qs...>) {
  const auto info = []<Queue Q>(Q*) {
    PrimitiveInfo i = info_of<Q>(Family::queue);
    i.blocking = BlockingQueue<Q>;
    i.single_producer_single_consumer = single_producer_single_consumer<Q>();
    return i;
  };
  // Stress runs the queue workload itself: its delivery checks are always on; under stress its
  // progress goes to the watchdog on every item (RunSpec::stall_ns).
  (r.add(RegistryEntry{info(static_cast<Qs*>(nullptr)), &queue_workload_bytes<Qs>, &run_queue_workload<Qs>,
                       &queue_workload_bytes<Qs>, &run_queue_workload<Qs>}),
   ...);
}

}  // namespace

void add_builtin_queues(Registry& r) { add_queues(r, BuiltinQueues{}); }

}  // namespace contend
