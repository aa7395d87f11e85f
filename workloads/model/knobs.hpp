#pragma once
// The workload table: every workload contend runs and every knob a run takes, written once.
//
// Everything that must know what a workload accepts reads this table rather than deciding for
// itself: the command line's options and their help (cli/run_options.cpp), the keys of a suite
// file (cli/suite.cpp), the plan's refusal of an option that does not apply, stress's reproduce
// line, configuration names (config_name), the CSV columns and JSON keys of a configuration's
// settings (reports/), and the report's scenarios.
//
// Defaults are written once: a knob that takes one value has RunSpec's member initializer as
// its default (workloads/model/spec.hpp); a knob whose comma-separated values each make a
// configuration (a sweep: workers, producers, ...) has its default list here; a workload or
// `contend stress` that wants another default says so here, in `workload_defaults` or
// `stress_default`.
//
// Adding a knob: a field in RunSpec, one entry in knobs() (knobs.cpp), its tests.
// Adding a workload: one entry in workloads() (knobs.cpp), its header under workloads/ and its
// line in the registry, its tests.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "primitives/family.hpp"
#include "workloads/model/spec.hpp"

namespace contend {

// In the order of the table (knobs.cpp): the order of `contend run --help`, of a suite's
// accepted keys, of a reproduce line and of the optional parts of a configuration's name.
enum class KnobId : std::uint8_t {
  primitive,
  workers,
  mode,
  duration,
  ops,
  warmup,
  repetitions,
  cs_ns,
  outside_ns,
  outside_scale,
  cs_lines,
  permits,
  read_percent,
  producers,
  consumers,
  capacity,
  wait,
  consume_ns,
  rate,
  ttl,
  wait_timeout,
  retry_interval,
  hold,
  fencing,
  renew,
  keys,
  zipf,
  per_key,
  on_busy,
  locks,
  take,
  order,
  on_conflict,
  jobs,
  claim,
  batch,
  lease,
  long_transaction,
  rows,
  level,
  update,
  lock_timeout,
  prefetch,
  autoack,
  confirm,
  persistent,
  pattern,
  cancel,
  pin,
  sample,
  seed,
  timeout,
  stall,
  perturb,
  max_wait,
  max_overtakes,
  min_fairness,
  fault,
  fault_every,
  count
};
inline constexpr std::size_t kKnobCount = static_cast<std::size_t>(KnobId::count);

// The most workers a configuration may have (a queue's producers and consumers together).
inline constexpr int kMaxWorkers = 512;

enum class KnobKind {
  names,     // names, comma-separated (--primitive)
  count,     // a whole number from min to max
  duration,  // "500ms", "2s", "0": nanoseconds from min to max
  flag,      // on or off: an option without a value, a boolean in a suite file
  choice,    // one of `choices`, kept as its index (the enum's value)
  fraction,  // "0.9": a number from 0 to 1, kept in millionths (900000)
};

// A knob's value: a whole number (count; duration in ns; flag 0 or 1; choice's index) or a name.
using KnobValue = std::variant<std::int64_t, std::string>;

// What is said, instead of the plain "applies to ...", when a knob is given to a workload that
// does not take it: the option a user of that workload most likely meant.
struct KnobHint {
  Workload workload{};
  std::string_view text{};
  // true: the whole message is "--knob: TEXT"; false: "--knob applies to ..., not W; TEXT".
  bool replaces_message = false;
};

struct Knob {
  KnobId id{};
  std::string_view name{};        // the long option without its dashes, and the suite file's key
  std::string_view short_flag{};  // "-w", or empty
  KnobKind kind{};
  std::string_view help{};
  // Every workload takes it (a stress-only knob: every workload stress checks). Any other knob
  // is taken by the workloads that list it, in their identity or among their knobs.
  bool universal = false;
  bool stress_only = false;         // an option of `contend stress` only (--stall, --perturb)
  bool sweep = false;               // comma-separated values, each value its own configuration
  std::int64_t min = 0;             // count and duration
  std::int64_t max = 0;
  bool power_of_two = false;        // count: only powers of two in [min, max] (a queue's capacity)
  std::vector<std::string_view> choices{};  // choice: the names, in the enum's order
  std::optional<KnobId> excludes{};         // the other bound of a run (--ops and --duration)
  // The values when none are given: a sweep's list, or for a knob of one value, empty (RunSpec's
  // member initializer is the default). stress_default: what `contend stress` uses instead, when
  // it differs. Per workload: see WorkloadInfo::defaults.
  std::vector<KnobValue> default_values{};
  std::vector<KnobValue> stress_default{};
  // In a configuration's name: the segment is "label:VALUEunit" ("cs:100ns"), or just "label"
  // for a flag. Empty label: never in the name. A knob in its workload's `identity` is always
  // in the name; any other knob only when it differs from its default.
  std::string_view label{};
  std::string_view unit{};
  // The CSV column (empty: not in the CSV; a duration's column is in seconds) and the key in a
  // JSON configuration's "spec" (a duration's key is in ns).
  std::string_view csv_column{};
  std::string_view json_key{};
  // A duration or a count where 0 means "not this bound" (a run bounded by --ops has no
  // duration): 0 is written as an empty CSV cell and is never in a reproduce line.
  bool zero_is_unset = false;
  std::vector<KnobHint> hints{};
  // The value in a configuration.
  KnobValue (*get)(const RunSpec&) = nullptr;
  void (*set)(RunSpec&, const KnobValue&) = nullptr;
  // The value as a configuration's name shows it, when it is not simply the value and unit
  // (outside work scaled by the worker count: "100nsxworkers"); null otherwise.
  std::string (*name_value)(const RunSpec&) = nullptr;
  // A names knob whose value has a syntax of its own (--hold exp:200us): why a value is wrong,
  // or empty when it is fine; null for a plain list of names.
  std::string (*text_error)(std::string_view) = nullptr;
};

struct WorkloadInfo {
  Workload workload{};
  std::string_view name{};
  Family family{};               // the primitives it runs
  std::string_view help{};       // what it measures, when its name does not say ("reader-writer locks")
  // How to read its figures: the report's sentence on what an operation and its latency are,
  // and the console table's note, said once under the table when its rows need it (empty: none).
  std::string_view operation{};
  std::string_view table_note{};
  std::string_view axis = "workers";  // the report's x axis
  // What a primitive of its family must have to run it, for messages ("try_lock"); empty when
  // every primitive of the family can (the registry says which can: RegistryEntry::run).
  std::string_view needs{};
  // Knobs always in its configuration's name (after workload/primitive/mode), in this order:
  // the ones that tell its configurations apart (workers; a queue's shape; a semaphore's
  // permits). The others appear only when they differ from their default.
  std::vector<KnobId> identity{};
  // The other knobs it takes, besides the universal ones (duration, repetitions, pin, ...).
  std::vector<KnobId> knobs{};
  // Its own defaults, where they differ from the knob's (pingpong: one pair of workers).
  std::vector<std::pair<KnobId, std::vector<KnobValue>>> defaults{};
  // Its own `contend stress` defaults, ahead of the knob's stress_default (pingpong: 2 and 4
  // workers; 8 spinning ends on 2 cores would make most runs inconclusive).
  std::vector<std::pair<KnobId, std::vector<KnobValue>>> stress_defaults{};
  int workers_multiple = 1;    // pingpong: workers come in pairs
  bool stress = true;          // `contend stress` has checks for it
  // A queue's workers are producers and consumers (--producers, --consumers), and its
  // operations are the items the consumers delivered.
  bool producers_and_consumers = false;
  // Its workers count try-operations that failed (full or empty queues, failed try_locks), apart
  // from the operations.
  bool counts_failed_attempts = false;
};

// The tables, in order (written in workload_table.cpp).
std::span<const Knob> knobs();
std::span<const WorkloadInfo> workloads();

const Knob& knob(KnobId id);
const Knob* find_knob(std::string_view name);
const WorkloadInfo& workload_info(Workload w);
const WorkloadInfo* find_workload(std::string_view name);

// Whether `w` takes the knob (a stress-only knob: whether stress checks `w`).
bool applies(const Knob& k, Workload w);
// The workloads that take it, in table order.
std::vector<Workload> workloads_taking(const Knob& k);
// Whether the knob is one of `w`'s identity knobs.
bool in_identity(const Knob& k, Workload w);

// The values a run of `w` uses when none are given: for `contend stress` (stress = true) or
// `contend run`. Never empty: a knob of one value gets RunSpec's default.
std::vector<KnobValue> default_values(const Knob& k, Workload w, bool stress);

// The value as it appears in a configuration's name ("100ns", "spin", "90%"), and the segment.
std::string name_segment(const Knob& k, const RunSpec& spec);

// A choice's name or a number, as text ("spin", "1024"); durations in ns, flags 0/1.
std::string plain_text(const Knob& k, const KnobValue& v);

// Names of workloads in the table's order, joined: "lock, semaphore, rw and pingpong".
std::string workload_list(const std::vector<Workload>& list, std::string_view last_joiner = " and ");

std::int64_t as_integer(const KnobValue& v);
const std::string& as_name(const KnobValue& v);

namespace detail {
std::vector<Knob> make_knob_table();
std::vector<WorkloadInfo> make_workload_table();
}  // namespace detail

}  // namespace contend
