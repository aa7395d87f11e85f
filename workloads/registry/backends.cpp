// The backend primitives (primitives/backends/), kept on servers: each registered for the
// workloads of its family that `run` and `stress` drive, never for `micro` (its cases build
// primitives without a configuration's servers).
#include "workloads/registry/families.hpp"

#include "primitives/catalog.hpp"
#include "workloads/broker_queue_loop.hpp"
#include "workloads/deadlock_workload.hpp"
#include "workloads/isolation_workload.hpp"
#include "workloads/lease_workload.hpp"
#include "workloads/lock_stress.hpp"
#include "workloads/lock_workload.hpp"
#include "workloads/rw_stress.hpp"
#include "workloads/rw_workload.hpp"
#include "workloads/semaphore_stress.hpp"
#include "workloads/semaphore_workload.hpp"
#include "workloads/trylock_workload.hpp"

namespace contend {
namespace {

template <TryLock L>
RegistryEntry backend_lock_entry() {
  RegistryEntry e;
  e.info = info_of<L>(Family::lock);
  e.run[Workload::lock] = {&lock_workload_bytes<L>, &run_lock_workload<L>};
  e.run[Workload::trylock] = {&trylock_workload_bytes<L>, &run_trylock_workload<L>};
  e.run[Workload::deadlock] = {&deadlock_workload_bytes<L>, &run_deadlock_workload<L>};
  e.stress[Workload::deadlock] = {&deadlock_workload_bytes<L>, &run_deadlock_workload<L>};
  e.stress[Workload::lock] = {&lock_stress_bytes<L>, &run_lock_stress<L>};
  return e;
}

template <TryLock... Ls>
void add_locks(Registry& r, TypeList<Ls...>) {
  (r.add(backend_lock_entry<Ls>()), ...);
}

template <TrySemaphore S>
RegistryEntry backend_semaphore_entry() {
  RegistryEntry e;
  e.info = info_of<S>(Family::semaphore);
  e.run[Workload::semaphore] = {&semaphore_workload_bytes<S>, &run_semaphore_workload<S>};
  e.stress[Workload::semaphore] = {&semaphore_stress_bytes<S>, &run_semaphore_stress<S>};
  return e;
}

template <TrySemaphore... Ss>
void add_semaphores(Registry& r, TypeList<Ss...>) {
  (r.add(backend_semaphore_entry<Ss>()), ...);
}

template <LeaseStore S>
RegistryEntry backend_lease_entry() {
  RegistryEntry e;
  e.info = info_of<S>(Family::lease);
  e.run[Workload::lease] = {&lease_workload_bytes<S>, &run_lease_workload<S>};
  e.stress[Workload::lease] = {&lease_workload_bytes<S>, &run_lease_workload<S>};
  return e;
}

template <LeaseStore... Ss>
void add_leases(Registry& r, TypeList<Ss...>) {
  (r.add(backend_lease_entry<Ss>()), ...);
}

template <RwLock R>
RegistryEntry backend_rwlock_entry() {
  RegistryEntry e;
  e.info = info_of<R>(Family::rw);
  e.run[Workload::rw] = {&rw_workload_bytes<R>, &run_rw_workload<R>};
  e.stress[Workload::rw] = {&rw_stress_bytes<R>, &run_rw_stress<R>};
  return e;
}

template <RwLock... Rs>
void add_rwlocks(Registry& r, TypeList<Rs...>) {
  (r.add(backend_rwlock_entry<Rs>()), ...);
}

template <CounterStore T>
RegistryEntry backend_counters_entry() {
  RegistryEntry e;
  e.info = info_of<T>(Family::counters);
  e.run[Workload::isolation] = {&isolation_workload_bytes<T>, &run_isolation_workload<T>};
  e.stress[Workload::isolation] = {&isolation_workload_bytes<T>, &run_isolation_workload<T>};
  return e;
}

template <CounterStore... Ts>
void add_counter_stores(Registry& r, TypeList<Ts...>) {
  (r.add(backend_counters_entry<Ts>()), ...);
}

// A queue kept in a broker: the queue workload's broker path, in run and stress (no pairs: a
// worker that publishes and then consumes one message is a request-reply, not a work queue).
template <BrokerQueue Q>
RegistryEntry backend_queue_entry() {
  RegistryEntry e;
  e.info = info_of<Q>(Family::queue);
  const WorkloadRunner runner{&broker_queue_workload_bytes<Q>, &run_broker_queue_workload<Q>};
  e.run[Workload::queue] = runner;
  e.stress[Workload::queue] = runner;
  return e;
}

template <BrokerQueue... Qs>
void add_broker_queues(Registry& r, TypeList<Qs...>) {
  (r.add(backend_queue_entry<Qs>()), ...);
}

}  // namespace

void add_backends(Registry& r) {
  add_locks(r, BackendLocks{});
  add_rwlocks(r, BackendRwLocks{});
  add_backend_jobs(r);
  add_counter_stores(r, BackendCounterStores{});
  add_broker_queues(r, BackendQueues{});
  add_semaphores(r, BackendSemaphores{});
  add_leases(r, BackendLeases{});
}

}  // namespace contend
