#pragma once
// What `contend stress` prints: per configuration a verdict (pass, inconclusive, violation,
// starved, hang, crashed, error) with the operations checked, fairness and the worst wait; under each configuration
// that did not pass, every check that failed with its first occurrence, and the command that
// reproduces it. The console and Markdown forms say the same in the same words; JSON carries
// every check of every repetition (reports/json.cpp).
#include <cstdint>
#include <string>

#include "workloads/model/result.hpp"

namespace contend {

// A pass needs every worker to have done at least this many operations (over the configuration's
// repetitions): a check that watched 47 operations has seen too few interleavings to vouch for
// anything. 1,000 per worker is ~1 ms of an uncontended lock and still under a second for the
// slowest primitive here (a pipe round trip across processes, ~6 us), so a default stress run of
// any built-in clears it by orders of magnitude, while `--ops 50` or a hang-like slowdown does not.
inline constexpr std::uint64_t kStressOperationsPerWorker = 1000;

// The fewest operations one worker did, summed over the measured repetitions (queues: a
// producer's pushes, a consumer's deliveries).
std::uint64_t fewest_operations_per_worker(const ConfigResult& config);

// "pass", "inconclusive" (every check held, but some worker did fewer than
// kStressOperationsPerWorker operations), "violation", "starved" (no property broke, but a worker
// did almost nothing while the others progressed: a real finding, typical of spinlocks with more
// workers than cores), "hang" (a timeout reads "hang" too: the run did not end), "crashed",
// "error", "interrupted".
std::string_view stress_verdict(const ConfigResult& config);
bool any_inconclusive(const Results& results);

std::string to_stress_table(const Results& results);
std::string to_stress_markdown(const Results& results);

}  // namespace contend
