#include "workloads/clock.hpp"

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace contend {

bool cpu_has_invariant_tsc() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  // gcc declares the result unsigned and clang int: compare as unsigned in both.
  if (static_cast<unsigned>(__get_cpuid_max(0x80000000, nullptr)) < 0x80000007u) return false;
  __cpuid(0x80000007, eax, ebx, ecx, edx);
  return (edx & (1u << 8)) != 0;
#else
  return false;
#endif
}

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Ticks per nanosecond over one window of `window` length, bracketing each steady_clock read
// with TSC reads so that the pairing error is at most one read.
double tsc_ticks_per_ns(std::chrono::microseconds window) {
  LatencyClock tsc(ClockCalibration{ClockSource::tsc, 1.0, 0, 0, 0});
  const std::uint64_t t0 = tsc.now();
  const std::int64_t s0 = monotonic_ns();
  const std::uint64_t t1 = tsc.now();
  std::this_thread::sleep_for(window);
  const std::uint64_t t2 = tsc.now();
  const std::int64_t s1 = monotonic_ns();
  const std::uint64_t t3 = tsc.now();
  const double ticks = static_cast<double>((t2 + t3) / 2 - (t0 + t1) / 2);
  return ticks / static_cast<double>(s1 - s0);
}

// The smallest nonzero step between back-to-back reads with no fences: the clock's granularity.
// (A virtual machine's TSC may advance in coarse steps — 21 ticks, about 10 ns, on the KVM
// hosts this was written on — which bounds what any latency figure can resolve.)
double resolution_ns(const ClockCalibration& c) {
  std::uint64_t smallest_step = UINT64_MAX;
#if defined(__x86_64__) || defined(__i386__)
  if (c.source == ClockSource::tsc) {
    std::uint64_t prev = __rdtsc();
    for (int i = 0; i < 200000; ++i) {
      const std::uint64_t now = __rdtsc();
      if (now > prev) smallest_step = std::min(smallest_step, now - prev);
      prev = now;
    }
    return smallest_step == UINT64_MAX ? 0.0 : static_cast<double>(smallest_step) * c.ns_per_tick;
  }
#endif
  std::int64_t prev = monotonic_ns();
  for (int i = 0; i < 200000; ++i) {
    const std::int64_t now = monotonic_ns();
    if (now > prev) smallest_step = std::min<std::uint64_t>(smallest_step, static_cast<std::uint64_t>(now - prev));
    prev = now;
  }
  return smallest_step == UINT64_MAX ? 0.0 : static_cast<double>(smallest_step);
}

// The cost of one read as the workloads make it (fenced), median of several trials.
double read_cost_ns(const ClockCalibration& c) {
  LatencyClock clock(c);
  constexpr int kReads = 20000;
  std::vector<double> costs;
  std::uint64_t sink = 0;
  for (int trial = 0; trial < 7; ++trial) {
    const std::int64_t begin = monotonic_ns();
    for (int i = 0; i < kReads; ++i) sink += clock.now();
    costs.push_back(static_cast<double>(monotonic_ns() - begin) / kReads);
  }
  asm volatile("" : : "r"(sink));
  return median(costs);
}

ClockCalibration calibrate() {
  ClockCalibration c;
  const char* forced = std::getenv("CONTEND_CLOCK");
  const bool want_steady = forced != nullptr && std::string_view(forced) == "steady";
  if (!want_steady && cpu_has_invariant_tsc()) {
    std::vector<double> rates;
    for (int i = 0; i < 5; ++i) rates.push_back(tsc_ticks_per_ns(std::chrono::milliseconds(10)));
    const double ticks_per_ns = median(rates);
    if (ticks_per_ns > 0.1 && ticks_per_ns < 20.0) {  // a sane 100 MHz .. 20 GHz counter
      c.source = ClockSource::tsc;
      c.tsc_ghz = ticks_per_ns;
      c.ns_per_tick = 1.0 / ticks_per_ns;
    }
  }
  c.cost_ns = read_cost_ns(c);
  c.resolution_ns = resolution_ns(c);
  return c;
}

}  // namespace

const ClockCalibration& calibrate_clock() {
  static const ClockCalibration calibration = calibrate();
  return calibration;
}

}  // namespace contend
