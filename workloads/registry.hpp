#pragma once
// Names to runnable primitives. Each entry knows its primitive's metadata and how to run its
// family's workload over it in a repetition child. Built-ins come from primitives/catalog.hpp.
#include <cstddef>
#include <functional>
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
};

struct RegistryEntry {
  PrimitiveInfo info{};
  std::function<std::size_t(const RunSpec&)> workload_bytes{};
  RepetitionBody run{};
  // `contend stress`: the family's checking loop (workloads/lock_stress.hpp, semaphore_stress.hpp, rw_stress.hpp); empty for a
  // family stress does not cover (pingpong).
  std::function<std::size_t(const RunSpec&)> stress_bytes{};
  RepetitionBody stress{};
  // `contend micro`: registers the family's Google Benchmark cases of this primitive
  // (workloads/micro_cases.hpp); empty for a family micro does not cover (pingpong, queue).
  MicroCases micro{};
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
