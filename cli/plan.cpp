// build_run_plan(): from the options of `run`, `stress` or a suite's [[run]] to the list of
// configurations, with every check that needs the workload table or the registry. What a knob
// accepts, its default and which workloads take it come from the table
// (workloads/model/knobs.hpp); what a primitive can do (share memory, block, hold N permits)
// from the registry. A little over 450 lines: each workload's cross-knob checks and each backend's
// server resolution are a few lines here, beside the loop that applies them; the servers
// themselves are resolved in redis_servers.cpp, postgres_server.cpp and rabbitmq_server.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "cli/knob_values.hpp"
#include "cli/parse.hpp"
#include "cli/postgres_server.hpp"
#include "cli/rabbitmq_server.hpp"
#include "cli/redis_servers.hpp"
#include "cli/run_options.hpp"
#include "cli/suggest.hpp"
#include "cli/usage_error.hpp"

namespace contend::cli {
namespace {

// The jobs a table kept in PostgreSQL holds when --jobs is not given (pg-jobs).
constexpr std::uint32_t kDatabaseJobs = 20'000;

std::string names_of(const Registry& registry, Family family, const std::function<bool(const RegistryEntry&)>& keep) {
  std::string names;
  for (const RegistryEntry* e : registry.visible(family, false)) {
    if (!keep(*e)) continue;
    if (!names.empty()) names += ", ";
    names += e->info.name;
  }
  return names;
}

bool any_primitive(const RegistryEntry&) { return true; }
bool shareable(const RegistryEntry& e) { return e.info.process_shared; }

bool blocking(const RegistryEntry& e) { return e.info.blocking; }

// The message for a knob given to a workload that does not take it.
std::string misapplied(const Knob& k, Workload w) {
  for (const KnobHint& hint : k.hints) {
    if (hint.workload == w && hint.replaces_message) return fmt::format("{}: {}", option_name(k), hint.text);
  }
  // "only" reads well after a short list ("the queue and pairs workloads only").
  const std::vector<Workload> taking = workloads_taking(k);
  std::string text = fmt::format("{} applies to the {} workload{}{}, not {}", option_name(k), workload_list(taking),
                                 taking.size() > 1 ? "s" : "", taking.size() <= 2 ? " only" : "", to_string(w));
  for (const KnobHint& hint : k.hints) {
    if (hint.workload == w) text += fmt::format("; {}", hint.text);
  }
  return text;
}

// The options as the plan uses them: each knob's given values, else its defaults.
class Resolved {
 public:
  Resolved(const RunOptions& o) : options_(o) {}
  const std::vector<KnobValue>& values(KnobId id) const {
    if (options_.knobs.given(id)) return options_.knobs.values(id);
    auto& cached = defaults_[static_cast<std::size_t>(id)];
    if (!cached) cached = default_values(knob(id), options_.workload, options_.stress);
    return *cached;
  }
  std::int64_t integer(KnobId id) const { return as_integer(values(id).front()); }
  std::vector<int> integers(KnobId id) const {
    std::vector<int> out;
    for (const KnobValue& v : values(id)) out.push_back(static_cast<int>(as_integer(v)));
    return out;
  }
  bool given(KnobId id) const { return options_.knobs.given(id); }

 private:
  const RunOptions& options_;
  mutable std::array<std::optional<std::vector<KnobValue>>, kKnobCount> defaults_{};
};

// Why a queue cannot run `spec`'s shape or --wait, or empty when it can.
std::string queue_misfit(const PrimitiveInfo& info, const RunSpec& spec) {
  if (info.single_producer_single_consumer && spec.workload == Workload::pairs) {
    return fmt::format("{} allows one producer and one consumer, and a pairs worker is both", info.name);
  }
  if (info.single_producer_single_consumer && (spec.producers != 1 || spec.workers - spec.producers != 1)) {
    return fmt::format("{} allows one producer and one consumer only", info.name);
  }
  if (spec.wait == QueueWait::block && !info.blocking && info.backend != "rabbitmq") {
    return fmt::format("{} has no blocking push and pop for --wait block", info.name);
  }
  if (spec.fault.kind != FaultKind::none && info.backend != "rabbitmq") {
    return fmt::format("{} is a queue in memory: --fault strikes the consumers of a queue kept in a broker "
                       "(amqp-queue), which hold messages they have not acked",
                       info.name);
  }
  return {};
}

// Every combination of the sweeps' values, in table order (the first varies slowest).
std::vector<RunSpec> expand_sweeps(const RunSpec& base, const Resolved& r, Workload w) {
  std::vector<RunSpec> specs = {base};
  for (const Knob& k : knobs()) {
    if (!k.sweep || !applies(k, w)) continue;
    std::vector<RunSpec> next;
    for (const RunSpec& spec : specs) {
      for (const KnobValue& v : r.values(k.id)) {
        RunSpec s = spec;
        k.set(s, v);
        next.push_back(std::move(s));
      }
    }
    specs = std::move(next);
  }
  return specs;
}

void check_workers(const Resolved& r, const WorkloadInfo& w) {
  if (w.producers_and_consumers) {
    const std::vector<int> producers = r.integers(KnobId::producers);
    const std::vector<int> consumers = r.integers(KnobId::consumers);
    for (int p : producers) {
      for (int c : consumers) {
        if (p + c > kMaxWorkers) {
          throw UsageError(fmt::format("--producers/--consumers: {} + {} workers is more than {}", p, c, kMaxWorkers));
        }
      }
    }
    const int most = *std::max_element(producers.begin(), producers.end());
    if (r.given(KnobId::ops) && r.integer(KnobId::ops) < most) {
      throw UsageError(fmt::format("--ops: {} items are fewer than the {} producers asked for; each producer needs "
                                   "at least one",
                                   r.integer(KnobId::ops), most));
    }
    return;
  }
  const std::vector<int> workers = r.integers(KnobId::workers);
  for (int n : workers) {
    if (n % w.workers_multiple != 0) {
      throw UsageError(fmt::format(
          "--workers: {} runs workers in {}, so each count must be {}, not {}", w.name,
          w.workers_multiple == 2 ? "pairs" : fmt::format("groups of {}", w.workers_multiple),
          w.workers_multiple == 2 ? "even (e.g. 2,4,8)" : fmt::format("a multiple of {}", w.workers_multiple), n));
    }
  }
  const int most = *std::max_element(workers.begin(), workers.end());
  if (r.given(KnobId::ops) && r.integer(KnobId::ops) < most) {
    throw UsageError(fmt::format("--ops: {} is fewer than the {} workers asked for; each worker needs at least one "
                                 "operation",
                                 r.integer(KnobId::ops), most));
  }
}

}  // namespace

PlanOutcome build_run_plan(const RunOptions& o, const Registry& registry) {
  PlanOutcome out;
  const WorkloadInfo& w = workload_info(o.workload);
  const std::string_view workload_name = w.name;
  if (o.stress && !w.stress) {
    std::vector<Workload> stressable;
    for (const WorkloadInfo& each : workloads()) {
      if (each.stress) stressable.push_back(each.workload);
    }
    throw UsageError(fmt::format("stress: the {} workload has no stress checks; expected {} (`contend run {}` checks "
                                 "its own deliveries)",
                                 workload_name, workload_list(stressable, " or "), workload_name));
  }

  // Options that do not apply, then values out of range (set by code rather than parsed).
  for (const Knob& k : knobs()) {
    if (!o.knobs.given(k.id)) continue;
    if (k.stress_only && !o.stress) throw UsageError(fmt::format("{} is an option of `contend stress`", option_name(k)));
    if (!applies(k, o.workload)) throw UsageError(misapplied(k, o.workload));
    for (const KnobValue& v : o.knobs.values(k.id)) check_knob_value(k, option_name(k), v);
  }
  const Resolved r(o);
  if (r.integer(KnobId::outside_scale) != 0 && applies(knob(KnobId::outside_scale), o.workload) &&
      r.integer(KnobId::outside_ns) == 0) {
    throw UsageError("--outside-scale scales --outside-ns, which is 0; give --outside-ns too");
  }
  check_workers(r, w);

  std::vector<Mode> modes;
  const std::int64_t mode = r.integer(KnobId::mode);
  if (mode != static_cast<std::int64_t>(Mode::processes)) modes.push_back(Mode::threads);
  if (mode != static_cast<std::int64_t>(Mode::threads)) modes.push_back(Mode::processes);
  const bool both = mode == kModeBoth;
  // A family with no process-shared primitive at all (the tasks runtimes: coroutines share one
  // thread, threads share one process) is refused here, with the reason, instead of a list of none.
  if (mode != static_cast<std::int64_t>(Mode::threads) &&
      names_of(registry, w.family, shareable).empty()) {
    throw UsageError(fmt::format("--mode {}: the {} workload runs in one process (no {} primitive can live in "
                                 "shared memory across processes); use --mode threads",
                                 both ? "both" : "processes", workload_name, to_string(w.family)));
  }
  if (o.stress && r.given(KnobId::fault)) {
    const std::vector<KnobValue>& faults = r.values(KnobId::fault);
    if (faults.size() != 1) throw UsageError("--fault: one fault per run, e.g. --fault kill-holder");
    std::string error;
    const std::optional<Fault> fault = parse_fault(as_name(faults.front()), error);
    if (!fault) throw UsageError(fmt::format("--fault: {}", error));
    const bool signals = fault->kind == FaultKind::kill_holder || fault->kind == FaultKind::pause_holder;
    if (signals && mode != static_cast<std::int64_t>(Mode::processes)) {
      throw UsageError("--fault kills or stops a worker process, so it needs --mode processes");
    }
  }
  // A lease waiter may wait a whole TTL (a killed holder's lease) or retry interval with nobody
  // progressing: the progress watchdog must wait longer than that, or it calls it a hang.
  if (o.stress && o.workload == Workload::lease) {
    const std::int64_t stall = r.integer(KnobId::stall);
    for (KnobId id : {KnobId::ttl, KnobId::retry_interval}) {
      if (r.integer(id) < stall) continue;
      throw UsageError(fmt::format("{} {} is not below --stall {}: the others may wait that long with nobody "
                                   "progressing, which the watchdog would call a hang; give a --stall above it",
                                   option_name(knob(id)), format_duration(r.integer(id)), format_duration(stall)));
    }
  }
  if (o.workload == Workload::deadlock && r.integer(KnobId::take) > r.integer(KnobId::locks)) {
    throw UsageError(fmt::format("--take {} is more than the {} locks there are (--locks); an operation takes "
                                 "distinct locks",
                                 r.integer(KnobId::take), r.integer(KnobId::locks)));
  }
  if (o.workload == Workload::isolation && r.integer(KnobId::take) > r.integer(KnobId::rows)) {
    throw UsageError(fmt::format("--take {} is more than the {} counters there are (--rows); a transaction adds one "
                                 "to distinct counters",
                                 r.integer(KnobId::take), r.integer(KnobId::rows)));
  }
  if (o.workload == Workload::tasks && r.integer(KnobId::pattern) == static_cast<std::int64_t>(TaskPattern::queue)) {
    for (const KnobValue& v : r.values(KnobId::workers)) {
      if (as_integer(v) >= 2) continue;
      throw UsageError(fmt::format("-w {}: --pattern queue needs at least 2 tasks (the first half put, the rest get); "
                                   "give -w 2 or more, or --pattern lock or semaphore",
                                   as_integer(v)));
    }
  }
  if (o.stress && o.workload == Workload::lock && r.given(KnobId::rate)) {
    throw UsageError("--rate: stress drives the lock workload as fast as it goes (its checks want every overlap it "
                     "can provoke, not a schedule); measure an open loop with `contend run lock --rate N`");
  }
  if (r.given(KnobId::fault_every) && !r.given(KnobId::fault)) {
    throw UsageError("--fault-every says how often --fault strikes; give --fault too");
  }

  // The configuration every primitive starts from: every knob of one value that applies.
  RunSpec base;
  base.workload = o.workload;
  base.stress = o.stress;
  const bool bounded_by_ops = r.given(KnobId::ops);
  for (const Knob& k : knobs()) {
    if (k.sweep || k.id == KnobId::primitive || k.id == KnobId::mode || !applies(k, o.workload)) continue;
    if (k.stress_only && !o.stress) continue;
    if (k.id == KnobId::duration && bounded_by_ops) {
      base.duration_ns = 0;  // a run is bounded by an operation count or by time
      continue;
    }
    k.set(base, r.values(k.id).front());
  }
  const std::vector<RunSpec> shapes = expand_sweeps(base, r, o.workload);
  const bool queue_family = w.family == Family::queue;

  std::vector<const RegistryEntry*> chosen;
  const std::vector<KnobValue>& names = r.values(KnobId::primitive);
  const bool all = names.size() == 1 && as_name(names.front()) == "all";
  if (all) {
    chosen = registry.visible(w.family, false);
    // Primitives kept on a server run only when named: `all` must not need one.
    std::erase_if(chosen, [](const RegistryEntry* e) { return !e->info.backend.empty(); });
    // `all` means every primitive of the family that can run the workload.
    std::string cannot;
    std::erase_if(chosen, [&](const RegistryEntry* e) {
      if (e->runs(o.workload)) return false;
      cannot += (cannot.empty() ? "" : ", ") + e->info.name;
      return true;
    });
    if (!cannot.empty()) {
      out.notes.push_back(fmt::format("{}: no {} for the {} workload, left out", cannot, w.needs, workload_name));
    }
    // Stress's `all` means every primitive that claims what it checks: the baselines that are
    // not locks (nolock, race, atomic-add) fail by design, so they run only when named.
    if (o.stress) {
      std::string left_out;
      std::erase_if(chosen, [&](const RegistryEntry* e) {
        if (!e->info.baseline) return false;
        left_out += (left_out.empty() ? "" : ", ") + e->info.name;
        return true;
      });
      if (!left_out.empty()) {
        out.notes.push_back(fmt::format("{}: baselines without exclusion, left out of 'all' (name them to stress them)",
                                        left_out));
      }
    }
  } else {
    const auto wait = static_cast<QueueWait>(r.integer(KnobId::wait));
    for (const KnobValue& value : names) {
      const std::string& name = as_name(value);
      const RegistryEntry* e = registry.find(name);
      if (e == nullptr) {
        std::vector<std::string> family_names;
        for (const RegistryEntry& entry : registry.entries()) {
          if (entry.info.family == w.family) family_names.push_back(entry.info.name);
        }
        throw UsageError(fmt::format("--primitive: unknown primitive '{}'{}; {} primitives are: {} (or 'all')", name,
                                     suggestion(name, family_names), to_string(w.family),
                                     names_of(registry, w.family, any_primitive)));
      }
      if (e->info.family != w.family) {
        throw UsageError(fmt::format("--primitive: '{}' is a {}, not a {}; {} primitives are: {}", name,
                                     to_string(e->info.family), workload_name, workload_name,
                                     names_of(registry, w.family, any_primitive)));
      }
      if (!e->runs(o.workload)) {
        throw UsageError(fmt::format("--primitive: '{}' has no {}, which the {} workload needs; {} primitives "
                                     "that have one: {}",
                                     name, w.needs, workload_name, to_string(w.family),
                                     names_of(registry, w.family, [&o](const RegistryEntry& entry) { return entry.runs(o.workload); })));
      }
      // With --mode both it runs on threads only, with a note (below); processes alone cannot.
      if (!e->info.process_shared && mode == static_cast<std::int64_t>(Mode::processes)) {
        throw UsageError(fmt::format("--primitive: '{}' cannot live in shared memory across processes, so --mode "
                                     "processes cannot measure it; use --mode threads or both, or one of: {}",
                                     name, names_of(registry, w.family, shareable)));
      }
      if (o.workload == Workload::tasks && r.given(KnobId::cancel) && r.integer(KnobId::cancel) > 0 &&
          !e->info.cancels) {
        throw UsageError(fmt::format("--cancel: '{}' cannot cancel a blocked wait; runtimes that can: {}", name,
                                     names_of(registry, w.family, [](const RegistryEntry& entry) {
                                       return entry.info.cancels;
                                     })));
      }
      const auto permits = static_cast<std::uint32_t>(r.integer(KnobId::permits));
      if ((o.workload == Workload::semaphore || o.workload == Workload::tasks) && e->info.max_permits != 0 &&
          permits > e->info.max_permits) {
        throw UsageError(fmt::format("--permits: '{}' holds at most {} permit(s), not {}; use --permits {}", name,
                                     e->info.max_permits, permits, e->info.max_permits));
      }
      if (queue_family && wait == QueueWait::block && !e->info.blocking) {
        throw UsageError(fmt::format("--wait block: '{}' has no blocking push and pop; use --wait spin or yield, or "
                                     "one of: {}",
                                     name, names_of(registry, Family::queue, blocking)));
      }
      if (o.workload == Workload::pairs && e->info.single_producer_single_consumer) {
        throw UsageError(fmt::format("--primitive: '{}' allows one producer and one consumer, and every pairs worker "
                                     "is both; use the queue workload with --producers 1 --consumers 1",
                                     name));
      }
      if (w.producers_and_consumers && e->info.single_producer_single_consumer &&
          std::any_of(shapes.begin(), shapes.end(),
                      [](const RunSpec& s) { return s.producers != 1 || s.workers - s.producers != 1; })) {
        throw UsageError(fmt::format("--producers/--consumers: '{}' allows one producer and one consumer only; use "
                                     "--producers 1 --consumers 1",
                                     name));
      }
      chosen.push_back(e);
    }
  }
  // --mode both runs a private primitive on threads only; with no shareable one chosen at all,
  // "both" would quietly mean "threads", so it is refused instead.
  if (both && std::none_of(chosen.begin(), chosen.end(), [](const RegistryEntry* e) { return e->info.process_shared; })) {
    throw UsageError(fmt::format("--mode both: none of the chosen {} primitives can live in shared memory across "
                                 "processes; use --mode threads, or add one of: {}",
                                 workload_name, names_of(registry, w.family, shareable)));
  }

  const auto note_once = [&out](std::string note) {
    if (std::find(out.notes.begin(), out.notes.end(), note) == out.notes.end()) out.notes.push_back(std::move(note));
  };
  const bool terminates = o.stress && r.given(KnobId::fault) &&
                          as_name(r.values(KnobId::fault).front()) == fault_text({FaultKind::terminate_holder, 0});
  for (const RegistryEntry* e : chosen) {
    const std::vector<KnobValue>& held = r.values(KnobId::long_transaction);
    if (o.workload == Workload::jobs && e->info.backend != "postgres" &&
        std::any_of(held.begin(), held.end(), [](const KnobValue& v) { return as_integer(v) != 0; })) {
      throw UsageError(fmt::format("--long-transaction on holds a snapshot open in PostgreSQL, and {} is a table in "
                                   "memory; use -p pg-jobs",
                                   e->info.name));
    }
    if (terminates && e->info.backend != "postgres") {
      throw UsageError(fmt::format("--fault terminate-holder ends the holder's PostgreSQL session, and {} keeps "
                                   "nothing in one; use a pg-* primitive (pg-for-update, pg-advisory, pg-lock-table, "
                                   "pg-jobs, ...)",
                                   e->info.name));
    }
    const auto permits = static_cast<std::uint32_t>(r.integer(KnobId::permits));
    if ((o.workload == Workload::semaphore || o.workload == Workload::tasks) && e->info.max_permits != 0 &&
        permits > e->info.max_permits) {
      out.notes.push_back(fmt::format("{} holds at most {} permit(s): left out at --permits {}", e->info.name,
                                      e->info.max_permits, permits));
      continue;
    }
    // --retry-interval in the lock workload is how a lock kept on a server waits; an in-memory
    // lock waits as it was built to: run without it, and said so.
    const bool without_retry =
        o.workload == Workload::lock && r.given(KnobId::retry_interval) && e->info.backend.empty();
    if (without_retry) {
      note_once("--retry-interval is for locks kept on a server (redis-lock, redlock-N, pg-nowait, pg-lock-table): the "
                "others wait "
                "as they were built to");
    }
    // A runtime that cannot cancel a wait: left out when --cancel was asked for, else run
    // without stress's default cancellations.
    bool without_cancel = false;
    const std::string redis_servers =
        e->info.backend == "redis"
            ? resolve_redis(o, e->info.name, e->info.redis_servers, out.notes, out.plan.servers)
            : std::string();
    const std::string postgres =
        e->info.backend == "postgres" ? resolve_postgres(o, e->info.name, out.plan.servers) : std::string();
    const std::string amqp =
        e->info.backend == "rabbitmq" ? resolve_rabbitmq(o, e->info.name, out.plan.servers) : std::string();
    if (!amqp.empty() && r.given(KnobId::wait)) {
      note_once(fmt::format("{}: its consumers wait in the broker: --wait does not apply", e->info.name));
    }
    const std::vector<int> windows = r.integers(KnobId::confirm);
    if (!amqp.empty() && std::find(windows.begin(), windows.end(), 0) != windows.end()) {
      note_once(fmt::format("{}: without --confirm, the broker drops a publish to a full queue (--capacity) unseen: "
                            "such messages count as lost",
                            e->info.name));
    }
    // A jobs table in a database is filled by one INSERT per repetition: a million rows (the
    // in-memory table's default) would take longer to make than most runs last.
    const bool fewer_jobs = o.workload == Workload::jobs && !postgres.empty() && !r.given(KnobId::jobs);
    if (fewer_jobs) {
      note_once(fmt::format("{}: --jobs {} (the default for a table in PostgreSQL; --jobs sets it)", e->info.name,
                            kDatabaseJobs));
    }
    if (o.workload == Workload::tasks && !e->info.cancels && r.integer(KnobId::cancel) > 0) {
      if (r.given(KnobId::cancel)) {
        out.notes.push_back(fmt::format("{} cannot cancel a blocked wait: left out at --cancel", e->info.name));
        continue;
      }
      without_cancel = true;
      note_once(fmt::format("{} cannot cancel a blocked wait: run without --cancel", e->info.name));
    }
    // A plugin's claim to be process-shared is checked, not trusted: stress runs it on both
    // threads and processes unless --mode says otherwise.
    std::vector<Mode> modes_of_this = modes;
    if (o.stress && !r.given(KnobId::mode) && e->info.origin == Origin::plugin && e->info.process_shared) {
      modes_of_this = {Mode::threads, Mode::processes};
      note_once(fmt::format("{} says it is process-shared: stressed on threads and on processes (--mode threads to "
                            "skip the second)",
                            e->info.name));
    }
    for (Mode m : modes_of_this) {
      if (m == Mode::processes && !e->info.process_shared) {
        out.notes.push_back(fmt::format("{} is not process-shared: measured on threads only", e->info.name));
        continue;
      }
      for (const RunSpec& shape : shapes) {
        RunSpec spec = shape;
        spec.primitive = e->info.name;
        spec.mode = m;
        if (without_cancel) spec.cancel_millionths = 0;
        if (without_retry) spec.retry_interval_ns = 0;
        if (e->info.backend == "redis") spec.redis = redis_servers;
        spec.postgres = postgres;
        spec.amqp = amqp;
        if (fewer_jobs) spec.jobs = kDatabaseJobs;
        if (queue_family) {
          // Only with `all`: a named queue that cannot run a shape was refused above.
          const std::string misfit = queue_misfit(e->info, spec);
          if (!misfit.empty()) {
            note_once(misfit + ": left out of those runs");
            continue;
          }
        }
        out.plan.configs.push_back(std::move(spec));
      }
    }
  }
  if (out.plan.configs.empty() && queue_family) {
    std::string why;
    for (const std::string& note : out.notes) why += (why.empty() ? "" : "; ") + note;
    throw UsageError(fmt::format("--primitive: no chosen queue can run these options ({})", why));
  }
  if (out.plan.configs.empty()) {
    throw UsageError(fmt::format("--mode processes: none of the chosen {} primitives is process-shared; "
                                 "process-shared ones are: {}",
                                 workload_name, names_of(registry, w.family, shareable)));
  }
  return out;
}

}  // namespace contend::cli
