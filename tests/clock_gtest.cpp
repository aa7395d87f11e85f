// Unit tests of what measurement rests on: the clock's calibration, the busy-work calibration,
// the operation sampler and the CPU pinning plan. Checks compare two clocks over the same
// interval or take the best of several trials, so a busy machine cannot flip a verdict.
#include <gtest/gtest.h>

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "workloads/busy_work.hpp"
#include "workloads/clock.hpp"
#include "workloads/engine.hpp"
#include "workloads/sampler.hpp"

namespace contend {
namespace {

TEST(Clock, CalibrationIsSane) {
  const ClockCalibration& c = calibrate_clock();
  if (cpu_has_invariant_tsc()) {
    EXPECT_EQ(c.source, ClockSource::tsc);
    EXPECT_GT(c.tsc_ghz, 0.1);
    EXPECT_LT(c.tsc_ghz, 20.0);
    EXPECT_NEAR(c.ns_per_tick * c.tsc_ghz, 1.0, 1e-9);
  } else {
    EXPECT_EQ(c.source, ClockSource::steady_clock);
    EXPECT_EQ(c.ns_per_tick, 1.0);
  }
  EXPECT_GT(c.cost_ns, 0.0);
  EXPECT_LT(c.cost_ns, 10'000.0);
  EXPECT_GT(c.resolution_ns, 0.0);
  EXPECT_LE(c.resolution_ns, 1'000.0);
}

TEST(Clock, AgreesWithSteadyClockOverTheSameInterval) {
  // Both clocks time the same sleep; however long the sleep really took on a loaded machine,
  // the two readings of it must agree to within 1%.
  const LatencyClock clock(calibrate_clock());
  for (int trial = 0; trial < 3; ++trial) {
    const std::int64_t s0 = monotonic_ns();
    const std::uint64_t t0 = clock.now();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const std::uint64_t t1 = clock.now();
    const std::int64_t s1 = monotonic_ns();
    const auto steady_ns = static_cast<double>(s1 - s0);
    const auto clock_ns = static_cast<double>(clock.to_ns(t1 - t0));
    EXPECT_NEAR(clock_ns / steady_ns, 1.0, 0.01) << "trial " << trial;
  }
}

TEST(BusyWork, CalibratedWorkTakesAboutTheAskedTime) {
  const WorkCalibration c = calibrate_busy_work();
  ASSERT_GT(c.iterations_per_ns, 0.0);
  // The shortest of several trials: preemption can only make a trial longer.
  double best_ms = 1e9;
  for (int trial = 0; trial < 7; ++trial) {
    const std::int64_t begin = monotonic_ns();
    busy_iterations(work_iterations(c, 10'000'000));
    best_ms = std::min(best_ms, static_cast<double>(monotonic_ns() - begin) / 1e6);
  }
  // Within a factor of 4 either way: a sanity bound that a shared, noisy machine cannot break
  // (the calibration itself ran on that machine), yet a wrong unit or rate would.
  EXPECT_GT(best_ms, 2.5);
  EXPECT_LT(best_ms, 40.0);
}

TEST(Sampler, SamplesOneInNOnAverageAndReproducibly) {
  auto count = [](std::uint64_t every, std::uint64_t seed) {
    Sampler s(every, seed);
    int n = 0;
    for (int i = 0; i < 1'600'000; ++i) n += s.should_sample() ? 1 : 0;
    return n;
  };
  EXPECT_EQ(count(1, 7), 1'600'000);
  const int sixteenth = count(16, 7);
  EXPECT_NEAR(sixteenth, 100'000, 2'000);
  EXPECT_EQ(count(16, 7), sixteenth) << "the same seed gives the same samples";
  EXPECT_NE(count(16, 8), sixteenth) << "another seed gives other gaps";
  EXPECT_EQ(count(0, 7), 0);
}

TEST(PinPlan, NoneLeavesWorkersFreeAndPinningWrapsAroundTheCpus) {
  for (int w : pin_plan(Pinning::none, 5)) EXPECT_EQ(w, -1);
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  ASSERT_EQ(sched_getaffinity(0, sizeof(allowed), &allowed), 0);
  const int cpus = CPU_COUNT(&allowed);
  for (Pinning p : {Pinning::compact, Pinning::spread}) {
    const std::vector<int> plan = pin_plan(p, 2 * cpus + 1);
    ASSERT_EQ(plan.size(), static_cast<std::size_t>(2 * cpus + 1));
    std::vector<int> first_round(plan.begin(), plan.begin() + cpus);
    std::sort(first_round.begin(), first_round.end());
    EXPECT_EQ(std::adjacent_find(first_round.begin(), first_round.end()), first_round.end())
        << "each CPU is used once before any is used twice";
    for (int cpu : plan) EXPECT_TRUE(CPU_ISSET(cpu, &allowed));
    EXPECT_EQ(plan[static_cast<std::size_t>(cpus)], plan[0]);
  }
}

}  // namespace
}  // namespace contend
