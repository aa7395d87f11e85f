#include "workloads/registry.hpp"

#include <stdexcept>

#include "primitives/catalog.hpp"
#include "primitives/plugin_primitives.hpp"
#include "workloads/model/knobs.hpp"
#include "workloads/lock_workload.hpp"
#include "workloads/pingpong_workload.hpp"
#include "workloads/queue_workload.hpp"
#include "workloads/rw_workload.hpp"
#include "workloads/semaphore_workload.hpp"
#include "workloads/lock_stress.hpp"
#include "workloads/rw_stress.hpp"
#include "workloads/semaphore_stress.hpp"

namespace contend {
namespace {

template <class T>
PrimitiveInfo info_of(Family family) {
  PrimitiveInfo info{std::string(T::kName), std::string(T::kDescription), family, T::kOrigin,
                     T::kProcessShared, provides_exclusion<T>(), is_hidden<T>(), max_permits<T>()};
  info.baseline = is_baseline<T>();
  return info;
}

template <Lock... Ls>
void add_locks(Registry& r, TypeList<Ls...>) {
  (r.add(RegistryEntry{info_of<Ls>(Family::lock), &lock_workload_bytes<Ls>, &run_lock_workload<Ls>,
                       &lock_stress_bytes<Ls>, &run_lock_stress<Ls>,
                       [](MicroBenchmarks& out, const std::vector<int>& threads) {
                         add_lock_cases<Ls>(out, threads, Ls::kName, TryLock<Ls>, micro_detail::make_private<Ls>);
                       }}),
   ...);
}

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

template <RwLock... Rs>
void add_rwlocks(Registry& r, TypeList<Rs...>) {
  (r.add(RegistryEntry{info_of<Rs>(Family::rw), &rw_workload_bytes<Rs>, &run_rw_workload<Rs>, &rw_stress_bytes<Rs>,
                       &run_rw_stress<Rs>, &add_rw_cases<Rs>}),
   ...);
}

template <Handoff... Hs>
void add_handoffs(Registry& r, TypeList<Hs...>) {
  (r.add(RegistryEntry{info_of<Hs>(Family::pingpong), &pingpong_workload_bytes<Hs>,
                       &run_pingpong_workload<Hs>, {}, {}}),
   ...);
}

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

Registry Registry::builtin() {
  Registry r;
  add_locks(r, BuiltinLocks{});
  add_semaphores(r, BuiltinSemaphores{});
  add_rwlocks(r, BuiltinRwLocks{});
  add_handoffs(r, BuiltinHandoffs{});
  add_queues(r, BuiltinQueues{});
  return r;
}

namespace {

template <class Ops>
PrimitiveInfo plugin_info(const Ops* ops, Family family) {
  PrimitiveInfo info;
  info.name = ops->name;
  info.description = ops->description != nullptr ? ops->description : "";
  info.family = family;
  info.origin = Origin::plugin;
  info.process_shared = ops->process_shared != 0;
  return info;
}

}  // namespace

// Each entry's functions first make the plugin's table the adapter's current one (use()): the
// supervisor sizes the arena with it, and the repetition child, which runs this one entry,
// builds the primitive with it.
void Registry::add_plugin(const LoadedPlugin& plugin) {
  for (const contend_lock_ops* ops : plugin.locks) {
    add(RegistryEntry{
        plugin_info(ops, Family::lock),
        [ops](const RunSpec& s) { PluginLock::use(ops); return lock_workload_bytes<PluginLock>(s); },
        [ops](RepetitionContext& ctx) { PluginLock::use(ops); run_lock_workload<PluginLock>(ctx); },
        [ops](const RunSpec& s) { PluginLock::use(ops); return lock_stress_bytes<PluginLock>(s); },
        [ops](RepetitionContext& ctx) { PluginLock::use(ops); run_lock_stress<PluginLock>(ctx); },
        // micro runs every case in this one process: each case points the adapter at its own
        // table right before building its primitive (PluginLock::use).
        [ops](MicroBenchmarks& out, const std::vector<int>& threads) {
          add_lock_cases<PluginLock>(out, threads, ops->name, ops->try_lock != nullptr,
                                     [ops](micro_detail::PrimitiveSlot<PluginLock>& slot) {
                                       PluginLock::use(ops);
                                       slot.emplace(Sharing::thread_private);
                                     });
        }});
  }
  for (const contend_semaphore_ops* ops : plugin.semaphores) {
    add(RegistryEntry{
        plugin_info(ops, Family::semaphore),
        [ops](const RunSpec& s) { PluginSemaphore::use(ops); return semaphore_workload_bytes<PluginSemaphore>(s); },
        [ops](RepetitionContext& ctx) { PluginSemaphore::use(ops); run_semaphore_workload<PluginSemaphore>(ctx); },
        [ops](const RunSpec& s) { PluginSemaphore::use(ops); return semaphore_stress_bytes<PluginSemaphore>(s); },
        [ops](RepetitionContext& ctx) { PluginSemaphore::use(ops); run_semaphore_stress<PluginSemaphore>(ctx); },
        [ops](MicroBenchmarks& out, const std::vector<int>& threads) {
          add_semaphore_cases<PluginSemaphore>(out, threads, ops->name, ops->try_acquire != nullptr,
                                               [ops](micro_detail::PrimitiveSlot<PluginSemaphore>& slot) {
                                                 PluginSemaphore::use(ops);
                                                 slot.emplace(micro_detail::kPermits, Sharing::thread_private);
                                               });
        }});
  }
  for (const contend_queue_ops* ops : plugin.queues) {
    const auto bytes = [ops](const RunSpec& s) { PluginQueue::use(ops); return queue_workload_bytes<PluginQueue>(s); };
    const auto body = [ops](RepetitionContext& ctx) { PluginQueue::use(ops); run_queue_workload<PluginQueue>(ctx); };
    add(RegistryEntry{plugin_info(ops, Family::queue), bytes, body, bytes, body});
  }
}

void Registry::add(RegistryEntry entry) {
  if (find(entry.info.name) != nullptr) {
    throw std::invalid_argument("primitive name '" + entry.info.name + "' is already taken");
  }
  entries_.push_back(std::move(entry));
}

const RegistryEntry* Registry::find(std::string_view name) const {
  for (const auto& e : entries_) {
    if (e.info.name == name) return &e;
  }
  return nullptr;
}

std::vector<const RegistryEntry*> Registry::visible(std::optional<Family> family, bool show_hidden) const {
  std::vector<const RegistryEntry*> out;
  for (const auto& e : entries_) {
    if (family && e.info.family != *family) continue;
    if (e.info.hidden && !show_hidden) continue;
    out.push_back(&e);
  }
  return out;
}

Family family_of(Workload w) { return workload_info(w).family; }

}  // namespace contend
