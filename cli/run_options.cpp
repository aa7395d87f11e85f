#include "cli/run_options.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "cli/choice.hpp"
#include "cli/knob_values.hpp"
#include "cli/plugins.hpp"
#include "cli/suggest.hpp"
#include "cli/usage_error.hpp"

namespace contend::cli {

void KnobSettings::set(KnobId id, std::vector<KnobValue> values) {
  if (const std::optional<KnobId> other = knob(id).excludes) clear(*other);
  values_[index(id)] = std::move(values);
}

std::string workload_help() {
  std::string text = "What to measure: ";
  const auto all = workloads();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i > 0) text += i + 1 == all.size() ? " or " : ", ";
    text += all[i].name;
    if (!all[i].help.empty()) text += fmt::format(" ({})", all[i].help);
  }
  return text;
}

namespace {

// The help line of a knob: what it does, which workloads take it when not all, and its default
// for `run` or `stress` (and a workload's own, e.g. pingpong's one pair of workers).
std::string knob_help(const Knob& k, bool stress) {
  std::string text(k.help);
  // The workloads that take it, among those this subcommand runs, when not all of them.
  std::vector<Workload> takes;
  std::size_t runnable = 0;
  for (const WorkloadInfo& w : workloads()) {
    if (stress && !w.stress) continue;
    ++runnable;
    if (applies(k, w.workload)) takes.push_back(w.workload);
  }
  if (takes.size() < runnable) text += fmt::format(" ({})", workload_list(takes));
  const bool says_default = k.help.find("default:") != std::string_view::npos;
  if (k.kind == KnobKind::flag || says_default) return text;
  const std::vector<KnobValue> values = default_values(k, workloads_taking(k).front(), stress);
  if (k.zero_is_unset && values.size() == 1 && as_integer(values.front()) == 0) return text;
  // A names knob whose default is no name (--fault) has nothing to show.
  if (k.kind == KnobKind::names && values.size() == 1 && as_name(values.front()).empty()) return text;
  text += fmt::format(" [default: {}", knob_list_text(k, values));
  for (const WorkloadInfo& w : workloads()) {
    // Under stress a workload's own stress defaults, else its run defaults when the knob has no
    // stress default of its own (default_values' order).
    const auto& own_defaults = stress && (!w.stress_defaults.empty() || !k.stress_default.empty()) ? w.stress_defaults
                                                                                                   : w.defaults;
    for (const auto& [id, own] : own_defaults) {
      if (id == k.id && applies(k, w.workload) && (w.stress || !stress)) {
        text += fmt::format("; {}: {}", w.name, knob_list_text(k, own));
      }
    }
  }
  return text + "]";
}

// What the help shows after the option: "LIST", "DURATION", "threads|processes|both", "N".
std::string type_name(const Knob& k) {
  switch (k.kind) {
    case KnobKind::names: return "LIST";
    case KnobKind::duration: return "DURATION";
    case KnobKind::choice: {
      std::string names;
      for (std::string_view c : k.choices) names += (names.empty() ? "" : "|") + std::string(c);
      return names;
    }
    case KnobKind::count: return k.sweep ? "LIST" : "N";
    case KnobKind::fraction: return "J";
    case KnobKind::flag: return "";
  }
  return "";
}

}  // namespace

Option add_workload_option(Command& cmd, std::function<void(Workload)> take, const std::string& help, bool stress) {
  return cmd
      .text_option(
          "workload",
          [take = std::move(take), stress](const std::string& name) {
            const WorkloadInfo* info = find_workload(name);
            if (info == nullptr) {
              std::vector<std::string> names;
              for (const WorkloadInfo& w : workloads()) {
                if (!stress || w.stress) names.emplace_back(w.name);
              }
              throw UsageError(fmt::format("workload: '{}' is not a workload{}; expected one of {}", name,
                                           suggestion(name, names), fmt::join(names, ", ")));
            }
            take(info->workload);
          },
          help)
      .type_name("WORKLOAD");
}

void add_run_options(Command& cmd, RunOptions& o) {
  std::vector<std::pair<KnobId, Option>> bound;
  for (const Knob& k : knobs()) {
    if (k.stress_only && !o.stress) continue;
    const std::string help = knob_help(k, o.stress);
    if (k.kind == KnobKind::flag) {
      bound.emplace_back(k.id, cmd.flag(option_flags(k), [&o, id = k.id] { o.knobs.set(id, {std::int64_t{1}}); }, help));
      continue;
    }
    Option option = cmd.text_option(
        option_flags(k), [&o, &k](const std::string& text) { o.knobs.set(k.id, parse_knob_text(k, option_name(k), text)); },
        help);
    option.type_name(type_name(k));
    bound.emplace_back(k.id, option);
  }
  // --ops and --duration bound the same run, so only one of them may be given.
  for (auto& [id, option] : bound) {
    if (const std::optional<KnobId> other = knob(id).excludes) {
      for (const auto& [other_id, other_option] : bound) {
        if (other_id == *other) option.excludes(other_option);
      }
    }
  }
  cmd.option("--plugin", o.plugins, kPluginHelp).one_value_each().type_name("PATH");
  cmd.option("--redis", o.redis,
             "Redis servers for the backend primitives (redis-lock), HOST:PORT or a unix socket path, "
             "comma-separated (default: $CONTEND_REDIS, else the one scripts/servers.sh start redis runs)")
      .type_name("ADDRESSES");
  cmd.option("--pg", o.postgres,
             "PostgreSQL server for the backend primitives kept in a database (pg-for-update, pg-jobs, ...), a "
             "libpq connection string or postgresql:// URI (default: $CONTEND_PG, else the one scripts/servers.sh "
             "start postgres runs)")
      .type_name("CONNINFO");
  cmd.option("--amqp", o.amqp,
             "RabbitMQ broker for the queue kept in a broker (amqp-queue), an AMQP URL "
             "amqp://USER:PASSWORD@HOST:PORT/VHOST (default: $CONTEND_AMQP, else the one scripts/servers.sh start "
             "rabbitmq runs)")
      .type_name("URL");
  cmd.option("-o,--out", o.out_dir, "Write results.csv, results.json and .hgrm files to this directory");
  add_choice<OutputFormat>(cmd, "--format", o.format,
                           {{"table", OutputFormat::table},
                            {"csv", OutputFormat::csv},
                            {"json", OutputFormat::json},
                            {"markdown", OutputFormat::markdown}},
                           "What to print on stdout: table, csv, json or markdown");
}

void set_option(RunOptions& o, std::string_view knob_name, std::string_view text) {
  const Knob* k = find_knob(knob_name);
  if (k == nullptr) throw UsageError(fmt::format("no option --{}", knob_name));
  o.knobs.set(k->id, k->kind == KnobKind::flag ? parse_knob_text(*k, option_name(*k), text.empty() ? "true" : text)
                                               : parse_knob_text(*k, option_name(*k), text));
}

void prepare_out_file(const std::string& file) {
  namespace fs = std::filesystem;
  const fs::path path(file);
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw UsageError(fmt::format("--out: '{}' is a directory; give the file to write, e.g. {}/report.html", file, file));
  }
  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  // The same rules as a results directory: missing parents are made, and the place must take a file.
  prepare_out_dir(parent.string());
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
