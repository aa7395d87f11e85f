// `contend micro`: Google Benchmark micro-benchmarks of each primitive's operations, uncontended
// and contended, shown as Google Benchmark shows them and kept as contend results.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <future>
#include <iostream>
#include <map>
#include <sstream>
#include <streambuf>
#include <string_view>
#include <thread>

#include "cli/choice.hpp"
#include "cli/commands.hpp"
#include "cli/plugins.hpp"
#include "cli/micro_reporter.hpp"
#include "cli/parse.hpp"
#include "cli/suggest.hpp"
#include "cli/usage_error.hpp"
#include "reports/output_files.hpp"
#include "workloads/environment.hpp"
#include "workloads/executor.hpp"

namespace contend::cli {

void setup_micro(Command& app, MicroOptions& o) {
  Command cmd = app.subcommand("micro", "Google Benchmark micro-benchmarks of lock, semaphore and rw operations");
  cmd.option("-p,--primitive", o.primitives, "Primitives, comma-separated, or 'all' (see `contend list`)");
  cmd.option("--plugin", o.plugins,
             "Also measure the locks and semaphores of this plugin (a shared library, see "
             "primitives/include/contend/plugin.h); repeatable")
      .one_value_each()
      .type_name("PATH");
  add_choice<std::optional<Family>>(cmd, "--family", o.family,
                                    {{"lock", Family::lock}, {"semaphore", Family::semaphore}, {"rw", Family::rw}},
                                    "Only this family: lock, semaphore or rw");
  cmd.option("--threads-max", o.threads_max,
             "Threads of the contended cases: 1, 2, 4, ... up to N (default: twice the hardware threads)")
      .range(1, kMaxWorkers)
      .default_text("");
  cmd.option("-o,--out", o.out_dir, "Write results.csv and results.json to this directory");
  add_choice<std::optional<OutputFormat>>(cmd, "--format", o.format,
                                          {{"table", OutputFormat::table},
                                           {"csv", OutputFormat::csv},
                                           {"json", OutputFormat::json},
                                           {"markdown", OutputFormat::markdown}},
                                          "Also print contend's table, csv, json or markdown on stdout, after "
                                          "Google Benchmark's own output");
  // Everything else is left for Google Benchmark; run_micro() accepts only its --benchmark_* flags.
  cmd.allow_extras();
  cmd.footer(
      "Google Benchmark times every case; its own flags pass through, written --benchmark_NAME=VALUE:\n"
      "--benchmark_filter, --benchmark_repetitions, --benchmark_min_time (seconds, e.g. 0.1),\n"
      "--benchmark_format, --benchmark_out, --benchmark_out_format, --benchmark_list_tests, ...\n"
      "Cases: lock: lock_unlock, try_lock, contended; semaphore (1 permit): acquire_release,\n"
      "try_acquire, contended; rw: lock_shared_unlock_shared, lock_unlock, contended_shared.\n"
      "Google Benchmark names them micro/FAMILY/PRIMITIVE/CASE (contended ones end in\n"
      "/real_time/threads:N); contend's files name them micro/FAMILY/PRIMITIVE/CASE[/threads:N],\n"
      "with one repetition per Google Benchmark repetition and no latency (none is timed alone).\n"
      "A --plugin's locks and semaphores get the same cases, by their own names, and 'all' includes them.\n\n"
      "Examples:\n"
      "  contend micro -p std-mutex,ttas-backoff\n"
      "  contend micro --family semaphore --threads-max 4 --benchmark_repetitions=5 -o results/micro\n"
      "  contend micro -p hybrid --benchmark_filter=contended --benchmark_min_time=0.1\n"
      "  contend micro --plugin ./libmylock.so -p my-lock,ttas\n"
      "  contend micro --family rw --format table\n"
      "  contend micro --benchmark_list_tests=true");
}

namespace {

// What `all` means: the visible primitives that have micro cases (of --family's, when given).
bool in_all(const RegistryEntry& e, const std::optional<Family>& family) {
  return !e.info.hidden && e.micro && (!family || e.info.family == *family);
}

std::string micro_names(const Registry& registry, const std::optional<Family>& family) {
  std::string names;
  for (const RegistryEntry& e : registry.entries()) {
    if (!in_all(e, family)) continue;
    if (!names.empty()) names += ", ";
    names += e.info.name;
  }
  return names;
}

std::vector<const RegistryEntry*> choose_primitives(const MicroOptions& o, const Registry& registry) {
  std::vector<const RegistryEntry*> chosen;
  if (o.primitives == "all") {
    for (const RegistryEntry& e : registry.entries()) {
      if (in_all(e, o.family)) chosen.push_back(&e);
    }
    return chosen;
  }
  for (const std::string& name : parse_name_list("--primitive", o.primitives)) {
    const RegistryEntry* e = registry.find(name);
    if (e == nullptr) {
      std::vector<std::string> names;
      for (const RegistryEntry& entry : registry.entries()) names.push_back(entry.info.name);
      throw UsageError(fmt::format("--primitive: unknown primitive '{}'{}; micro measures: {} (or 'all')", name,
                                   suggestion(name, names), micro_names(registry, o.family)));
    }
    if (!e->micro) {
      throw UsageError(fmt::format("--primitive: '{}' is a {} primitive; micro measures lock, semaphore and rw "
                                   "primitives (use `contend run {}` for it)",
                                   name, to_string(e->info.family), to_string(e->info.family)));
    }
    if (o.family && e->info.family != *o.family) {
      throw UsageError(fmt::format("--primitive: '{}' is a {}, not a {} as --family asks", name,
                                   to_string(e->info.family), to_string(*o.family)));
    }
    // Micro benchmarks run in contend's own process with no watchdog: broken-hang would hang
    // it and broken-crash would kill it, which proves nothing about them.
    if (e->info.hidden) {
      throw UsageError(fmt::format("--primitive: '{}' is a planted bug; micro runs it in contend's own process "
                                   "with no watchdog, so measure it with `contend run` instead",
                                   name));
    }
    chosen.push_back(e);
  }
  return chosen;
}

// 1, 2, 4, ... below `max`, then `max` itself.
std::vector<int> thread_counts(int max) {
  std::vector<int> counts;
  for (int t = 1; t < max; t *= 2) counts.push_back(t);
  counts.push_back(max);
  return counts;
}

int default_threads_max() {
  const int hardware = static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(2 * std::max(hardware, 1), 1, kMaxWorkers);
}

// "--benchmark_out=x" -> "benchmark_out"; the value -> "x", or nothing without '='.
std::string_view flag_name(std::string_view arg) {
  arg.remove_prefix(2);
  return arg.substr(0, arg.find('='));
}

std::optional<std::string_view> flag_value(std::string_view arg) {
  const auto eq = arg.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  return arg.substr(eq + 1);
}

// The whole of `text` as a number, or nothing.
std::optional<double> parse_number(std::string_view text) {
  const std::string s(text);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

// Google Benchmark's reading of a boolean flag: given without a value it is true; "0", "f",
// "n", "false", "no" and "off" (any case) are false.
bool flag_is_true(std::string_view arg) {
  const auto value = flag_value(arg);
  if (!value || value->empty()) return true;
  std::string lower(*value);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return !(lower == "0" || lower == "f" || lower == "n" || lower == "false" || lower == "no" || lower == "off");
}

// Splits what CLI11 left over into Google Benchmark's flags and checks the ones whose bad values
// Google Benchmark would answer with its help text and exit code 0, or that would hide from
// contend the runs it is asked to keep.
std::vector<std::string> benchmark_flags(const std::vector<std::string>& extras, const MicroOptions& o) {
  std::vector<std::string> flags;
  for (const std::string& arg : extras) {
    if (!arg.starts_with("--benchmark_")) {
      if (!flags.empty() && !flag_value(flags.back())) {
        throw UsageError(fmt::format("micro: unexpected argument '{}'; Google Benchmark takes a flag's value "
                                     "after '=', as in {}={}",
                                     arg, flags.back(), arg));
      }
      throw UsageError(fmt::format("micro: unexpected argument '{}'; micro takes -p, --family, --plugin, --threads-max, "
                                   "-o, --format and Google Benchmark's --benchmark_NAME=VALUE flags",
                                   arg));
    }
    const std::string_view name = flag_name(arg);
    const auto value = flag_value(arg);
    const auto one_of = [&](std::initializer_list<std::string_view> allowed) {
      if (!value) return;  // Google Benchmark does not take it without a value: reported below
      if (std::find(allowed.begin(), allowed.end(), *value) != allowed.end()) return;
      std::string names;
      for (std::string_view a : allowed) names += fmt::format("{}{}", names.empty() ? "" : ", ", a);
      throw UsageError(fmt::format("--{}: '{}' is not one of {}", name, *value, names));
    };
    if (name == "benchmark_format") one_of({"console", "json", "csv"});
    if (name == "benchmark_out_format") one_of({"json", "console", "csv"});
    if (name == "benchmark_time_unit") one_of({"ns", "us", "ms", "s"});
    // Google Benchmark 1.7.1 runs nothing at 0 repetitions, fails inside at fewer, and runs a
    // single iteration at a minimum time of 0 or less. (A value that is not a number at all
    // is left to its own message.)
    const auto number = value ? parse_number(*value) : std::nullopt;
    if (name == "benchmark_repetitions" && number && *number < 1) {
      throw UsageError(fmt::format("--benchmark_repetitions: '{}' is too few; expected at least 1", *value));
    }
    if (name == "benchmark_min_time" && number && *number <= 0) {
      throw UsageError(fmt::format("--benchmark_min_time: '{}' is too short; expected seconds above 0, e.g. 0.1",
                                   *value));
    }
    const bool aggregates_only = name == "benchmark_report_aggregates_only" ||
                                 name == "benchmark_display_aggregates_only";
    if (aggregates_only && flag_is_true(arg) && (!o.out_dir.empty() || o.format)) {
      throw UsageError(fmt::format("--{} keeps the repetitions that -o and --format are made of from contend; "
                                   "drop one or the other (contend's JSON has the aggregates too)",
                                   name));
    }
    flags.push_back(arg);
  }
  // NO_COLOR (no-color.org): any non-empty value turns colour off, unless a flag says otherwise.
  const char* no_color = std::getenv("NO_COLOR");
  const bool color_given = std::any_of(flags.begin(), flags.end(),
                                       [](const std::string& f) { return flag_name(f) == "benchmark_color"; });
  if (no_color != nullptr && no_color[0] != '\0' && !color_given) flags.emplace_back("--benchmark_color=false");
  return flags;
}

// Hands the flags to Google Benchmark, which removes those it knows; anything left over is a
// flag it does not know or a value it could not read.
void initialize_google_benchmark(std::vector<std::string> flags) {
  // Static: Google Benchmark keeps argv[0] and prints it in its context header later, after
  // this function has returned.
  static char program[] = "contend";
  std::vector<char*> argv{program};
  for (std::string& f : flags) argv.push_back(f.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(argv.size()) - 1;
  // Google Benchmark explains a value it cannot read on std::cerr; that explanation goes into
  // contend's one line instead.
  std::ostringstream explanation;
  std::streambuf* const cerr_buffer = std::cerr.rdbuf(explanation.rdbuf());
  benchmark::Initialize(&argc, argv.data());
  std::cerr.rdbuf(cerr_buffer);
  if (argc > 1) {
    std::string unknown;
    for (int i = 1; i < argc; ++i) unknown += fmt::format("{}'{}'", unknown.empty() ? "" : ", ", argv[i]);
    std::string why = explanation.str();
    why = why.substr(0, why.find('\n'));
    throw UsageError(why.empty() ? fmt::format("Google Benchmark does not accept {} (its flags are "
                                               "--benchmark_NAME=VALUE; see 'contend micro --help')",
                                               unknown)
                                 : fmt::format("Google Benchmark does not accept {}: {}", unknown, why));
  }
  std::cerr << explanation.str();
}

// glibc's mutexes skip their atomic instructions while the process has a single thread (about
// 4 ns instead of 14 ns per std-mutex lock+unlock here): a state no program that needs a lock is
// in, and one the uncontended cases would see only until the first contended case starts a
// thread. A thread that waits out the whole run puts every case in the same, realistic state,
// as scripts/bench/gbench_baseline.cpp does.
class WaitingThread {
 public:
  WaitingThread() : thread_([done = done_.get_future()] { done.wait(); }) {}
  ~WaitingThread() {
    done_.set_value();
    thread_.join();
  }
  WaitingThread(const WaitingThread&) = delete;
  WaitingThread& operator=(const WaitingThread&) = delete;

 private:
  std::promise<void> done_;  // before thread_, which waits on it
  std::thread thread_;
};

// Debian builds libbenchmark without NDEBUG, so its console context says "***WARNING***
// Library was built as DEBUG. Timings may be affected." The timed loop (`for (auto _ : state)`)
// is a header template compiled into contend, Release; only the library's bookkeeping between
// batches of iterations (starting and stopping the timer, sizing the next batch) runs
// unoptimized, a few times per batch, not per iteration. This
// stream passes the console through and puts that explanation in place of the warning.
class DebugWarningExplained final : public std::streambuf {
 public:
  explicit DebugWarningExplained(std::ostream& out) : out_(out), stream_(this) {}
  ~DebugWarningExplained() override { flush_line(); }
  DebugWarningExplained(const DebugWarningExplained&) = delete;
  DebugWarningExplained& operator=(const DebugWarningExplained&) = delete;
  std::ostream& stream() { return stream_; }

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    line_ += static_cast<char>(c);
    if (c == '\n') flush_line();
    return c;
  }
  int sync() override {
    flush_line();
    out_.flush();
    return 0;
  }

 private:
  void flush_line() {
    if (line_.rfind("***WARNING*** Library was built as DEBUG", 0) == 0) {
      line_ =
          "note: Google Benchmark's library is Debian's debug build; the timed loop is contend's own code, built "
          "Release, and only the library's bookkeeping between batches (the timer's start and stop, the next batch's "
          "size) runs unoptimized\n";
    }
    out_ << line_;
    line_.clear();
  }

  std::ostream& out_;
  std::ostream stream_;
  std::string line_;
};

}  // namespace

int run_micro(const MicroOptions& o) {
  const std::vector<std::string> flags = benchmark_flags(o.benchmark_args, o);
  const Registry registry = registry_with_plugins(o.plugins);
  const std::vector<const RegistryEntry*> primitives = choose_primitives(o, registry);
  const int threads_max = o.threads_max > 0 ? o.threads_max : default_threads_max();
  initialize_google_benchmark(flags);
  if (!o.out_dir.empty()) prepare_out_dir(o.out_dir);

  MicroBenchmarks benchmarks;
  for (const RegistryEntry* e : primitives) e->micro(benchmarks, thread_counts(threads_max));
  benchmark::BenchmarkReporter& display = *benchmark::CreateDefaultDisplayReporter();
  // The context header, the warning among it, goes to the display's error stream (stderr).
  DebugWarningExplained explained(std::cerr);
  display.SetErrorStream(&explained.stream());
  MicroReporter reporter(display, benchmarks);
  std::size_t matched = 0;
  {
    const WaitingThread beside;
    matched = benchmark::RunSpecifiedBenchmarks(&reporter);
  }
  benchmark::Shutdown();
  // Google Benchmark has said, in one line, that --benchmark_filter matched nothing.
  if (matched == 0) return kExitUsage;
  Results results;
  results.command_line = o.command_line;
  results.configs = reporter.configs();
  // Nothing was kept when Google Benchmark only listed the benchmarks (--benchmark_list_tests),
  // or reported only aggregates with neither -o nor --format asking for more.
  if (results.configs.empty() || (o.out_dir.empty() && !o.format)) return exit_code_for(results);

  results.environment = collect_environment(calibrate());
  if (!o.out_dir.empty()) {
    write_results_dir(o.out_dir, results);
    std::cerr << "note: no .hgrm files: Google Benchmark times no single operation, so micro has no latency "
                 "histogram\n";
  }
  if (o.format) std::cout << '\n' << render_results(*o.format, results) << std::flush;
  return exit_code_for(results);
}

}  // namespace contend::cli
