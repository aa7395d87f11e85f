// The workload table's entries (workloads/model/knobs.hpp says what each field means and who
// reads them): one entry per knob, then one per workload. This file is the table and nothing
// else; it is long because every knob is written out in one place, which is the point.
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <type_traits>

#include "workloads/model/knobs.hpp"

namespace contend {
namespace {

// ---------------------------------------------------------------------------------------------
// Reading and writing a RunSpec field as a KnobValue.

template <class T>
KnobValue to_value(const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    return v;
  } else if constexpr (std::is_enum_v<T>) {
    return static_cast<std::int64_t>(v);
  } else {
    return static_cast<std::int64_t>(v);
  }
}

template <class T>
T from_value(const KnobValue& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    return as_name(v);
  } else if constexpr (std::is_same_v<T, bool>) {
    return as_integer(v) != 0;
  } else {
    return static_cast<T>(as_integer(v));
  }
}

template <auto Member>
KnobValue get_field(const RunSpec& s) {
  return to_value(s.*Member);
}

template <auto Member>
void set_field(RunSpec& s, const KnobValue& v) {
  using T = std::remove_cvref_t<decltype(s.*Member)>;
  s.*Member = from_value<T>(v);
}

// A queue's workers are its producers and its consumers; producers are set first (table order).
KnobValue get_consumers(const RunSpec& s) { return std::int64_t{s.workers - s.producers}; }
void set_consumers(RunSpec& s, const KnobValue& v) { s.workers = s.producers + static_cast<int>(as_integer(v)); }

// --fault as text ("kill-holder", "pause-holder:50ms"); the plan checks it before it is set.
KnobValue get_fault(const RunSpec& s) { return fault_text(s.fault); }
void set_fault(RunSpec& s, const KnobValue& v) {
  std::string error;
  s.fault = parse_fault(as_name(v), error).value_or(Fault{});
}

// A duration in a configuration's name: "ttl:500us", not "ttl:500000".
template <auto Member>
std::string duration_name(const RunSpec& s) {
  return duration_text(s.*Member);
}

std::string fault_error(std::string_view text) {
  std::string error;
  parse_fault(text, error);
  return error;
}

// --hold as text ("20us", "exp:200us"); the plan checks it (hold_error) before it is set.
KnobValue get_hold(const RunSpec& s) { return hold_text(s.hold); }
void set_hold(RunSpec& s, const KnobValue& v) {
  std::string error;
  s.hold = parse_hold(as_name(v), error).value_or(HoldTime{});
}
std::string hold_error(std::string_view text) {
  std::string error;
  parse_hold(text, error);
  return error;
}

// --on-conflict as text ("wait", "try", "timeout:5ms"); the plan checks it before it is set.
KnobValue get_conflict(const RunSpec& s) { return conflict_text(s.on_conflict); }
void set_conflict(RunSpec& s, const KnobValue& v) {
  std::string error;
  s.on_conflict = parse_conflict(as_name(v), error).value_or(OnConflict{});
}
std::string conflict_error(std::string_view text) {
  std::string error;
  parse_conflict(text, error);
  return error;
}

std::string outside_name_value(const RunSpec& s) {
  return fmt::format("{}ns{}", s.outside_ns, s.outside_scales ? "xworkers" : "");
}

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kMaxWorkNs = 1'000'000'000;  // a second of simulated work per operation
constexpr std::int64_t kMaxDurationNs = 24 * 3600 * kSecond;

std::vector<KnobValue> ints(std::initializer_list<std::int64_t> values) {
  return std::vector<KnobValue>(values.begin(), values.end());
}

using enum Workload;

// The knobs. Their order is the order of `contend run --help`, of a suite's accepted keys, of a
// reproduce line and of the optional parts of a configuration's name.
}  // namespace

namespace detail {

std::vector<Knob> make_knob_table() {
  std::vector<Knob> k;
  k.push_back({.id = KnobId::primitive,
               .name = "primitive",
               .short_flag = "-p",
               .kind = KnobKind::names,
               .help = "Primitives, comma-separated, or 'all' (see `contend list`)",
               .universal = true,
               .default_values = {std::string("all")},
               .json_key = "primitive",
               .get = &get_field<&RunSpec::primitive>,
               .set = &set_field<&RunSpec::primitive>});
  k.push_back({.id = KnobId::workers,
               .name = "workers",
               .short_flag = "-w",
               .kind = KnobKind::count,
               .help = "Worker counts, comma-separated, e.g. 1,2,4,8 (more than the cores is oversubscription, and "
                       "allowed)",
               .sweep = true,
               .min = 1,
               .max = kMaxWorkers,
               .default_values = ints({1, 2, 4}),
               .stress_default = ints({2, 8}),
               .label = "workers",
               .json_key = "workers",
               .hints = {{queue, "the queue workload counts --producers and --consumers instead", true}},
               .get = &get_field<&RunSpec::workers>,
               .set = &set_field<&RunSpec::workers>});
  k.push_back({.id = KnobId::mode,
               .name = "mode",
               .kind = KnobKind::choice,
               .help = "Workers as threads, forked processes, or both",
               .universal = true,
               .choices = {"threads", "processes", "both"},
               .json_key = "mode",
               .get = &get_field<&RunSpec::mode>,
               .set = &set_field<&RunSpec::mode>});
  k.push_back({.id = KnobId::duration,
               .name = "duration",
               .short_flag = "-d",
               .kind = KnobKind::duration,
               .help = "Measured time per repetition, e.g. 500ms, 2s",
               .universal = true,
               .min = 1'000'000,
               .max = kMaxDurationNs,
               .excludes = KnobId::ops,
               .stress_default = ints({kSecond}),
               .csv_column = "duration_s",
               .json_key = "duration_ns",
               .zero_is_unset = true,
               .get = &get_field<&RunSpec::duration_ns>,
               .set = &set_field<&RunSpec::duration_ns>});
  k.push_back({.id = KnobId::ops,
               .name = "ops",
               .kind = KnobKind::count,
               .help = "Stop after this many operations in total instead of after --duration (queue: items)",
               .universal = true,
               .min = 1,
               .max = std::int64_t{1} << 50,
               .excludes = KnobId::duration,
               .csv_column = "operations_target",
               .json_key = "operations",
               .zero_is_unset = true,
               .get = &get_field<&RunSpec::operations>,
               .set = &set_field<&RunSpec::operations>});
  k.push_back({.id = KnobId::warmup,
               .name = "warmup",
               .kind = KnobKind::duration,
               .help = "Unmeasured run before each repetition, e.g. 100ms, 0",
               .universal = true,
               .min = 0,
               .max = kMaxDurationNs,
               .stress_default = ints({0}),
               .csv_column = "warmup_s",
               .json_key = "warmup_ns",
               .get = &get_field<&RunSpec::warmup_ns>,
               .set = &set_field<&RunSpec::warmup_ns>});
  k.push_back({.id = KnobId::repetitions,
               .name = "repetitions",
               .short_flag = "-r",
               .kind = KnobKind::count,
               .help = "Repetitions of each configuration (interleaved: round 1 of all, then round 2)",
               .universal = true,
               .min = 1,
               .max = 1000,
               .stress_default = ints({1}),
               .json_key = "repetitions",
               .get = &get_field<&RunSpec::repetitions>,
               .set = &set_field<&RunSpec::repetitions>});
  k.push_back({.id = KnobId::cs_ns,
               .name = "cs-ns",
               .kind = KnobKind::count,
               .help = "Work inside the critical section, calibrated ns",
               .min = 0,
               .max = kMaxWorkNs,
               .label = "cs",
               .unit = "ns",
               .csv_column = "cs_ns",
               .json_key = "cs_ns",
               .hints = {{queue, "a consumer's work per item is --consume-ns"},
                         {pairs, "the delay between a push and a pop is --outside-ns"}},
               .get = &get_field<&RunSpec::cs_ns>,
               .set = &set_field<&RunSpec::cs_ns>});
  k.push_back({.id = KnobId::outside_ns,
               .name = "outside-ns",
               .kind = KnobKind::count,
               .help = "Work between acquisitions, calibrated ns (pairs: between a push and a pop)",
               .min = 0,
               .max = kMaxWorkNs,
               .label = "outside",
               .csv_column = "outside_ns",
               .json_key = "outside_ns",
               .hints = {{queue, "a consumer's work per item is --consume-ns"}},
               .get = &get_field<&RunSpec::outside_ns>,
               .set = &set_field<&RunSpec::outside_ns>,
               .name_value = &outside_name_value});
  k.push_back({.id = KnobId::outside_scale,
               .name = "outside-scale",
               .kind = KnobKind::flag,
               .help = "Multiply --outside-ns by the worker count, so each worker's share of the lock stays "
                       "comparable across worker counts",
               .csv_column = "outside_scales",
               .json_key = "outside_scales",
               .hints = {{queue, "a consumer's work per item is --consume-ns"}},
               .get = &get_field<&RunSpec::outside_scales>,
               .set = &set_field<&RunSpec::outside_scales>});
  k.push_back({.id = KnobId::cs_lines,
               .name = "cs-lines",
               .kind = KnobKind::count,
               .help = "Shared cache lines written inside the critical section",
               .min = 1,
               .max = 64,
               .label = "lines",
               .csv_column = "cs_lines",
               .json_key = "cs_lines",
               .get = &get_field<&RunSpec::cs_lines>,
               .set = &set_field<&RunSpec::cs_lines>});
  k.push_back({.id = KnobId::permits,
               .name = "permits",
               .kind = KnobKind::count,
               .help = "Permits of the semaphore",
               .min = 1,
               .max = 1'000'000,
               .label = "permits",
               .csv_column = "permits",
               .json_key = "permits",
               .get = &get_field<&RunSpec::permits>,
               .set = &set_field<&RunSpec::permits>});
  k.push_back({.id = KnobId::read_percent,
               .name = "read-percent",
               .kind = KnobKind::count,
               .help = "Share of operations that read, in percent",
               .min = 0,
               .max = 100,
               .label = "reads",
               .unit = "%",
               .csv_column = "read_percent",
               .json_key = "read_percent",
               .get = &get_field<&RunSpec::read_percent>,
               .set = &set_field<&RunSpec::read_percent>});
  k.push_back({.id = KnobId::producers,
               .name = "producers",
               .kind = KnobKind::count,
               .help = "Producer counts, comma-separated (every pairing with --consumers is run)",
               .sweep = true,
               .min = 1,
               .max = kMaxWorkers - 1,
               .default_values = ints({1}),
               .stress_default = ints({2}),
               .label = "producers",
               .csv_column = "producers",
               .json_key = "producers",
               .get = &get_field<&RunSpec::producers>,
               .set = &set_field<&RunSpec::producers>});
  k.push_back({.id = KnobId::consumers,
               .name = "consumers",
               .kind = KnobKind::count,
               .help = "Consumer counts, comma-separated",
               .sweep = true,
               .min = 1,
               .max = kMaxWorkers - 1,
               .default_values = ints({1}),
               .stress_default = ints({2}),
               .label = "consumers",
               .csv_column = "consumers",
               .json_key = "consumers",
               .get = &get_consumers,
               .set = &set_consumers});
  k.push_back({.id = KnobId::capacity,
               .name = "capacity",
               .kind = KnobKind::count,
               .help = "Items the queue is built to hold: a power of two",
               .min = 2,
               .max = 1 << 24,
               .power_of_two = true,
               .label = "capacity",
               .csv_column = "capacity",
               .json_key = "capacity",
               .get = &get_field<&RunSpec::capacity>,
               .set = &set_field<&RunSpec::capacity>});
  k.push_back({.id = KnobId::wait,
               .name = "wait",
               .kind = KnobKind::choice,
               .help = "On a full or empty queue: spin (pause, retry), yield (sched_yield, retry) or block (the "
                       "queue's sleeping push/pop)",
               .choices = {"spin", "yield", "block"},
               .label = "wait",
               .csv_column = "wait",
               .json_key = "wait",
               .get = &get_field<&RunSpec::wait>,
               .set = &set_field<&RunSpec::wait>});
  k.push_back({.id = KnobId::consume_ns,
               .name = "consume-ns",
               .kind = KnobKind::count,
               .help = "A consumer's work per item, calibrated ns",
               .min = 0,
               .max = kMaxWorkNs,
               .label = "consume",
               .unit = "ns",
               .csv_column = "consume_ns",
               .json_key = "consume_ns",
               .get = &get_field<&RunSpec::consume_ns>,
               .set = &set_field<&RunSpec::consume_ns>});
  k.push_back({.id = KnobId::rate,
               .name = "rate",
               .kind = KnobKind::count,
               .help = "Open loop: operations per second each worker offers on a fixed schedule (queue: items each "
                       "producer offers), comma-separated to sweep; latency counts from each one's intended start "
                       "(default: closed loop)",
               .sweep = true,
               .min = 1,
               .max = 1'000'000'000,
               .default_values = ints({0}),
               .label = "rate",
               .csv_column = "rate",
               .json_key = "rate",
               .get = &get_field<&RunSpec::rate>,
               .set = &set_field<&RunSpec::rate>});
  // The lease workload's knobs (workloads/lease_workload.hpp).
  k.push_back({.id = KnobId::ttl,
               .name = "ttl",
               .kind = KnobKind::duration,
               .help = "Lease time-to-live: a holder that keeps it longer loses it to the next caller, e.g. 10ms",
               .min = 10'000,
               .max = 3600 * kSecond,
               .stress_default = ints({500'000}),
               .label = "ttl",
               .csv_column = "ttl_s",
               .json_key = "ttl_ns",
               .get = &get_field<&RunSpec::ttl_ns>,
               .set = &set_field<&RunSpec::ttl_ns>,
               .name_value = &duration_name<&RunSpec::ttl_ns>});
  k.push_back({.id = KnobId::wait_timeout,
               .name = "wait-timeout",
               .kind = KnobKind::duration,
               .help = "How long one acquisition waits before giving up (counted as a wait timeout), e.g. 1s; 0 = for "
                       "ever",
               .min = 0,
               .max = 3600 * kSecond,
               .label = "wait-timeout",
               .csv_column = "wait_timeout_s",
               .json_key = "wait_timeout_ns",
               .get = &get_field<&RunSpec::wait_timeout_ns>,
               .set = &set_field<&RunSpec::wait_timeout_ns>,
               .name_value = &duration_name<&RunSpec::wait_timeout_ns>});
  k.push_back({.id = KnobId::retry_interval,
               .name = "retry-interval",
               .kind = KnobKind::duration,
               .help = "Refused callers sleep this long and ask again (polling, as redis-py does), e.g. 100ms; 0 = "
                       "sleep until the store says the lease is free (a release or the holder's expiry). Lock "
                       "workload: for a lock kept on a server (redis-lock polls instead of waiting on its "
                       "notification list; Redlock backs off 0.5 to 1.5 times it at random)",
               .min = 0,
               .max = 60 * kSecond,
               .label = "retry",
               .csv_column = "retry_interval_s",
               .json_key = "retry_interval_ns",
               .get = &get_field<&RunSpec::retry_interval_ns>,
               .set = &set_field<&RunSpec::retry_interval_ns>,
               .name_value = &duration_name<&RunSpec::retry_interval_ns>});
  k.push_back({.id = KnobId::hold,
               .name = "hold",
               .kind = KnobKind::names,
               .help = "Time a holder keeps the lease: fixed (200us) or exponential with that mean (exp:200us, capped at "
                       "10x; its tail outlives the TTL now and then, as slow requests do)",
               .stress_default = {std::string("exp:100us")},
               .label = "hold",
               .csv_column = "hold",
               .json_key = "hold",
               .get = &get_hold,
               .set = &set_hold,
               .text_error = &hold_error});
  k.push_back({.id = KnobId::fencing,
               .name = "fencing",
               .kind = KnobKind::choice,
               .help = "on: the guarded resource accepts a write only with a fencing token above the last it saw; off: "
                       "it accepts every write (stale writes are counted either way)",
               .choices = {"off", "on"},
               .label = "fencing",
               .csv_column = "fencing",
               .json_key = "fencing",
               .get = &get_field<&RunSpec::fencing>,
               .set = &set_field<&RunSpec::fencing>});
  k.push_back({.id = KnobId::renew,
               .name = "renew",
               .kind = KnobKind::choice,
               .help = "on: a holder extends its lease every TTL/3 while it holds it, as Redisson's watchdog does (a "
                       "paused holder renews nothing); off: the lease lasts its TTL",
               .choices = {"off", "on"},
               .label = "renew",
               .csv_column = "renew",
               .json_key = "renew",
               .get = &get_field<&RunSpec::renew>,
               .set = &set_field<&RunSpec::renew>});
  // The keyed workload's knobs (workloads/keyed_workload.hpp).
  k.push_back({.id = KnobId::keys,
               .name = "keys",
               .kind = KnobKind::count,
               .help = "Keys the keyed limiter is asked for (users, guilds, buckets)",
               .min = 1,
               .max = 65536,
               .label = "keys",
               .csv_column = "keys",
               .json_key = "keys",
               .get = &get_field<&RunSpec::keys>,
               .set = &set_field<&RunSpec::keys>});
  k.push_back({.id = KnobId::zipf,
               .name = "zipf",
               .kind = KnobKind::fraction,
               .help = "How skewed the keys' popularity is: the Zipf exponent s (key of rank r asked with weight "
                       "1/r^s; 0 = uniform, 1 = a few hot keys)",
               .min = 0,
               .max = 4'000'000,
               .label = "zipf",
               .csv_column = "zipf",
               .json_key = "zipf",
               .get = &get_field<&RunSpec::zipf_millionths>,
               .set = &set_field<&RunSpec::zipf_millionths>});
  k.push_back({.id = KnobId::per_key,
               .name = "per-key",
               .kind = KnobKind::count,
               .help = "Holders each key admits at once",
               .min = 1,
               .max = 1000,
               .label = "per-key",
               .csv_column = "per_key",
               .json_key = "per_key",
               .get = &get_field<&RunSpec::per_key>,
               .set = &set_field<&RunSpec::per_key>});
  k.push_back({.id = KnobId::on_busy,
               .name = "on-busy",
               .kind = KnobKind::choice,
               .help = "A caller whose key is full: wait for a slot, or fail at once (counted as rejected, like "
                       "discord.py's wait=False)",
               .choices = {"wait", "fail"},
               .label = "on-busy",
               .csv_column = "on_busy",
               .json_key = "on_busy",
               .get = &get_field<&RunSpec::fail_when_busy>,
               .set = &set_field<&RunSpec::fail_when_busy>});
  // The deadlock workload's knobs (workloads/deadlock_workload.hpp).
  k.push_back({.id = KnobId::locks,
               .name = "locks",
               .kind = KnobKind::count,
               .help = "Locks the deadlock workload's operations take from",
               .min = 2,
               .max = 64,
               .label = "locks",
               .csv_column = "locks",
               .json_key = "locks",
               .get = &get_field<&RunSpec::locks>,
               .set = &set_field<&RunSpec::locks>});
  k.push_back({.id = KnobId::take,
               .name = "take",
               .kind = KnobKind::count,
               .help = "Locks each operation takes, all held at once (at most --locks)",
               .min = 2,
               .max = 64,
               .label = "take",
               .csv_column = "take",
               .json_key = "take",
               .get = &get_field<&RunSpec::take>,
               .set = &set_field<&RunSpec::take>});
  k.push_back({.id = KnobId::order,
               .name = "order",
               .kind = KnobKind::choice,
               .help = "The order an operation takes its locks in: sorted (ascending ids: no deadlock possible) or "
                       "random (lock-order inversions, and with --on-conflict wait, deadlocks)",
               .choices = {"sorted", "random"},
               .label = "order",
               .csv_column = "order",
               .json_key = "order",
               .get = &get_field<&RunSpec::random_order>,
               .set = &set_field<&RunSpec::random_order>});
  k.push_back({.id = KnobId::on_conflict,
               .name = "on-conflict",
               .kind = KnobKind::names,
               .help = "When a lock it needs is held: wait (lock()), try (try_lock once; on failure release all and "
                       "start over, as NOWAIT) or timeout:DURATION (retry until then, then release all and start "
                       "over, as lock_timeout)",
               .label = "on-conflict",
               .csv_column = "on_conflict",
               .json_key = "on_conflict",
               .get = &get_conflict,
               .set = &set_conflict,
               .text_error = &conflict_error});
  // The jobs workload's knobs (workloads/jobs_workload.hpp).
  k.push_back({.id = KnobId::jobs,
               .name = "jobs",
               .kind = KnobKind::count,
               .help = "Jobs in the table; a repetition ends when they are all done (or at --duration)",
               .min = 1,
               .max = 10'000'000,
               .label = "jobs",
               .csv_column = "jobs",
               .json_key = "jobs",
               .get = &get_field<&RunSpec::jobs>,
               .set = &set_field<&RunSpec::jobs>});
  k.push_back({.id = KnobId::claim,
               .name = "claim",
               .kind = KnobKind::choice,
               .help = "How a claim treats rows another claim holds: skip (SKIP LOCKED), block (FOR UPDATE: wait) or "
                       "nowait (NOWAIT: the claim fails and is retried)",
               .choices = {"skip", "block", "nowait"},
               .label = "claim",
               .csv_column = "claim",
               .json_key = "claim",
               .get = &get_field<&RunSpec::claim>,
               .set = &set_field<&RunSpec::claim>});
  k.push_back({.id = KnobId::batch,
               .name = "batch",
               .kind = KnobKind::count,
               .help = "Jobs one claim takes at most (LIMIT k)",
               .min = 1,
               .max = 1024,
               .label = "batch",
               .csv_column = "batch",
               .json_key = "batch",
               .get = &get_field<&RunSpec::batch>,
               .set = &set_field<&RunSpec::batch>});
  k.push_back({.id = KnobId::lease,
               .name = "lease",
               .kind = KnobKind::duration,
               .help = "A claim runs out after this long and its job can be claimed again (for workers that die), "
                       "e.g. 50ms; 0 = a claim lasts until the job is done",
               .min = 0,
               .max = 3600 * kSecond,
               .label = "lease",
               .csv_column = "lease_s",
               .json_key = "lease_ns",
               .get = &get_field<&RunSpec::job_lease_ns>,
               .set = &set_field<&RunSpec::job_lease_ns>,
               .name_value = &duration_name<&RunSpec::job_lease_ns>});
  k.push_back({.id = KnobId::long_transaction,
               .name = "long-transaction",
               .kind = KnobKind::choice,
               .help = "A jobs table in PostgreSQL (pg-jobs): on = another session holds a REPEATABLE READ snapshot "
                       "open for the whole run, as a long report or a forgotten BEGIN does, so that the dead rows "
                       "claims and completions leave cannot be cleaned up",
               .sweep = true,
               .choices = {"off", "on"},
               .label = "long-transaction",
               .csv_column = "long_transaction",
               .json_key = "long_transaction",
               .get = &get_field<&RunSpec::long_transaction>,
               .set = &set_field<&RunSpec::long_transaction>});
  // The isolation workload's knobs (workloads/isolation_workload.hpp).
  k.push_back({.id = KnobId::rows,
               .name = "rows",
               .kind = KnobKind::count,
               .help = "Counters in the table (rows); each transaction adds one to --take of them",
               .min = 2,
               .max = 1'000'000,
               .label = "rows",
               .csv_column = "rows",
               .json_key = "rows",
               .get = &get_field<&RunSpec::rows>,
               .set = &set_field<&RunSpec::rows>});
  k.push_back({.id = KnobId::level,
               .name = "level",
               .kind = KnobKind::choice,
               .help = "The transactions' isolation level: read-committed, repeatable-read or serializable",
               .choices = {"read-committed", "repeatable-read", "serializable"},
               .label = "level",
               .csv_column = "level",
               .json_key = "level",
               .get = &get_field<&RunSpec::level>,
               .set = &set_field<&RunSpec::level>});
  k.push_back({.id = KnobId::update,
               .name = "update",
               .kind = KnobKind::choice,
               .help = "How a transaction adds one: rmw (SELECT the value, then UPDATE it to the value read + 1, as "
                       "an ORM's save does) or atomic (UPDATE ... SET n = n + 1)",
               .choices = {"rmw", "atomic"},
               .label = "update",
               .csv_column = "update",
               .json_key = "update",
               .get = &get_field<&RunSpec::update>,
               .set = &set_field<&RunSpec::update>});
  k.push_back({.id = KnobId::lock_timeout,
               .name = "lock-timeout",
               .kind = KnobKind::duration,
               .help = "The server's lock_timeout for each transaction: a lock waited for longer fails with 55P03 "
                       "(counted, and the transaction tried again), e.g. 1ms; 0 = wait as long as it takes",
               .min = 0,
               .max = 3600 * kSecond,
               .label = "lock timeout",
               .csv_column = "lock_timeout_s",
               .json_key = "lock_timeout_ns",
               .get = &get_field<&RunSpec::lock_timeout_ns>,
               .set = &set_field<&RunSpec::lock_timeout_ns>,
               .name_value = &duration_name<&RunSpec::lock_timeout_ns>});
  // A queue kept in a broker's knobs (amqp-queue: workloads/broker_queue_loop.hpp).
  k.push_back({.id = KnobId::prefetch,
               .name = "prefetch",
               .kind = KnobKind::count,
               .help = "A queue on a broker (amqp-queue): unacked messages one consumer may hold (basic.qos); 0 = no "
                       "limit",
               .sweep = true,
               .min = 0,
               .max = 65535,
               .label = "prefetch",
               .csv_column = "prefetch",
               .json_key = "prefetch",
               .get = &get_field<&RunSpec::prefetch>,
               .set = &set_field<&RunSpec::prefetch>});
  k.push_back({.id = KnobId::autoack,
               .name = "autoack",
               .kind = KnobKind::choice,
               .help = "A queue on a broker (amqp-queue): on = the broker counts a message delivered as it sends it "
                       "(at most once: a consumer that dies loses what it was sent); off = the consumer acks after "
                       "its work (at least once)",
               .choices = {"off", "on"},
               .label = "autoack",
               .csv_column = "autoack",
               .json_key = "autoack",
               .get = &get_field<&RunSpec::autoack>,
               .set = &set_field<&RunSpec::autoack>});
  k.push_back({.id = KnobId::confirm,
               .name = "confirm",
               .kind = KnobKind::count,
               .help = "A queue on a broker (amqp-queue): publisher confirms, with at most this many publishes of a "
                       "producer unconfirmed; 0 = no confirms",
               .sweep = true,
               .min = 0,
               .max = 100'000,
               .label = "confirm",
               .csv_column = "confirm",
               .json_key = "confirm",
               .get = &get_field<&RunSpec::confirm>,
               .set = &set_field<&RunSpec::confirm>});
  k.push_back({.id = KnobId::persistent,
               .name = "persistent",
               .kind = KnobKind::choice,
               .help = "A queue on a broker (amqp-queue): on = a durable queue and persistent messages (written to "
                       "disk by the broker, kept over a restart)",
               .choices = {"off", "on"},
               .label = "persistent",
               .csv_column = "persistent",
               .json_key = "persistent",
               .get = &get_field<&RunSpec::persistent>,
               .set = &set_field<&RunSpec::persistent>});
  // The tasks workload's knobs (workloads/tasks_workload.hpp).
  k.push_back({.id = KnobId::pattern,
               .name = "pattern",
               .kind = KnobKind::choice,
               .help = "The tasks' job: queue (half put items into a bounded queue, half get them), lock (acquire, "
                       "yield inside, release) or semaphore (the same with --permits holders)",
               .choices = {"queue", "lock", "semaphore"},
               .label = "pattern",
               .csv_column = "pattern",
               .json_key = "pattern",
               .get = &get_field<&RunSpec::pattern>,
               .set = &set_field<&RunSpec::pattern>});
  k.push_back({.id = KnobId::cancel,
               .name = "cancel",
               .kind = KnobKind::fraction,
               .help = "The chance that a task's wait (acquire, put, get) is cancelled by another task (as asyncio's "
                       "Task.cancel), e.g. 0.01; the victim tries again. Coroutine runtimes only",
               .min = 0,
               .max = 1'000'000,
               .stress_default = ints({10'000}),
               .label = "cancel",
               .csv_column = "cancel",
               .json_key = "cancel",
               .get = &get_field<&RunSpec::cancel_millionths>,
               .set = &set_field<&RunSpec::cancel_millionths>});
  k.push_back({.id = KnobId::pin,
               .name = "pin",
               .kind = KnobKind::choice,
               .help = "Pin workers to CPUs: none, compact (fill a core first), spread (cores first)",
               .universal = true,
               .choices = {"none", "compact", "spread"},
               .label = "pin",
               .csv_column = "pin",
               .json_key = "pin",
               .get = &get_field<&RunSpec::pin>,
               .set = &set_field<&RunSpec::pin>});
  k.push_back({.id = KnobId::sample,
               .name = "sample",
               .kind = KnobKind::count,
               .help = "Time 1 operation in N (random gaps, mean N; queue: one item per block of N rounded up to a "
                       "power of two); 0 = no latency timing",
               .universal = true,
               .min = 0,
               .max = 1'000'000'000,
               .stress_default = ints({4}),
               .csv_column = "sample_every",
               .json_key = "sample_every",
               .get = &get_field<&RunSpec::sample_every>,
               .set = &set_field<&RunSpec::sample_every>});
  k.push_back({.id = KnobId::seed,
               .name = "seed",
               .kind = KnobKind::count,
               .help = "Seed for sampling gaps and other random choices (results are reproducible per seed)",
               .universal = true,
               .min = 0,
               .max = INT64_MAX,
               .csv_column = "seed",
               .json_key = "seed",
               .get = &get_field<&RunSpec::seed>,
               .set = &set_field<&RunSpec::seed>});
  k.push_back({.id = KnobId::timeout,
               .name = "timeout",
               .kind = KnobKind::duration,
               .help = "Watchdog limit per repetition, e.g. 30s (default: 10s + 2 x (warmup + duration))",
               .universal = true,
               .min = 10'000'000,
               .max = kMaxDurationNs,
               .json_key = "timeout_ns",
               .zero_is_unset = true,
               .get = &get_field<&RunSpec::timeout_ns>,
               .set = &set_field<&RunSpec::timeout_ns>});
  k.push_back({.id = KnobId::stall,
               .name = "stall",
               .kind = KnobKind::duration,
               .help = "No progress by any worker for this long ends a configuration as `hang`, e.g. 2s, 500ms",
               .universal = true,
               .stress_only = true,
               .min = 10'000'000,
               .max = kMaxDurationNs,
               .stress_default = ints({2 * kSecond}),
               .json_key = "stall_ns",
               .get = &get_field<&RunSpec::stall_ns>,
               .set = &set_field<&RunSpec::stall_ns>});
  k.push_back({.id = KnobId::perturb,
               .name = "perturb",
               .kind = KnobKind::flag,
               .help = "Random short delays and yields (seeded) before acquiring, inside and after releasing, to "
                       "widen race windows",
               .universal = true,
               .stress_only = true,
               .label = "perturb",
               .json_key = "perturb",
               .get = &get_field<&RunSpec::perturb>,
               .set = &set_field<&RunSpec::perturb>});
  // Fairness gates: a configuration that exceeds one ends as `unfair` (exit 1).
  k.push_back({.id = KnobId::max_wait,
               .name = "max-wait",
               .kind = KnobKind::duration,
               .help = "Unfair if any timed acquisition waited longer than this, e.g. 50ms (default: no limit)",
               .universal = true,
               .stress_only = true,
               .min = 1000,
               .max = kMaxDurationNs,
               .json_key = "max_wait_ns",
               .zero_is_unset = true,
               .get = &get_field<&RunSpec::max_wait_ns>,
               .set = &set_field<&RunSpec::max_wait_ns>});
  k.push_back({.id = KnobId::max_overtakes,
               .name = "max-overtakes",
               .kind = KnobKind::count,
               .help = "Unfair if a timed acquisition was overtaken more than N times: N acquisitions by other "
                       "workers between its arrival and its entry (lock workload; default: a FIFO lock's own bound)",
               .universal = true,
               .stress_only = true,
               .min = 1,
               .max = INT64_MAX,
               .json_key = "max_overtakes",
               .zero_is_unset = true,
               .get = &get_field<&RunSpec::max_overtakes>,
               .set = &set_field<&RunSpec::max_overtakes>});
  k.push_back({.id = KnobId::min_fairness,
               .name = "min-fairness",
               .kind = KnobKind::fraction,
               .help = "Unfair if Jain's index of the workers' operations is below J, e.g. 0.8 (1 = equal shares; "
                       "default: no limit)",
               .universal = true,
               .stress_only = true,
               .min = 1,
               .max = 1'000'000,
               .json_key = "min_fairness",
               .zero_is_unset = true,
               .get = &get_field<&RunSpec::min_fairness_millionths>,
               .set = &set_field<&RunSpec::min_fairness_millionths>});
  k.push_back({.id = KnobId::fault,
               .name = "fault",
               .kind = KnobKind::names,
               .help = "Inject a fault inside the critical section: kill-holder (SIGKILL; a replacement is forked) or "
                       "pause-holder:DURATION (SIGSTOP, then SIGCONT), both --mode processes; terminate-holder "
                       "(PostgreSQL ends the holder's session: pg-* primitives)",
               .stress_only = true,
               .label = "fault",
               .json_key = "fault",
               .get = &get_fault,
               .set = &set_fault,
               .text_error = &fault_error});
  k.push_back({.id = KnobId::fault_every,
               .name = "fault-every",
               .kind = KnobKind::count,
               .help = "With --fault: on every Nth acquisition of each worker (default: a seeded random 1 in 10,000)",
               .stress_only = true,
               .min = 1,
               .max = INT64_MAX,
               .label = "every",
               .json_key = "fault_every",
               .zero_is_unset = true,
               .get = &get_field<&RunSpec::fault_every>,
               .set = &set_field<&RunSpec::fault_every>});
  return k;
}

std::vector<WorkloadInfo> make_workload_table() {
  using K = KnobId;
  return {
      {.workload = lock,
       .name = "lock",
       .family = Family::lock,
       .help = "",
       .operation = "An operation is one lock and unlock; latency is the time to acquire the lock.",
       .identity = {K::workers},
       .knobs = {K::cs_ns, K::outside_ns, K::outside_scale, K::cs_lines, K::fault, K::fault_every, K::rate,
                 K::retry_interval}},
      {.workload = semaphore,
       .name = "semaphore",
       .family = Family::semaphore,
       .help = "",
       .operation = "An operation is one acquire and release; latency is the time to acquire a permit.",
       .identity = {K::workers, K::permits},
       .knobs = {K::cs_ns, K::outside_ns, K::outside_scale, K::fault, K::fault_every}},
      {.workload = rw,
       .name = "rw",
       .family = Family::rw,
       .help = "reader-writer locks",
       .operation = "An operation is one read or write lock and unlock; latency is the time to acquire for a read "
                    "(the write side is in the JSON and CSV).",
       .identity = {K::workers, K::read_percent},
       .knobs = {K::cs_ns, K::outside_ns, K::outside_scale, K::cs_lines, K::fault, K::fault_every}},
      {.workload = pingpong,
       .name = "pingpong",
       .family = Family::pingpong,
       .help = "round trips between pairs of workers",
       .operation = "An operation is one handoff between the two workers of a pair; latency is a full round trip.",
       .table_note = "an operation is one handoff; latency columns are full round trips",
       .axis = "workers (in pairs)",
       .identity = {K::workers},
       .defaults = {{K::workers, ints({2})}},
       .stress_defaults = {{K::workers, ints({2, 4})}},
       .workers_multiple = 2},
      {.workload = queue,
       .name = "queue",
       .family = Family::queue,
       .help = "producers and consumers",
       .operation = "An operation is one item delivered to a consumer; latency is enqueue to dequeue; fairness is "
                    "over the consumers. The x axis is each configuration's producers and consumers (p·c), in order "
                    "of total workers, then producers: a total alone would put 1p·4c and 4p·1c at one point, and "
                    "one is bound by its producer, the other by its consumer.",
       .table_note = "an operation is one item delivered to a consumer; latency columns are enqueue to dequeue; "
                     "Jain is over consumers (producers' is in the JSON and CSV)",
       .axis = "producers · consumers, ordered by total workers",
       .identity = {K::producers, K::consumers, K::capacity, K::wait},
       .knobs = {K::consume_ns, K::rate, K::prefetch, K::autoack, K::confirm, K::persistent, K::fault, K::fault_every},
       .producers_and_consumers = true,
       .counts_failed_attempts = true},
      {.workload = pairs,
       .name = "pairs",
       .family = Family::queue,
       .help = "every worker pushes, then pops: a queue's pairs benchmark",
       .operation = "An operation is one push and one pop by the same worker; latency is the two together.",
       .table_note = "an operation is one push and one pop by the same worker; latency columns are the two "
                     "together, without the delay between them",
       .identity = {K::workers},
       .knobs = {K::outside_ns, K::outside_scale, K::capacity, K::wait},
       .stress = false,
       .counts_failed_attempts = true},
      {.workload = trylock,
       .name = "trylock",
       .family = Family::lock,
       .help = "locks taken by retrying try_lock",
       .operation = "An operation is one lock taken by retrying try_lock, with a pause between attempts, and "
                    "released; latency is from the first attempt to the one that succeeded; failed attempts are "
                    "counted apart.",
       .table_note = "an operation is one lock taken by retrying try_lock; failed attempts are counted apart "
                     "(failed_attempts in the JSON and CSV)",
       .needs = "try_lock",
       .identity = {K::workers},
       .knobs = {K::cs_ns, K::outside_ns, K::outside_scale, K::cs_lines},
       .stress = false,
       .counts_failed_attempts = true},
      {.workload = lease,
       .name = "lease",
       .family = Family::lease,
       .help = "TTL lease locks with tokens and fencing, a Redis lock's pattern",
       .operation = "An operation is one lease taken, held for --hold, a write to the guarded resource with its "
                    "fencing token, and a release; latency is from the first try to the grant, waits included.",
       .table_note = "an operation is one lease taken, held and released; latency columns are the wait for the grant",
       .identity = {K::workers},
       .knobs = {K::ttl, K::wait_timeout, K::retry_interval, K::hold, K::fencing, K::renew, K::fault, K::fault_every},
       .stress_defaults = {{K::workers, ints({2, 4})}}},
      {.workload = keyed,
       .name = "keyed",
       .family = Family::keyed,
       .help = "keyed concurrency limiters: at most N holders per key, keys drawn from a Zipf law",
       .operation = "An operation is one request for a key: admitted (held for --cs-ns, then left) or, with "
                    "--on-busy fail, turned away; latency is the time to be admitted or refused.",
       .table_note = "an operation is one request for a key (admitted or turned away); latency columns are the "
                     "wait for the answer",
       .identity = {K::workers, K::keys, K::per_key},
       .knobs = {K::zipf, K::on_busy, K::cs_ns, K::outside_ns, K::outside_scale}},
      {.workload = deadlock,
       .name = "deadlock",
       .family = Family::lock,
       .help = "operations that take several locks at once: lock-order inversions and deadlocks",
       .operation = "An operation is --take locks taken together (starting over after a conflict with --on-conflict "
                    "try or timeout), --cs-ns of work, and their release; latency is from the first attempt to "
                    "holding them all.",
       .table_note = "an operation is --take locks held together; latency columns are the time to get them all, "
                     "restarts included",
       .needs = "try_lock",
       .identity = {K::workers, K::locks, K::take},
       .knobs = {K::order, K::on_conflict, K::cs_ns, K::outside_ns, K::outside_scale}},
      {.workload = jobs,
       .name = "jobs",
       .family = Family::jobs,
       .help = "a job table that workers claim jobs from: SKIP LOCKED, FOR UPDATE, NOWAIT",
       .operation = "An operation is one job done: claimed (in batches of --batch), worked on for --cs-ns and "
                    "completed; latency is one claim's.",
       .table_note = "an operation is one job done; latency columns are one claim (of up to --batch jobs)",
       .identity = {K::workers, K::claim, K::batch},
       .knobs = {K::jobs, K::lease, K::long_transaction, K::cs_ns, K::outside_ns, K::fault, K::fault_every},
       // No warmup by default: it would take jobs from the table the measured window is about.
       .defaults = {{K::warmup, ints({0})}}},
      {.workload = tasks,
       .name = "tasks",
       .family = Family::tasks,
       .help = "tasks sharing an async lock, semaphore or queue: coroutines on one thread against threads",
       .operation = "An operation is one item got (--pattern queue) or one acquire, yield inside and release (lock, "
                    "semaphore); latency is the wait for the item or the permit. Workers are tasks: the coro runtime "
                    "runs them all on one thread, threads runs each on its own.",
       .table_note = "workers are tasks (coro: all on one thread); an operation is one item got or one hold; latency "
                     "columns are the wait for it",
       .identity = {K::workers, K::pattern},
       .knobs = {K::permits, K::capacity, K::cancel, K::cs_ns, K::outside_ns, K::outside_scale},
       .defaults = {{K::workers, ints({2, 8})}}},
      {.workload = isolation,
       .name = "isolation",
       .family = Family::counters,
       .help = "transactions adding one to counters in a database, at an isolation level: lost updates, "
               "serialization failures and deadlocks",
       .operation = "An operation is one transaction that committed: --take counters each read and written +1 "
                    "(--update rmw) or incremented by the server (atomic), retried after a serialization failure or "
                    "deadlock; latency is from its first attempt to its commit.",
       .table_note = "an operation is one committed transaction; latency columns are from its first attempt to "
                     "its commit, retries included",
       .identity = {K::workers, K::level, K::update},
       .knobs = {K::rows, K::take, K::order, K::lock_timeout, K::cs_ns, K::outside_ns}},
  };
}

}  // namespace detail
}  // namespace contend
