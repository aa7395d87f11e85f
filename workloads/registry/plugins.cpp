// Plugin primitives: the same workloads, stress checks and micro cases, over the one adapter
// type per family (primitives/plugin_primitives.hpp) that calls the plugin's functions.
#include "primitives/plugin_primitives.hpp"
#include "workloads/lock_stress.hpp"
#include "workloads/lock_workload.hpp"
#include "workloads/micro_cases.hpp"
#include "workloads/pingpong_stress.hpp"
#include "workloads/pingpong_workload.hpp"
#include "workloads/queue_workload.hpp"
#include "workloads/rw_stress.hpp"
#include "workloads/rw_workload.hpp"
#include "workloads/registry.hpp"
#include "workloads/semaphore_stress.hpp"
#include "workloads/semaphore_workload.hpp"
#include "workloads/trylock_workload.hpp"

namespace contend {
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
    RegistryEntry e;
    e.info = plugin_info(ops, Family::lock);
    e.run[Workload::lock] = {[ops](const RunSpec& s) { PluginLock::use(ops); return lock_workload_bytes<PluginLock>(s); },
                             [ops](RepetitionContext& ctx) { PluginLock::use(ops); run_lock_workload<PluginLock>(ctx); }};
    if (ops->try_lock != nullptr) {
      e.run[Workload::trylock] = {
          [ops](const RunSpec& s) { PluginLock::use(ops); return trylock_workload_bytes<PluginLock>(s); },
          [ops](RepetitionContext& ctx) { PluginLock::use(ops); run_trylock_workload<PluginLock>(ctx); }};
    }
    e.stress[Workload::lock] = {
        [ops](const RunSpec& s) { PluginLock::use(ops); return lock_stress_bytes<PluginLock>(s); },
        [ops](RepetitionContext& ctx) { PluginLock::use(ops); run_lock_stress<PluginLock>(ctx); }};
    // micro runs every case in this one process: each case points the adapter at its own table
    // right before building its primitive (PluginLock::use).
    e.micro = [ops](MicroBenchmarks& out, const std::vector<int>& threads) {
      add_lock_cases<PluginLock>(out, threads, ops->name, ops->try_lock != nullptr,
                                 [ops](micro_detail::PrimitiveSlot<PluginLock>& slot) {
                                   PluginLock::use(ops);
                                   slot.emplace(Sharing::thread_private);
                                 });
    };
    add(std::move(e));
  }
  for (const contend_semaphore_ops* ops : plugin.semaphores) {
    RegistryEntry e;
    e.info = plugin_info(ops, Family::semaphore);
    e.run[Workload::semaphore] = {
        [ops](const RunSpec& s) { PluginSemaphore::use(ops); return semaphore_workload_bytes<PluginSemaphore>(s); },
        [ops](RepetitionContext& ctx) { PluginSemaphore::use(ops); run_semaphore_workload<PluginSemaphore>(ctx); }};
    e.stress[Workload::semaphore] = {
        [ops](const RunSpec& s) { PluginSemaphore::use(ops); return semaphore_stress_bytes<PluginSemaphore>(s); },
        [ops](RepetitionContext& ctx) { PluginSemaphore::use(ops); run_semaphore_stress<PluginSemaphore>(ctx); }};
    e.micro = [ops](MicroBenchmarks& out, const std::vector<int>& threads) {
      add_semaphore_cases<PluginSemaphore>(out, threads, ops->name, ops->try_acquire != nullptr,
                                           [ops](micro_detail::PrimitiveSlot<PluginSemaphore>& slot) {
                                             PluginSemaphore::use(ops);
                                             slot.emplace(micro_detail::kPermits, Sharing::thread_private);
                                           });
    };
    add(std::move(e));
  }
  for (const contend_queue_ops* ops : plugin.queues) {
    RegistryEntry e;
    e.info = plugin_info(ops, Family::queue);
    const WorkloadRunner runner{
        [ops](const RunSpec& s) { PluginQueue::use(ops); return queue_workload_bytes<PluginQueue>(s); },
        [ops](RepetitionContext& ctx) { PluginQueue::use(ops); run_queue_workload<PluginQueue>(ctx); }};
    e.run[Workload::queue] = runner;
    e.run[Workload::pairs] = runner;
    e.stress[Workload::queue] = runner;
    add(std::move(e));
  }
  for (const contend_rwlock_ops* ops : plugin.rwlocks) {
    RegistryEntry e;
    e.info = plugin_info(ops, Family::rw);
    e.run[Workload::rw] = {[ops](const RunSpec& s) { PluginRwLock::use(ops); return rw_workload_bytes<PluginRwLock>(s); },
                           [ops](RepetitionContext& ctx) { PluginRwLock::use(ops); run_rw_workload<PluginRwLock>(ctx); }};
    e.stress[Workload::rw] = {
        [ops](const RunSpec& s) { PluginRwLock::use(ops); return rw_stress_bytes<PluginRwLock>(s); },
        [ops](RepetitionContext& ctx) { PluginRwLock::use(ops); run_rw_stress<PluginRwLock>(ctx); }};
    e.micro = [ops](MicroBenchmarks& out, const std::vector<int>& threads) {
      add_rw_cases<PluginRwLock>(out, threads, ops->name, [ops](micro_detail::PrimitiveSlot<PluginRwLock>& slot) {
        PluginRwLock::use(ops);
        slot.emplace(Sharing::thread_private);
      });
    };
    add(std::move(e));
  }
  for (const contend_handoff_ops* ops : plugin.handoffs) {
    RegistryEntry e;
    e.info = plugin_info(ops, Family::pingpong);
    e.run[Workload::pingpong] = {
        [ops](const RunSpec& s) { PluginHandoff::use(ops); return pingpong_workload_bytes<PluginHandoff>(s); },
        [ops](RepetitionContext& ctx) { PluginHandoff::use(ops); run_pingpong_workload<PluginHandoff>(ctx); }};
    e.stress[Workload::pingpong] = {
        [ops](const RunSpec& s) { PluginHandoff::use(ops); return pingpong_stress_bytes<PluginHandoff>(s); },
        [ops](RepetitionContext& ctx) { PluginHandoff::use(ops); run_pingpong_stress<PluginHandoff>(ctx); }};
    add(std::move(e));
  }
}

}  // namespace contend
