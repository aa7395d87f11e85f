// The built-in queues: the queue and pairs workload for each, which also runs under stress.
#include "workloads/registry/families.hpp"

#include "primitives/catalog.hpp"
#include "workloads/queue_workload.hpp"

namespace contend {
namespace {

template <Queue Q>
RegistryEntry queue_entry() {
  RegistryEntry e;
  e.info = info_of<Q>(Family::queue);
  e.info.blocking = BlockingQueue<Q>;
  e.info.single_producer_single_consumer = single_producer_single_consumer<Q>();
  // One loop serves both workloads (QueueLoop::pair_up), and stress runs the queue workload
  // itself: its delivery checks are always on; under stress its progress goes to the watchdog on
  // every item (RunSpec::stall_ns).
  const WorkloadRunner runner{&queue_workload_bytes<Q>, &run_queue_workload<Q>};
  e.run[Workload::queue] = runner;
  e.run[Workload::pairs] = runner;
  e.stress[Workload::queue] = runner;
  return e;
}

template <Queue... Qs>
void add_queues(Registry& r, TypeList<Qs...>) {
  (r.add(queue_entry<Qs>()), ...);
}

}  // namespace

void add_builtin_queues(Registry& r) { add_queues(r, BuiltinQueues{}); }

}  // namespace contend
