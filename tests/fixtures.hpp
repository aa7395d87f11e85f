#pragma once
// Deterministic results for testing the reports: a fixed environment and four configurations
// chosen to reach every branch of the serializers —
//   0  lock/std-mutex, 3 repetitions, all ok, latency sampled;
//   1  lock/broken-crash in processes: one ok, one crashed (its partial data must not show),
//      one violation with lost updates and a status detail that needs CSV quoting;
//   2  semaphore/posix-sem pinned, sampling off: no latency figures anywhere;
//   3  lock/broken-hang bounded by operations: timed out, nothing measured.
// Figures are picked so that every derived value is exact in binary (elapsed times, CPU
// seconds) or easy to check by hand.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "workloads/model/result.hpp"

namespace contend::testing {

inline Environment fixture_environment() {
  Environment env;
  env.contend_version = "0.1.0";
  env.git_revision = "0123456789ab";
  env.build_type = "Release";
  env.compiler = "GCC 12.2.0";
  env.cpu_model = "Test CPU @ 3.20GHz";
  env.online_cpus = 8;
  env.allowed_cpus = 8;
  env.kernel = "6.1.0-test";
  env.hostname = "testhost";
  env.date_utc = "2024-01-02T03:04:05Z";
  env.load_average = {0.5, 0.25, 0.125};
  env.clock.source = ClockSource::tsc;
  env.clock.ns_per_tick = 0.3125;
  env.clock.tsc_ghz = 3.2;
  env.clock.cost_ns = 11.5;
  env.clock.resolution_ns = 0.3125;
  env.work.iterations_per_ns = 1.5;
  return env;
}

// Workers with the given operation counts and the same CPU time and switches each.
inline std::vector<WorkerResult> fixture_workers(std::initializer_list<std::uint64_t> operations,
                                                 double user_s, double system_s,
                                                 bool pinned = false) {
  std::vector<WorkerResult> workers;
  int cpu = 0;
  for (std::uint64_t ops : operations) {
    WorkerResult w;
    w.operations = ops;
    w.pinned_cpu = pinned ? cpu : -1;
    w.cpu_first = cpu;
    w.cpu_last = pinned ? cpu : cpu + 1;
    w.cpu_user_s = user_s;
    w.cpu_system_s = system_s;
    w.voluntary_switches = 10 * (cpu + 1);
    w.involuntary_switches = cpu + 1;
    workers.push_back(w);
    ++cpu;
  }
  return workers;
}

inline Histogram fixture_histogram(
    std::initializer_list<std::pair<std::uint64_t, std::uint64_t>> values) {
  Histogram h;
  for (const auto& [value, count] : values) h.record_n(value, count);
  return h;
}

// Adds a repetition to `config` as a run does when one ends: its figures, and its latency's
// summary, with its buckets merged into the configuration's.
inline void add_fixture_repetition(ConfigResult& config, int index, Status status, std::string detail,
                                   double elapsed_s, std::vector<WorkerResult> workers, const Histogram& latency,
                                   std::uint64_t lost_updates = 0, std::uint64_t checked_updates = 0) {
  Repetition r;
  r.index = index;
  r.status = status;
  r.status_detail = std::move(detail);
  r.elapsed_s = elapsed_s;
  r.workers = std::move(workers);
  r.lost_updates = lost_updates;
  r.checked_updates = checked_updates;
  config.add_repetition(std::move(r), latency, Histogram{});
}

// Every field set here, so the expected texts do not move when a default in spec.hpp does.
inline RunSpec fixture_spec(Workload workload, std::string primitive, Mode mode, int workers,
                            int repetitions) {
  RunSpec s;
  s.workload = workload;
  s.primitive = std::move(primitive);
  s.mode = mode;
  s.workers = workers;
  s.duration_ns = 1'000'000'000;
  s.operations = 0;
  s.warmup_ns = 100'000'000;
  s.cs_ns = 0;
  s.outside_ns = 0;
  s.cs_lines = 1;
  s.permits = 2;
  s.pin = Pinning::none;
  s.sample_every = 1;
  s.seed = 1;
  s.timeout_ns = 0;
  s.repetitions = repetitions;
  return s;
}

inline Results fixture_results() {
  Results results;
  results.environment = fixture_environment();
  results.command_line = "contend run --workload lock,semaphore --repetitions 3";
  results.complete = true;

  {
    ConfigResult c;
    c.spec = fixture_spec(Workload::lock, "std-mutex", Mode::threads, 2, 3);
    // 10 Mops/s at 200 ns/op, 8 Mops/s at 250 ns/op, 10 Mops/s at 200 ns/op. The latency
    // counts put no reported percentile's rank (500, 900, 990, 999 of 1000) on a bucket
    // boundary, so the percentiles do not hang on how a rank is rounded.
    const Histogram fast = fixture_histogram({{100, 850}, {250, 120}, {1000, 25}, {20000, 5}});
    const Histogram slow = fixture_histogram({{110, 850}, {300, 120}, {1500, 25}, {30000, 5}});
    add_fixture_repetition(c, 0, Status::ok, "", 1.0, fixture_workers({6'000'000, 4'000'000}, 0.75, 0.25), fast);
    add_fixture_repetition(c, 1, Status::ok, "", 1.25, fixture_workers({5'000'000, 5'000'000}, 0.75, 0.25), slow);
    add_fixture_repetition(c, 2, Status::ok, "", 1.0, fixture_workers({4'500'000, 5'500'000}, 0.75, 0.25), fast);
    results.configs.push_back(c);
  }
  {
    ConfigResult c;
    c.spec = fixture_spec(Workload::lock, "broken-crash", Mode::processes, 2, 3);
    c.spec.cs_ns = 100;
    add_fixture_repetition(c, 0, Status::ok, "", 2.0,
                           fixture_workers({1'000'000, 3'000'000}, 1.5, 0.5),
                           fixture_histogram({{500, 3}, {4000, 1}}));
    // What a crashed child left behind: partial counts that no report may show as figures.
    add_fixture_repetition(c, 1, Status::crashed, "SIGSEGV", 0.0,
                           fixture_workers({123, 0}, 0.0, 0.0),
                           fixture_histogram({{700, 2}}));
    add_fixture_repetition(c, 2, Status::violation, "lost 12 of 4000 updates (counter \"3988\", expected \"4000\")", 2.5,
        fixture_workers({2'000'000, 2'000'000}, 1.5, 0.5), fixture_histogram({{600, 4}}), 12, 4000);
    results.configs.push_back(c);
  }
  {
    ConfigResult c;
    c.spec = fixture_spec(Workload::semaphore, "posix-sem", Mode::threads, 4, 2);
    c.spec.pin = Pinning::compact;
    c.spec.duration_ns = 500'000'000;
    c.spec.sample_every = 0;
    c.spec.seed = 42;
    add_fixture_repetition(c, 0, Status::ok, "", 0.5,
        fixture_workers({1'000'000, 1'000'000, 1'000'000, 1'000'000}, 0.25, 0.125, true),
        Histogram{});
    add_fixture_repetition(c, 1, Status::ok, "", 0.5,
        fixture_workers({1'000'000, 1'000'000, 1'000'000, 500'000}, 0.25, 0.125, true),
        Histogram{});
    results.configs.push_back(c);
  }
  {
    ConfigResult c;
    c.spec = fixture_spec(Workload::lock, "broken-hang", Mode::threads, 1, 1);
    c.spec.duration_ns = 0;
    c.spec.operations = 1000;
    c.spec.timeout_ns = 2'000'000'000;
    add_fixture_repetition(c, 0, Status::timeout, "after 2 s", 0.0,
                           fixture_workers({0}, 0.0, 0.0), Histogram{});
    results.configs.push_back(c);
  }
  return results;
}

}  // namespace contend::testing
