#include "workloads/executor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "workloads/busy_work.hpp"
#include "workloads/clock.hpp"
#include "workloads/environment.hpp"

namespace contend {

Calibrations calibrate() { return Calibrations{calibrate_clock(), calibrate_busy_work()}; }

namespace {

const RegistryEntry& entry_for(const Registry& registry, const RunSpec& spec) {
  const RegistryEntry* entry = registry.find(spec.primitive);
  if (entry == nullptr) throw std::invalid_argument("unknown primitive '" + spec.primitive + "'");
  const auto& runners = spec.stress ? entry->stress : entry->run;
  if (runners.count(spec.workload) == 0) {
    throw std::invalid_argument(fmt::format("primitive '{}' has no {} for the {} workload", spec.primitive,
                                            spec.stress ? "stress checks" : "runner", to_string(spec.workload)));
  }
  return *entry;
}

// One repetition of `config`'s spec, added to it. Returns whether the configuration may go on
// (its verdict is not yet a timeout, hang, crash or error).
bool run_one(ConfigResult& config, int index, const RegistryEntry& entry, const Calibrations& calibrations) {
  const RunSpec& spec = config.spec;
  const WorkloadRunner& runner = (spec.stress ? entry.stress : entry.run).at(spec.workload);
  RepetitionOutcome outcome = run_repetition(spec, index, runner.bytes(spec), runner.body,
                                             entry.info.provides_exclusion, calibrations);
  const bool measured = outcome.repetition.measured();
  config.add_repetition(std::move(outcome.repetition), outcome.latency, outcome.write_latency);
  return measured;
}

Results empty_results(const Calibrations& calibrations, const std::string& command_line) {
  Results results;
  results.environment = collect_environment(calibrations);
  results.command_line = command_line;
  return results;
}

}  // namespace

Results execute_plan(const RunPlan& plan, const Registry& registry, const Calibrations& calibrations,
                     const ProgressCallback& progress) {
  Results results = empty_results(calibrations, plan.command_line);
  results.environment.servers = plan.servers;
  std::vector<const RegistryEntry*> entries;
  int total = 0;
  int rounds = 0;
  for (const RunSpec& spec : plan.configs) {
    entries.push_back(&entry_for(registry, spec));
    results.configs.push_back(ConfigResult(spec));
    total += spec.repetitions;
    rounds = std::max(rounds, spec.repetitions);
  }

  InterruptScope interrupts;
  int done = 0;
  for (int round = 0; round < rounds; ++round) {
    for (std::size_t i = 0; i < results.configs.size(); ++i) {
      ConfigResult& config = results.configs[i];
      if (round >= config.spec.repetitions) continue;
      const Status so_far = config.status();
      if (so_far != Status::ok && so_far != Status::violation) continue;
      if (progress) progress(Progress{done, total, &config.spec, round});
      run_one(config, round, *entries[i], calibrations);
      ++done;
      if (interrupt_requested()) {
        results.complete = false;
        if (progress) progress(Progress{done, total, nullptr, 0});
        record_end_load(results.environment);
        return results;
      }
    }
  }
  if (progress) progress(Progress{total, total, nullptr, 0});
  record_end_load(results.environment);
  return results;
}

AbResults execute_ab(const std::vector<AbPair>& pairs, int repetitions, const Registry& registry_a,
                     const Registry& registry_b, const Calibrations& calibrations, const std::string& command_line,
                     const ProgressCallback& progress) {
  // Configurations are kept in pair order on each side.
  struct Scheduled {
    ConfigResult a;
    ConfigResult b;
    const RegistryEntry* entry_a;
    const RegistryEntry* entry_b;
    bool stopped = false;
  };
  std::vector<Scheduled> scheduled;
  for (const AbPair& pair : pairs) {
    scheduled.push_back(
        {ConfigResult(pair.a), ConfigResult(pair.b), &entry_for(registry_a, pair.a), &entry_for(registry_b, pair.b)});
  }
  AbResults results{empty_results(calibrations, command_line), empty_results(calibrations, command_line)};
  const int total = repetitions * static_cast<int>(scheduled.size()) * 2;
  int done = 0;
  bool interrupted = false;

  const InterruptScope interrupts;
  for (int round = 0; round < repetitions && !interrupted; ++round) {
    for (std::size_t i = 0; i < scheduled.size() && !interrupted; ++i) {
      Scheduled& s = scheduled[i];
      if (s.stopped) continue;
      // ABBA: which variant goes first alternates with the round and the configuration.
      const bool a_first = (round + static_cast<int>(i)) % 2 == 0;
      for (int turn = 0; turn < 2; ++turn) {
        const bool run_a = (turn == 0) == a_first;
        ConfigResult& config = run_a ? s.a : s.b;
        if (progress) progress(Progress{done, total, &config.spec, round});
        const bool measured = run_one(config, round, run_a ? *s.entry_a : *s.entry_b, calibrations);
        ++done;
        if (!measured) s.stopped = true;
        if (interrupt_requested()) {
          interrupted = true;
          break;
        }
      }
    }
  }
  if (progress) progress(Progress{done, total, nullptr, 0});
  results.a.complete = results.b.complete = !interrupted;
  record_end_load(results.a.environment);
  results.b.environment.load_average_end = results.a.environment.load_average_end;
  results.b.environment.runnable_others_end = results.a.environment.runnable_others_end;
  for (Scheduled& s : scheduled) {
    if (!s.a.repetitions.empty()) results.a.configs.push_back(std::move(s.a));
    if (!s.b.repetitions.empty()) results.b.configs.push_back(std::move(s.b));
  }
  return results;
}

}  // namespace contend
