#include "cli/run_options.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

#include "cli/choice.hpp"
#include "cli/parse.hpp"
#include "cli/plugins.hpp"
#include "cli/usage_error.hpp"

namespace contend::cli {

void add_run_options(CLI::App& cmd, RunOptions& o, bool workload_required) {
  auto* workload = add_choice<Workload>(cmd, "workload", o.workload,
                       {{"lock", Workload::lock},
                        {"semaphore", Workload::semaphore},
                        {"rw", Workload::rw},
                        {"pingpong", Workload::pingpong},
                        {"queue", Workload::queue},
                        {"pairs", Workload::pairs}},
                       "What to measure: lock, semaphore, rw (reader-writer locks), pingpong (round trips "
                       "between pairs of workers), queue (producers and consumers) or pairs (every worker "
                       "pushes, then pops: a queue's pairs benchmark)");
  if (workload_required) workload->required();
  cmd.add_option("-p,--primitive", o.primitives,
                 "Primitives, comma-separated, or 'all' (see `contend list`)")
      ->capture_default_str();
  cmd.add_option("-w,--workers", o.workers,
                 fmt::format("Worker counts, comma-separated, e.g. 1,2,4,8 (default: {}; pingpong: {}, and "
                             "even counts only: workers come in pairs)",
                             kDefaultWorkers, kDefaultPingpongWorkers));
  add_choice<ModeChoice>(
      cmd, "--mode", o.mode,
      {{"threads", ModeChoice::threads}, {"processes", ModeChoice::processes}, {"both", ModeChoice::both}},
      "Workers as threads, forked processes, or both");
  auto* duration = cmd.add_option("-d,--duration", o.duration, "Measured time per repetition, e.g. 500ms, 2s")
                       ->capture_default_str();
  cmd.add_option("--ops", o.operations, "Stop after this many operations in total instead of after --duration")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 50))
      ->excludes(duration);
  cmd.add_option("--warmup", o.warmup, "Unmeasured run before each repetition, e.g. 100ms, 0")
      ->capture_default_str();
  cmd.add_option("-r,--repetitions", o.repetitions, "Repetitions of each configuration")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd.add_option("--cs-ns", o.cs_ns, "Work inside the critical section, calibrated ns")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1'000'000'000}))
      ->capture_default_str();
  cmd.add_option("--outside-ns", o.outside_ns, "Work between acquisitions, calibrated ns")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1'000'000'000}))
      ->capture_default_str();
  cmd.add_flag("--outside-scale", o.outside_scale,
               "Multiply --outside-ns by the worker count, so each worker's share of the lock stays "
               "comparable across worker counts");
  cmd.add_option("--read-percent", o.read_percent, "Share of operations that read, in percent (rw)")
      ->check(CLI::Range(0u, 100u))
      ->capture_default_str();
  cmd.add_option("--cs-lines", o.cs_lines, "Shared cache lines written inside the critical section (lock, rw)")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  cmd.add_option("--permits", o.permits, "Permits of the semaphore (semaphore)")
      ->check(CLI::Range(1u, 1'000'000u))
      ->capture_default_str();
  cmd.add_option("--producers", o.producers,
                 "Producer counts, comma-separated (queue; every pairing with --consumers is run)")
      ->capture_default_str();
  cmd.add_option("--consumers", o.consumers, "Consumer counts, comma-separated (queue)")->capture_default_str();
  cmd.add_option("--capacity", o.capacity, "Items the queue holds: a power of two, 2 to 16777216 (queue)")
      ->capture_default_str();
  add_choice<QueueWait>(cmd, "--wait", o.wait,
                        {{"spin", QueueWait::spin}, {"yield", QueueWait::yield}, {"block", QueueWait::block}},
                        "On a full or empty queue: spin (pause, retry), yield (sched_yield, retry) or block "
                        "(the queue's sleeping push/pop) (queue)");
  cmd.add_option("--consume-ns", o.consume_ns, "A consumer's work per item, calibrated ns (queue)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1'000'000'000}))
      ->capture_default_str();
  cmd.add_option("--rate", o.rate,
                 "Open loop: items per second each producer offers on a fixed schedule, comma-separated to "
                 "sweep; latency counts from each item's intended send time (queue; default: closed loop)");
  add_choice<Pinning>(cmd, "--pin", o.pin,
                      {{"none", Pinning::none}, {"compact", Pinning::compact}, {"spread", Pinning::spread}},
                      "Pin workers to CPUs: none, compact (fill a core first), spread (cores first)");
  cmd.add_option("--sample", o.sample_every,
                 "Time 1 operation in N (random gaps, mean N; queue: one item per block of N rounded up to a "
                 "power of two); 0 = no latency timing")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1'000'000'000}))
      ->capture_default_str();
  cmd.add_option("--seed", o.seed, "Seed for sampling gaps (results are reproducible per seed)")
      ->capture_default_str();
  cmd.add_option("--timeout", o.timeout,
                 "Watchdog limit per repetition, e.g. 30s (default: 10s + 2 x (warmup + duration))");
  cmd.add_option("--plugin", o.plugins, kPluginHelp)->allow_extra_args(false)->type_name("PATH");
  cmd.add_option("-o,--out", o.out_dir, "Write results.csv, results.json and .hgrm files to this directory");
  add_choice<OutputFormat>(cmd, "--format", o.format,
                           {{"table", OutputFormat::table},
                            {"csv", OutputFormat::csv},
                            {"json", OutputFormat::json},
                            {"markdown", OutputFormat::markdown}},
                           "What to print on stdout: table, csv, json or markdown");
}

void note_given_options(const CLI::App& cmd, RunOptions& o) {
  o.duration_given = cmd.count("--duration") > 0;
  o.cs_ns_given = cmd.count("--cs-ns") > 0;
  o.outside_ns_given = cmd.count("--outside-ns") > 0;
  o.cs_lines_given = cmd.count("--cs-lines") > 0;
  o.permits_given = cmd.count("--permits") > 0;
  o.read_percent_given = cmd.count("--read-percent") > 0;
  o.workers_given = cmd.count("--workers") > 0;
  o.producers_given = cmd.count("--producers") > 0;
  o.consumers_given = cmd.count("--consumers") > 0;
  o.capacity_given = cmd.count("--capacity") > 0;
  o.wait_given = cmd.count("--wait") > 0;
  o.consume_ns_given = cmd.count("--consume-ns") > 0;
  o.rate_given = cmd.count("--rate") > 0;
}

namespace {

std::string shareable_names(const Registry& registry, Family family) {
  std::string names;
  for (const RegistryEntry* e : registry.visible(family, false)) {
    if (!e->info.process_shared) continue;
    if (!names.empty()) names += ", ";
    names += e->info.name;
  }
  return names;
}

std::string family_names(const Registry& registry, Family family) {
  std::string names;
  for (const RegistryEntry* e : registry.visible(family, false)) {
    if (!names.empty()) names += ", ";
    names += e->info.name;
  }
  return names;
}

std::string blocking_names(const Registry& registry) {
  std::string names;
  for (const RegistryEntry* e : registry.visible(Family::queue, false)) {
    if (!e->info.blocking) continue;
    if (!names.empty()) names += ", ";
    names += e->info.name;
  }
  return names;
}

// A queue run's producer and consumer counts.
struct QueueShape {
  int producers;
  int consumers;
};

// Refuses the options of the other workloads for a queue or pairs run, and the queue's options
// for the others: the queue workload has producers and consumers, pairs has workers that do
// both, and both have a capacity and a --wait.
void check_queue_options(const RunOptions& o, std::string_view workload_name) {
  const bool queue = o.workload == Workload::queue;
  const bool pairs = o.workload == Workload::pairs;
  if (queue && o.workers_given) {
    throw UsageError("--workers: the queue workload counts --producers and --consumers instead");
  }
  if (queue || pairs) {
    for (const auto& [given, option] : {std::pair{o.cs_ns_given, "--cs-ns"},
                                        std::pair{o.cs_lines_given, "--cs-lines"},
                                        std::pair{queue && o.outside_ns_given, "--outside-ns"},
                                        std::pair{queue && o.outside_scale, "--outside-scale"}}) {
      if (given) {
        throw UsageError(fmt::format("{} applies to the lock, semaphore and rw workloads, not {}; {}", option,
                                     workload_name,
                                     queue ? "a consumer's work per item is --consume-ns"
                                           : "the delay between a push and a pop is --outside-ns"));
      }
    }
  }
  if (queue) return;
  for (const auto& [given, option] : {std::pair{o.producers_given, "--producers"},
                                      std::pair{o.consumers_given, "--consumers"},
                                      std::pair{o.consume_ns_given, "--consume-ns"},
                                      std::pair{o.rate_given, "--rate"},
                                      std::pair{!pairs && o.capacity_given, "--capacity"},
                                      std::pair{!pairs && o.wait_given, "--wait"}}) {
    if (!given) continue;
    const bool pairs_too = option == std::string_view("--capacity") || option == std::string_view("--wait");
    throw UsageError(fmt::format("{} applies to the queue {}only, not {}", option,
                                 pairs_too ? "and pairs workloads " : "workload ", workload_name));
  }
}

void check_capacity(const RunOptions& o) {
  if (o.capacity < 2 || o.capacity > kMaxQueueCapacity || (o.capacity & (o.capacity - 1)) != 0) {
    throw UsageError(fmt::format("--capacity: expected a power of two from 2 to {}, not {}", kMaxQueueCapacity,
                                 o.capacity));
  }
}

std::vector<QueueShape> queue_shapes(const RunOptions& o) {
  const std::vector<int> producers = parse_int_list("--producers", o.producers, 1, kMaxWorkers - 1);
  const std::vector<int> consumers = parse_int_list("--consumers", o.consumers, 1, kMaxWorkers - 1);
  std::vector<QueueShape> shapes;
  for (int p : producers) {
    for (int c : consumers) {
      if (p + c > kMaxWorkers) {
        throw UsageError(fmt::format("--producers/--consumers: {} + {} workers is more than {}", p, c, kMaxWorkers));
      }
      shapes.push_back({p, c});
    }
  }
  return shapes;
}

// Why a queue cannot run `shape` or --wait, or empty when it can.
std::string queue_misfit(const PrimitiveInfo& info, const RunOptions& o, QueueShape shape) {
  if (info.single_producer_single_consumer && o.workload == Workload::pairs) {
    return fmt::format("{} allows one producer and one consumer, and a pairs worker is both", info.name);
  }
  if (info.single_producer_single_consumer && (shape.producers != 1 || shape.consumers != 1)) {
    return fmt::format("{} allows one producer and one consumer only", info.name);
  }
  if (o.wait == QueueWait::block && !info.blocking) {
    return fmt::format("{} has no blocking push and pop for --wait block", info.name);
  }
  return {};
}

}  // namespace

PlanOutcome build_run_plan(const RunOptions& o, const Registry& registry) {
  PlanOutcome out;
  const Family family = family_of(o.workload);
  const std::string_view workload_name = to_string(o.workload);

  check_queue_options(o, workload_name);
  if ((o.workload == Workload::semaphore || o.workload == Workload::pingpong) && o.cs_lines_given) {
    throw UsageError(fmt::format("--cs-lines applies to the lock and rw workloads, not {}", workload_name));
  }
  if (o.workload != Workload::rw && o.read_percent_given) {
    throw UsageError(fmt::format("--read-percent applies to the rw workload only, not {}", workload_name));
  }
  if (o.workload != Workload::semaphore && o.permits_given) {
    throw UsageError(fmt::format("--permits applies to the semaphore workload only, not {}", workload_name));
  }

  // A handoff has no critical section and nothing between operations to simulate: the round
  // trip is the whole measurement.
  if (o.workload == Workload::pingpong) {
    for (const auto& [given, option] : {std::pair{o.cs_ns_given, "--cs-ns"},
                                        std::pair{o.outside_ns_given, "--outside-ns"},
                                        std::pair{o.outside_scale, "--outside-scale"}}) {
      if (given) {
        throw UsageError(fmt::format("{} applies to the lock, semaphore and rw workloads, not pingpong", option));
      }
    }
  }
  if (o.outside_scale && o.outside_ns == 0) {
    throw UsageError("--outside-scale scales --outside-ns, which is 0; give --outside-ns too");
  }
  const bool pingpong = o.workload == Workload::pingpong;
  const bool queue = o.workload == Workload::queue;
  const bool pairs = o.workload == Workload::pairs;
  if (queue || pairs) check_capacity(o);
  // --rate: every offered load is run for every shape; 0 alone is the closed loop.
  const std::vector<int> rates =
      o.rate_given ? parse_int_list("--rate", o.rate, 1, 1'000'000'000) : std::vector<int>{0};
  const std::string workers_text =
      !o.workers.empty() ? o.workers : std::string(pingpong ? kDefaultPingpongWorkers : kDefaultWorkers);
  // A queue's shapes: its worker counts are producers + consumers.
  const std::vector<QueueShape> shapes = queue ? queue_shapes(o) : std::vector<QueueShape>{};
  std::vector<int> workers;
  if (queue) {
    for (QueueShape s : shapes) workers.push_back(s.producers + s.consumers);
  } else {
    workers = parse_int_list("--workers", workers_text, 1, kMaxWorkers);
  }
  if (pingpong) {
    for (int w : workers) {
      if (w % 2 != 0) {
        throw UsageError(fmt::format("--workers: pingpong runs workers in pairs, so each count must be even "
                                     "(e.g. 2,4,8), not {}",
                                     w));
      }
    }
  }
  const std::int64_t duration_ns = o.operations > 0 ? 0 : parse_duration_ns("--duration", o.duration);
  if (o.operations == 0 && duration_ns < 1'000'000) {
    throw UsageError(fmt::format("--duration: '{}' is too short; expected at least 1ms", o.duration));
  }
  const std::int64_t warmup_ns = parse_duration_ns("--warmup", o.warmup);
  const std::int64_t timeout_ns = o.timeout.empty() ? 0 : parse_duration_ns("--timeout", o.timeout);
  if (!o.timeout.empty() && timeout_ns < 10'000'000) {
    throw UsageError(fmt::format("--timeout: '{}' is too short; expected at least 10ms", o.timeout));
  }
  const int max_workers = *std::max_element(workers.begin(), workers.end());
  if (queue) {
    const int max_producers =
        std::max_element(shapes.begin(), shapes.end(), [](QueueShape a, QueueShape b) { return a.producers < b.producers; })
            ->producers;
    if (o.operations > 0 && o.operations < static_cast<std::uint64_t>(max_producers)) {
      throw UsageError(fmt::format("--ops: {} items are fewer than the {} producers asked for; each producer "
                                   "needs at least one",
                                   o.operations, max_producers));
    }
  } else if (o.operations > 0 && o.operations < static_cast<std::uint64_t>(max_workers)) {
    throw UsageError(fmt::format("--ops: {} is fewer than the {} workers asked for; each worker needs at "
                                 "least one operation",
                                 o.operations, max_workers));
  }

  std::vector<Mode> modes;
  if (o.mode != ModeChoice::processes) modes.push_back(Mode::threads);
  if (o.mode != ModeChoice::threads) modes.push_back(Mode::processes);

  std::vector<const RegistryEntry*> chosen;
  const bool all = o.primitives == "all";
  if (all) {
    chosen = registry.visible(family, false);
  } else {
    for (const std::string& name : parse_name_list("--primitive", o.primitives)) {
      const RegistryEntry* e = registry.find(name);
      if (e == nullptr) {
        throw UsageError(fmt::format("--primitive: unknown primitive '{}'; {} primitives are: {} (or 'all')",
                                     name, workload_name, family_names(registry, family)));
      }
      if (e->info.family != family) {
        throw UsageError(fmt::format("--primitive: '{}' is a {}, not a {}; {} primitives are: {}", name,
                                     to_string(e->info.family), workload_name, workload_name,
                                     family_names(registry, family)));
      }
      // With --mode both it runs on threads only, with a note (below); processes alone cannot.
      if (!e->info.process_shared && o.mode == ModeChoice::processes) {
        throw UsageError(fmt::format("--primitive: '{}' cannot live in shared memory across processes, so "
                                     "--mode processes cannot measure it; use --mode threads or both, or "
                                     "one of: {}",
                                     name, shareable_names(registry, family)));
      }
      if (e->info.max_permits != 0 && o.permits > e->info.max_permits) {
        throw UsageError(fmt::format("--permits: '{}' holds at most {} permit(s), not {}; use --permits {}",
                                     name, e->info.max_permits, o.permits, e->info.max_permits));
      }
      if ((queue || pairs) && o.wait == QueueWait::block && !e->info.blocking) {
        throw UsageError(fmt::format("--wait block: '{}' has no blocking push and pop; use --wait spin or yield, "
                                     "or one of: {}",
                                     name, blocking_names(registry)));
      }
      if (pairs && e->info.single_producer_single_consumer) {
        throw UsageError(fmt::format("--primitive: '{}' allows one producer and one consumer, and every pairs "
                                     "worker is both; use the queue workload with --producers 1 --consumers 1",
                                     name));
      }
      if (queue && e->info.single_producer_single_consumer &&
          std::any_of(shapes.begin(), shapes.end(), [](QueueShape s) { return s.producers != 1 || s.consumers != 1; })) {
        throw UsageError(fmt::format("--producers/--consumers: '{}' allows one producer and one consumer only; "
                                     "use --producers 1 --consumers 1",
                                     name));
      }
      chosen.push_back(e);
    }
  }
  // --mode both runs a private primitive on threads only; with no shareable one chosen at all,
  // "both" would quietly mean "threads", so it is refused instead.
  if (o.mode == ModeChoice::both &&
      std::none_of(chosen.begin(), chosen.end(), [](const RegistryEntry* e) { return e->info.process_shared; })) {
    throw UsageError(fmt::format("--mode both: none of the chosen {} primitives can live in shared memory "
                                 "across processes; use --mode threads, or add one of: {}",
                                 workload_name, shareable_names(registry, family)));
  }

  RunSpec base;
  base.workload = o.workload;
  base.duration_ns = duration_ns;
  base.operations = o.operations;
  base.warmup_ns = warmup_ns;
  base.cs_ns = o.cs_ns;
  base.outside_ns = o.outside_ns;
  base.outside_scales = o.outside_scale;
  base.cs_lines = o.cs_lines;
  base.permits = o.permits;
  base.read_percent = o.read_percent;
  if (queue || pairs) {
    base.capacity = o.capacity;
    base.wait = o.wait;
    base.consume_ns = o.consume_ns;
  }
  base.pin = o.pin;
  base.sample_every = o.sample_every;
  base.seed = o.seed;
  base.timeout_ns = timeout_ns;
  base.repetitions = o.repetitions;
  for (const RegistryEntry* e : chosen) {
    if (o.workload == Workload::semaphore && e->info.max_permits != 0 && o.permits > e->info.max_permits) {
      out.notes.push_back(fmt::format("{} holds at most {} permit(s): left out at --permits {}", e->info.name,
                                      e->info.max_permits, o.permits));
      continue;
    }
    for (Mode mode : modes) {
      if (mode == Mode::processes && !e->info.process_shared) {
        out.notes.push_back(fmt::format("{} is not process-shared: measured on threads only", e->info.name));
        continue;
      }
      for (std::size_t i = 0; i < workers.size(); ++i) {
        RunSpec spec = base;
        spec.primitive = e->info.name;
        spec.mode = mode;
        spec.workers = workers[i];
        if (queue || pairs) {
          // Only with `all`: a named queue that cannot run a shape was refused above.
          const std::string misfit =
              queue_misfit(e->info, o, queue ? shapes[i] : QueueShape{workers[i], workers[i]});
          if (!misfit.empty()) {
            const std::string note = misfit + ": left out of those runs";
            if (std::find(out.notes.begin(), out.notes.end(), note) == out.notes.end()) out.notes.push_back(note);
            continue;
          }
        }
        if (queue) spec.producers = shapes[i].producers;
        for (int rate : rates) {
          spec.rate = static_cast<std::uint64_t>(rate);
          out.plan.configs.push_back(spec);
        }
      }
    }
  }
  if (out.plan.configs.empty() && (queue || pairs)) {
    std::string why;
    for (const std::string& note : out.notes) why += (why.empty() ? "" : "; ") + note;
    throw UsageError(fmt::format("--primitive: no chosen queue can run these options ({})", why));
  }
  if (out.plan.configs.empty()) {
    throw UsageError(fmt::format("--mode processes: none of the chosen {} primitives is process-shared; "
                                 "process-shared ones are: {}",
                                 workload_name, shareable_names(registry, family)));
  }
  return out;
}

void prepare_out_dir(const std::string& out_dir) {
  namespace fs = std::filesystem;
  const fs::path dir(out_dir);
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    throw UsageError(fmt::format("--out: '{}' exists and is not a directory", out_dir));
  }
  fs::create_directories(dir, ec);
  if (ec) {
    throw UsageError(fmt::format("--out: cannot create directory '{}': {}", out_dir, ec.message()));
  }
  const fs::path probe = dir / fmt::format(".contend-probe-{}", getpid());
  {
    std::ofstream f(probe);
    if (!f) {
      throw UsageError(fmt::format("--out: cannot write in '{}': {}", out_dir, std::strerror(errno)));
    }
  }
  fs::remove(probe, ec);
}

}  // namespace contend::cli
