#include "workloads/busy_work.hpp"

#include <algorithm>
#include <vector>

#include "workloads/clock.hpp"

namespace contend {

WorkCalibration calibrate_busy_work() {
  constexpr std::uint64_t kIterations = 2'000'000;
  std::vector<double> rates;
  busy_iterations(kIterations);  // warm the core up to its running frequency
  for (int trial = 0; trial < 7; ++trial) {
    const std::int64_t begin = monotonic_ns();
    busy_iterations(kIterations);
    const std::int64_t elapsed = std::max<std::int64_t>(1, monotonic_ns() - begin);
    rates.push_back(static_cast<double>(kIterations) / static_cast<double>(elapsed));
  }
  // The fastest trial is the core's true rate: preemption by a neighbour only slows a trial,
  // and nothing makes one faster than the core runs.
  return WorkCalibration{*std::max_element(rates.begin(), rates.end())};
}

}  // namespace contend
