#pragma once
// Names to runnable primitives. Each entry knows its primitive's metadata and how to run its
// family's workload over it in a repetition child. Built-ins come from primitives/catalog.hpp.
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "primitives/plugin_loader.hpp"
#include "primitives/primitive.hpp"
#include "workloads/repetition.hpp"
#include "workloads/micro_benchmarks.hpp"
#include "workloads/model/spec.hpp"

namespace contend {

struct PrimitiveInfo {
  std::string name;
  std::string description;
  Family family = Family::lock;
  Origin origin = Origin::own;
  bool process_shared = false;
  bool provides_exclusion = true;
  bool hidden = false;  // planted bugs: not listed, not in "all", but runnable by name
  std::uint32_t max_permits = 0;  // semaphores that hold at most this many permits; 0: no limit
  bool blocking = false;          // queues: has a sleeping push and pop (--wait block)
  bool single_producer_single_consumer = false;  // queues: one producer and one consumer only
  bool baseline = false;  // locks that are not locks (nolock, race, atomic-add): stress leaves them out of "all"
  bool cancels = false;   // task runtimes: a task can cancel another's wait (--cancel)
  std::string backend;    // "redis": kept on a server (--redis); never in "all"
  std::uint32_t redis_servers = 0;  // how many Redis servers it needs (Redlock: its instances)
};

// How to run one workload over one primitive: the bytes its repetition takes from the arena
// beyond the engine's own, and the body of the repetition's child.
struct WorkloadRunner {
  std::function<std::size_t(const RunSpec&)> bytes{};
  RepetitionBody body{};
};

struct RegistryEntry {
  PrimitiveInfo info{};
  // `contend run`: each workload (of the primitive's family) that can run it. A workload missing
  // here cannot: the trylock workload over a lock without try_lock.
  std::map<Workload, WorkloadRunner> run{};
  // `contend stress`: the workloads' checking loops (workloads/*_stress.hpp; the queue workload
  // checks itself); none for a family stress does not cover (pingpong).
  std::map<Workload, WorkloadRunner> stress{};
  // `contend micro`: registers the family's Google Benchmark cases of this primitive
  // (workloads/micro_cases.hpp); empty for a family micro does not cover (pingpong, queue).
  MicroCases micro{};

  bool runs(Workload w) const { return run.count(w) != 0; }
};

class Registry {
 public:
  static Registry builtin();

  void add(RegistryEntry entry);
  // Adds a loaded plugin's locks, semaphores and queues under their own names (their adapters,
  // primitives/plugin_primitives.hpp, run the same workloads and stress checks as built-ins).
  // Throws std::invalid_argument when a name is taken.
  void add_plugin(const LoadedPlugin& plugin);
  const RegistryEntry* find(std::string_view name) const;
  const std::vector<RegistryEntry>& entries() const { return entries_; }
  // Visible entries of a family (all families when `family` is empty), in registration order.
  std::vector<const RegistryEntry*> visible(std::optional<Family> family, bool show_hidden) const;

 private:
  std::vector<RegistryEntry> entries_;
};

Family family_of(Workload w);

}  // namespace contend
