#include "workloads/executor.hpp"

#include <algorithm>
#include <stdexcept>

#include "workloads/environment.hpp"

namespace contend {

Calibrations calibrate() { return Calibrations{calibrate_clock(), calibrate_busy_work()}; }

Results execute_plan(const RunPlan& plan, const Registry& registry, const Calibrations& calibrations,
                     const ProgressCallback& progress) {
  Results results;
  results.environment = collect_environment(calibrations);
  results.command_line = plan.command_line;
  for (const RunSpec& spec : plan.configs) {
    if (registry.find(spec.primitive) == nullptr) {
      throw std::invalid_argument("unknown primitive '" + spec.primitive + "'");
    }
    ConfigResult config;
    config.spec = spec;
    results.configs.push_back(std::move(config));
  }

  int total = 0;
  int rounds = 0;
  for (const RunSpec& spec : plan.configs) {
    total += spec.repetitions;
    rounds = std::max(rounds, spec.repetitions);
  }
  InterruptScope interrupts;
  int done = 0;
  for (int round = 0; round < rounds; ++round) {
    for (ConfigResult& config : results.configs) {
      const RunSpec& spec = config.spec;
      if (round >= spec.repetitions) continue;
      const Status so_far = config.status();
      if (so_far != Status::ok && so_far != Status::violation) continue;
      if (progress) progress(Progress{done, total, &spec, round});
      const RegistryEntry& entry = *registry.find(spec.primitive);
      if (spec.stress && !entry.stress) {
        throw std::invalid_argument("primitive '" + spec.primitive + "' has no stress checks");
      }
      RepetitionOutcome outcome =
          spec.stress ? run_repetition(spec, round, entry.stress_bytes(spec), entry.stress, entry.info.provides_exclusion,
                                       calibrations)
                      : run_repetition(spec, round, entry.workload_bytes(spec), entry.run, entry.info.provides_exclusion,
                                       calibrations);
      config.add_repetition(std::move(outcome.repetition), outcome.latency, outcome.write_latency);
      ++done;
      if (interrupt_requested()) {
        results.complete = false;
        return results;
      }
    }
  }
  if (progress) progress(Progress{total, total, nullptr, 0});
  return results;
}

}  // namespace contend
