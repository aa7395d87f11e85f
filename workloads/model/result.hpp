#pragma once
// The result model: what a run measured, with the environment it ran in. Workloads produce it;
// every serializer in reports/ is a pure function of it; `compare` and `report` read it back
// from JSON. Derived figures are member functions of the stored measurements, never stored
// twice.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "workloads/model/calibration.hpp"
#include "workloads/model/histogram.hpp"
#include "workloads/model/spec.hpp"

namespace contend {

// ok          measured, and every check held
// violation   measured, but a check failed (e.g. a lock that lost updates)
// timeout     the watchdog ended it: no progress to completion within the limit
// hang        the progress watchdog (stress --stall) ended it: no worker made progress for that long
// crashed     killed by a signal (detail names it, e.g. SIGSEGV)
// error       could not run (detail says why)
// interrupted stopped by SIGINT before it finished
enum class Status { ok, violation, timeout, hang, crashed, error, interrupted };

std::string_view to_string(Status s);
std::optional<Status> status_from_string(std::string_view s);

// "ok", "timeout", "crashed: SIGSEGV", "violation: lost 12 of 4000 updates".
std::string status_text(Status s, const std::string& detail);

struct WorkerResult {
  std::uint64_t operations = 0;        // queue: items pushed (producer) or delivered (consumer)
  std::uint64_t write_operations = 0;  // rw workload: of `operations`, how many were writes
  WorkerRole role = WorkerRole::worker;
  std::uint64_t failed_attempts = 0;   // queue: try_push that found it full, try_pop empty
  int pinned_cpu = -1;  // the CPU it was pinned to, -1 when not pinned (or pinning failed)
  int cpu_first = -1;   // where the kernel ran it at start and at the end of the measurement
  int cpu_last = -1;
  double cpu_user_s = 0;
  double cpu_system_s = 0;
  std::int64_t voluntary_switches = 0;
  std::int64_t involuntary_switches = 0;

  bool operator==(const WorkerResult&) const = default;
};

// One property check of `contend stress` over one repetition (workloads/checks.hpp names them).
// `checked` counts the operations it looked at; a violation's first occurrence is the worker,
// that worker's operation index and the time since the measured window began (negative: in
// warmup). A check that could not run says why in `note` and has checked == 0.
struct CheckResult {
  std::string name;
  std::uint64_t checked = 0;
  std::uint64_t violations = 0;
  int first_worker = -1;
  std::uint64_t first_operation = 0;
  double first_s = 0;
  std::string note;

  bool passed() const { return violations == 0; }
  bool operator==(const CheckResult&) const = default;
};

// One event a workload counted (EventId's name) and how many times.
struct EventCount {
  std::string name;
  std::uint64_t count = 0;

  bool operator==(const EventCount&) const = default;
};

// The time-ordered label of a percentile for column headers: 50 -> "p50", 99.9 -> "p99.9".
std::string percentile_label(double percentile);
inline constexpr std::array<double, 5> kReportedPercentiles = {50.0, 90.0, 99.0, 99.9, 99.99};

// One repetition's latency as numbers: what the tables, the CSV, the JSON and `compare` read of
// it. The repetition's buckets go into its configuration's merged histogram when it ends
// (ConfigResult::add_repetition), so memory does not grow with repetitions.
class LatencySummary {
 public:
  LatencySummary() = default;
  LatencySummary(std::uint64_t samples, std::uint64_t min, std::uint64_t max, std::uint64_t overflow,
                 const std::array<std::uint64_t, kReportedPercentiles.size()>& percentiles)
      : samples_(samples), min_(min), max_(max), overflow_(overflow), percentiles_(percentiles) {}
  static LatencySummary of(const Histogram& h);

  std::uint64_t total_count() const { return samples_; }
  std::uint64_t min() const { return min_; }
  std::uint64_t max() const { return max_; }
  std::uint64_t overflow_count() const { return overflow_; }
  // One of kReportedPercentiles (std::invalid_argument for any other): the histogram's
  // value_at_percentile when the repetition ended.
  std::uint64_t value_at_percentile(double percentile) const;

  bool operator==(const LatencySummary&) const = default;

 private:
  std::uint64_t samples_ = 0;
  std::uint64_t min_ = 0;
  std::uint64_t max_ = 0;
  std::uint64_t overflow_ = 0;
  std::array<std::uint64_t, kReportedPercentiles.size()> percentiles_{};
};

struct Repetition {
  int index = 0;
  Status status = Status::ok;
  std::string status_detail;
  double elapsed_s = 0;           // one global window: barrier release to last worker done
  // `contend stress` on a lock with a short critical section: its long-hold windows
  // (RunControl::long_holds), whose time and operations throughput_ops_per_s() and ns_per_op()
  // leave out, so that they describe the configuration as given. Zero elsewhere.
  double long_hold_s = 0;
  std::uint64_t long_hold_operations = 0;
  std::vector<WorkerResult> workers;
  LatencySummary latency;         // acquire latency of the sampled operations, in ns (rw: reads)
  LatencySummary write_latency;   // rw workload: exclusive acquire latency of sampled writes
  // Bounded waiting (lock workload): for each timed acquisition, how many acquisitions by other
  // workers happened between its arrival (just before lock()) and its entry. Not measured (no
  // samples) for other workloads, or without a shared line to count entries on (--cs-lines 0).
  LatencySummary overtakes;
  // `contend stress --fault`: faults injected, and for kill-holder the time from each kill to the
  // next entry into the lock (a robust lock's recovery), in ns; empty when nobody got in after.
  std::uint64_t faults_injected = 0;
  LatencySummary recovery;
  std::uint64_t lost_updates = 0; // shared-counter increments missing after the run
  // The increments the check expected: every critical section, warmup included (the counter
  // cannot tell warmup from measurement), so it is larger than operations().
  std::uint64_t checked_updates = 0;
  // Queue workloads: items that reached a consumer out of their producer's order, from a queue
  // that does not promise that order (keeps_producer_order); otherwise they are a violation.
  std::uint64_t reordered_items = 0;
  // What the workload counted beside its operations (workloads/model/event_names.hpp), summed
  // over its workers, in EventId order; empty for workloads that count none, and when the
  // repetition did not end normally.
  std::vector<EventCount> events;
  // `contend stress`: every check that applied, in a fixed order; empty for `run`.
  std::vector<CheckResult> checks;

  // Figures exist only when the repetition ran to its end (ok or violation).
  bool measured() const { return status == Status::ok || status == Status::violation; }
  // Operations of the workers that count: all of them, except a queue's producers (a queue's
  // operations are the items its consumers delivered). Throughput, ns/op, CPU per operation,
  // fairness and the min/max worker figures are over the same workers.
  std::uint64_t operations() const;
  double throughput_ops_per_s() const;   // operations / elapsed_s, long-hold windows left out
  double ns_per_op() const;              // elapsed_ns * workers / operations: time each worker spends per op
  std::size_t counted_workers() const;   // the workers whose operations count (queues: the consumers)
  double cpu_user_s() const;
  double cpu_system_s() const;
  double cpu_s_per_million_ops() const;  // (user + system) / (operations / 1e6)
  std::int64_t voluntary_switches() const;
  std::int64_t involuntary_switches() const;
  double jain_fairness() const;          // (sum x)^2 / (n * sum x^2) over per-worker operations
  std::uint64_t worker_ops_min() const;
  std::uint64_t worker_ops_max() const;
  std::uint64_t write_operations() const;
  // Queue workload: items the producers pushed, producers' fairness, and try-operations that
  // found the queue full (producers) or empty (consumers) — counted apart, never as throughput.
  std::uint64_t produced_items() const;
  double producer_jain_fairness() const;
  std::uint64_t failed_pushes() const;
  std::uint64_t failed_pops() const;
  std::uint64_t failed_attempts() const;  // every worker's, whatever its role (pairs)
  // The count of the event named `name`, or nothing when this repetition did not count it.
  std::optional<std::uint64_t> event(std::string_view name) const;

  bool operator==(const Repetition& o) const;
};

// A configuration's latency histograms, merged as each measured repetition ends: those that
// finished ok and those that finished with a violation (a broken primitive's) apart, so that
// "all ok repetitions merged" (the report) stays exact while the .hgrm files cover both.
struct MergedLatency {
  Histogram ok;
  Histogram violation;

  Histogram measured() const;  // both
  bool operator==(const MergedLatency&) const = default;
};

struct ConfigResult {
  ConfigResult() = default;
  explicit ConfigResult(RunSpec s) : spec(std::move(s)) {}

  RunSpec spec;
  std::vector<Repetition> repetitions;
  MergedLatency latency;        // rw: reads
  MergedLatency write_latency;  // rw workload: writes
  // `contend stress`: the command that runs this configuration again, seed included; empty
  // for `run`.
  std::string reproduce;

  // Keeps a finished repetition: its figures, its latency's summary, and (when it was measured)
  // its histograms merged into the configuration's.
  void add_repetition(Repetition rep, const Histogram& latency, const Histogram& write_latency);

  std::string name() const { return config_name(spec); }
  // The events of its measured repetitions, summed, in the order the repetitions list them.
  std::vector<EventCount> event_totals() const;
  // The worst status among the repetitions (error > crashed > hang > timeout > interrupted > violation > ok).
  Status status() const;
  std::string status_text() const;
  Histogram merged_latency() const { return latency.measured(); }  // over all measured repetitions
};

struct Environment {
  std::string contend_version;
  std::string git_revision;
  std::string build_type;
  std::string compiler;
  std::string cpu_model;
  int online_cpus = 0;
  int allowed_cpus = 0;            // in this process's affinity mask
  std::string kernel;
  std::string hostname;
  std::string date_utc;            // ISO 8601
  std::array<double, 3> load_average{};  // 1, 5 and 15 minutes, when the run started
  // When it ended: the load averages (the 1-minute one includes this run's own workers) and the
  // tasks other than contend that were runnable at that moment (/proc/stat's procs_running less
  // this process), which says whether something else was competing. Absent in files from before
  // they were recorded, and while the run goes on.
  std::optional<std::array<double, 3>> load_average_end;
  std::optional<int> runnable_others_end;
  ClockCalibration clock;
  WorkCalibration work;
  // The servers the backend primitives ran against, as they describe themselves ("PostgreSQL
  // 15.18, fsync off, synchronous_commit off"); empty when none did. Absent in older files.
  std::vector<std::string> servers;

  bool operator==(const Environment&) const = default;
};

struct Results {
  Environment environment;
  std::string command_line;
  bool complete = true;  // false when interrupted: some configurations did not run
  std::vector<ConfigResult> configs;
};

}  // namespace contend
