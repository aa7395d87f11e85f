#include "reports/stress_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "reports/table.hpp"
#include "workloads/model/check_names.hpp"

namespace contend {
namespace {

std::uint64_t operations_checked(const ConfigResult& config) {
  std::uint64_t ops = 0;
  for (const Repetition& r : config.repetitions) ops += r.operations();
  return ops;
}

// Jain's index of the least fair measured repetition, or nothing.
std::optional<double> worst_jain(const ConfigResult& config) {
  std::optional<double> worst;
  for (const Repetition& r : config.repetitions) {
    if (!r.measured() || r.operations() == 0) continue;
    const double j = r.jain_fairness();
    if (!worst || j < *worst) worst = j;
  }
  return worst;
}

std::string worst_wait(const ConfigResult& config) {
  const Histogram h = config.merged_latency();
  return h.total_count() > 0 ? format_latency_ns(static_cast<double>(h.max())) : std::string("not timed");
}

// ", overtakes p99.9 1 (max 983)": the worst repetition's, for the workloads that count them.
std::string overtakes_text(const ConfigResult& config) {
  std::uint64_t p999 = 0;
  std::uint64_t max = 0;
  bool any = false;
  for (const Repetition& r : config.repetitions) {
    if (!r.measured() || r.overtakes.total_count() == 0) continue;
    any = true;
    p999 = std::max(p999, r.overtakes.value_at_percentile(99.9));
    max = std::max(max, r.overtakes.max());
  }
  return any ? fmt::format(", overtakes p99.9 {} (max {})", p999, max) : std::string();
}

// "; 12 faults injected, 12 recovered: next entry p50 1.2ms, p99 3.4ms (worst repetition)" for
// `--fault`, or empty.
std::string faults_text(const ConfigResult& config) {
  std::uint64_t injected = 0;
  std::uint64_t recovered = 0;
  std::uint64_t p50 = 0;
  std::uint64_t p99 = 0;
  for (const Repetition& r : config.repetitions) {
    injected += r.faults_injected;
    recovered += r.recovery.total_count();
    if (r.recovery.total_count() == 0) continue;
    p50 = std::max(p50, r.recovery.value_at_percentile(50));
    p99 = std::max(p99, r.recovery.value_at_percentile(99));
  }
  if (injected == 0) return {};
  if (config.spec.fault.kind == FaultKind::pause_holder) return fmt::format("; {} holders paused", injected);
  if (config.spec.fault.kind == FaultKind::terminate_holder) {
    // The ended session's locks are free at once: the next entry is another worker's, while the
    // holder is still inside (what the exclusion check then says), unless the lock outlives it.
    std::string text = fmt::format("; {} holders' sessions ended by the server", injected);
    if (recovered > 0) {
      text += fmt::format(" (to the next entry p50 {}, p99 {})", format_latency_ns(static_cast<double>(p50)),
                          format_latency_ns(static_cast<double>(p99)));
    }
    return text;
  }
  // A queue's holder is a consumer with unacked messages; it recovers when they come back.
  const bool queue = config.spec.workload == Workload::queue;
  std::string text = fmt::format("; {} {} killed, {} recovered", injected, queue ? "consumers" : "holders", recovered);
  if (recovered > 0) {
    text += fmt::format(" (kill to {} p50 {}, p99 {})", queue ? "first redelivery" : "next entry",
                        format_latency_ns(static_cast<double>(p50)), format_latency_ns(static_cast<double>(p99)));
  }
  return text;
}

std::string count_text(std::uint64_t n) {
  if (n >= 10'000'000) return fmt::format("{:.1f}M", static_cast<double>(n) / 1e6);
  if (n >= 100'000) return fmt::format("{:.0f}k", static_cast<double>(n) / 1e3);
  return fmt::format("{}", n);
}

// The one-line summary after the verdict.
std::string summary_text(const ConfigResult& config) {
  const std::string_view verdict = stress_verdict(config);
  const std::uint64_t ops = operations_checked(config);
  if (verdict == "pass") {
    const auto jain = worst_jain(config);
    return fmt::format("no violation in {} operations; fairness {}, worst wait {}{}{}", count_text(ops),
                       jain ? fmt::format("{:.3f}", *jain) : std::string("—"), worst_wait(config),
                       overtakes_text(config), faults_text(config));
  }
  if (verdict == "inconclusive") {
    const std::uint64_t fewest = fewest_operations_per_worker(config);
    std::string how = "run longer (-d) or with more --ops";
    // At the pace it went, how long would have been enough (a run bounded by time only).
    const std::int64_t duration_ns = config.spec.duration_ns;
    if (duration_ns > 0 && fewest > 0) {
      const double factor = static_cast<double>(kStressOperationsPerWorker) / static_cast<double>(fewest);
      const double needed_s = std::ceil(factor * static_cast<double>(duration_ns) / 1e9);
      how = fmt::format("at this pace -d {:.0f}s would reach it", needed_s);
    }
    // What the faults did is evidence whatever the verdict.
    return fmt::format("no violation, but a worker did only {} operations ({} in all); a pass needs {} per worker: {}{}",
                       fewest, count_text(ops), kStressOperationsPerWorker, how, faults_text(config));
  }
  // A fault that provoked the violation is part of its story (terminate-holder's exclusion loss).
  if (verdict == "violation") return config.status_text() + faults_text(config);
  return config.status_text();
}

// One line per failed check of the first repetition that failed, with where it first happened.
std::vector<std::string> failure_lines(const ConfigResult& config) {
  std::vector<std::string> lines;
  for (const Repetition& r : config.repetitions) {
    if (r.status == Status::ok) continue;
    for (const CheckResult& c : r.checks) {
      if (c.passed()) continue;
      std::string line = fmt::format("{}: {}", c.name, c.passed() ? "pass" : "violation");
      if (!c.passed() && c.checked > 0) line += fmt::format(", {} in {} checked", c.violations, count_text(c.checked));
      if (!c.passed() && c.first_worker >= 0 && c.name != check_name(CheckId::starvation)) {
        line += fmt::format("; first: worker {}, operation {}, at {:.6f} s", c.first_worker, c.first_operation,
                            c.first_s);
      }
      if (!c.note.empty() && c.name != check_name(CheckId::progress)) line += fmt::format(" ({})", c.note);
      lines.push_back(line);
    }
    break;
  }
  return lines;
}

// Notes on checks that could not run, once per configuration (from its first repetition).
std::vector<std::string> unchecked_notes(const ConfigResult& config) {
  std::vector<std::string> notes;
  if (config.repetitions.empty()) return notes;
  for (const CheckResult& c : config.repetitions.front().checks) {
    if (c.passed() && c.checked == 0 && !c.note.empty()) notes.push_back(fmt::format("{}: {}", c.name, c.note));
  }
  return notes;
}

}  // namespace

namespace {

// The checks that failed in the repetitions that did not pass.
std::vector<std::string_view> failed_checks(const ConfigResult& config) {
  std::vector<std::string_view> names;
  for (const Repetition& r : config.repetitions) {
    if (r.status == Status::ok) continue;
    for (const CheckResult& c : r.checks) {
      if (!c.passed() && std::find(names.begin(), names.end(), c.name) == names.end()) names.push_back(c.name);
    }
  }
  return names;
}

bool has(const std::vector<std::string_view>& names, CheckId id) {
  return std::find(names.begin(), names.end(), check_name(id)) != names.end();
}

// A violation or watchdog ending named by what failed: a safety check (exclusion, lost updates,
// permits, deliveries) says "violation" whatever else failed; a lost wake-up says so; only
// fairness checks failing is "starved" (a worker did nothing) or "unfair" (a bound exceeded).
std::string_view finding_verdict(const ConfigResult& config, std::string_view otherwise) {
  const std::vector<std::string_view> failed = failed_checks(config);
  bool safety = false;
  for (std::string_view name : failed) {
    safety = safety || (name != check_name(CheckId::starvation) && name != check_name(CheckId::bounded_waiting) &&
                        name != check_name(CheckId::fifo_wake) && name != check_name(CheckId::lost_wakeup) && name != check_name(CheckId::progress) &&
                        name != check_name(CheckId::deadlock));
  }
  if (has(failed, CheckId::deadlock)) return "deadlock";
  if (safety) return "violation";
  if (has(failed, CheckId::lost_wakeup)) return "lost wakeup";
  if (has(failed, CheckId::progress)) return otherwise;
  if (has(failed, CheckId::starvation)) return "starved";
  if (has(failed, CheckId::bounded_waiting) || has(failed, CheckId::fifo_wake)) return "unfair";
  return otherwise;
}

}  // namespace

std::uint64_t fewest_operations_per_worker(const ConfigResult& config) {
  std::vector<std::uint64_t> per_worker;
  for (const Repetition& r : config.repetitions) {
    if (!r.measured()) continue;
    if (per_worker.size() < r.workers.size()) per_worker.resize(r.workers.size(), 0);
    for (std::size_t w = 0; w < r.workers.size(); ++w) per_worker[w] += r.workers[w].operations;
  }
  return per_worker.empty() ? 0 : *std::min_element(per_worker.begin(), per_worker.end());
}

std::string_view stress_verdict(const ConfigResult& config) {
  if (config.repetitions.empty()) return "not run";
  switch (config.status()) {
    case Status::ok: return fewest_operations_per_worker(config) < kStressOperationsPerWorker ? "inconclusive" : "pass";
    case Status::violation: return finding_verdict(config, "violation");
    case Status::timeout: return finding_verdict(config, "hang");
    case Status::hang: return finding_verdict(config, "hang");
    case Status::crashed: return "crashed";
    case Status::error: return "error";
    case Status::interrupted: return "interrupted";
  }
  return "error";
}

// Once for the run: what the long-hold windows (RunControl::long_holds) took, and that the
// figures leave them out.
std::string long_holds_note(const Results& results) {
  double seconds = 0;
  std::uint64_t operations = 0;
  for (const ConfigResult& c : results.configs) {
    for (const Repetition& r : c.repetitions) {
      seconds += r.long_hold_s;
      operations += r.long_hold_operations;
    }
  }
  if (seconds <= 0) return {};
  return fmt::format("long holds: a lock whose critical section is under {} µs is held {} µs longer by {} workers "
                     "(the others sit out) from up to {} ms before each quiet period to its end, so that a wake its "
                     "unlock forgets strands a sleeper ({:.2f} s, {} operations in all); throughput and wait times "
                     "leave those windows out",
                     kLongHoldCsNs / 1000, kLongHoldCsNs / 1000, kLongHoldWorkers, kLongHoldWindowNs / 1'000'000,
                     seconds, count_text(operations));
}

bool any_inconclusive(const Results& results) {
  return std::any_of(results.configs.begin(), results.configs.end(),
                     [](const ConfigResult& c) { return stress_verdict(c) == "inconclusive"; });
}

std::string to_stress_table(const Results& results) {
  std::string out;
  std::size_t width = 13;
  for (const ConfigResult& c : results.configs) width = std::max(width, display_width(c.name()));
  int passed = 0;
  std::vector<std::string> notes;  // checks that could not run, once per primitive
  for (const ConfigResult& c : results.configs) {
    const std::string_view verdict = stress_verdict(c);
    if (verdict == "pass") ++passed;
    out += fmt::format("{:<{}}  {:<9}  {}\n", c.name(), width, verdict, summary_text(c));
    // A workload's events (a lease's overlaps and stale writes) are figures, whatever the verdict.
    if (const std::string events = events_text(c); !events.empty()) out += fmt::format("    events: {}\n", events);
    for (const std::string& note : unchecked_notes(c)) {
      const std::string line = fmt::format("{}: {}", c.spec.primitive, note);
      if (std::find(notes.begin(), notes.end(), line) == notes.end()) notes.push_back(line);
    }
    if (verdict == "pass" || verdict == "inconclusive") continue;
    for (const std::string& line : failure_lines(c)) out += fmt::format("    {}\n", line);
    if (!c.reproduce.empty()) out += fmt::format("    reproduce: {}\n", c.reproduce);
  }
  if (const std::string long_holds = long_holds_note(results); !long_holds.empty()) notes.push_back(long_holds);
  if (!notes.empty()) out += "\nnotes:\n";
  for (const std::string& note : notes) out += fmt::format("  {}\n", note);
  const auto inconclusive = std::count_if(results.configs.begin(), results.configs.end(),
                                          [](const ConfigResult& c) { return stress_verdict(c) == "inconclusive"; });
  out += fmt::format("\n{} of {} configurations passed every check{}{}\n", passed, results.configs.size(),
                     inconclusive > 0 ? fmt::format("; {} inconclusive (too few operations to vouch for)", inconclusive)
                                      : std::string(),
                     results.complete ? "" : " (interrupted: the rest did not run)");
  return out;
}

std::string to_stress_markdown(const Results& results) {
  std::string out = "| configuration | verdict | operations | fairness | worst wait | overtakes p99.9 (max) | detail |\n";
  out += "|---|---|---:|---:|---:|---:|---|\n";
  for (const ConfigResult& c : results.configs) {
    const auto jain = worst_jain(c);
    const std::string_view verdict = stress_verdict(c);
    std::string detail = verdict == "pass" ? std::string() : verdict == "inconclusive" ? summary_text(c) : c.status_text();
    for (char& ch : detail) {
      if (ch == '|') ch = '/';
    }
    const std::string overtakes = overtakes_text(c);  // ", overtakes p99.9 N (max M)" or empty
    out += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} |\n", c.name(), verdict, operations_checked(c),
                       jain ? fmt::format("{:.3f}", *jain) : std::string("—"), worst_wait(c),
                       overtakes.empty() ? std::string("—") : overtakes.substr(overtakes.find("p99.9 ") + 6), detail);
  }
  bool any_failed = false;
  for (const ConfigResult& c : results.configs) {
    if (stress_verdict(c) == "pass" || stress_verdict(c) == "inconclusive") continue;
    if (!any_failed) out += "\n## What failed\n";
    any_failed = true;
    out += fmt::format("\n### `{}`: {}\n\n", c.name(), stress_verdict(c));
    for (const std::string& line : failure_lines(c)) out += fmt::format("- {}\n", line);
    if (const std::string events = events_text(c); !events.empty()) out += fmt::format("- events: {}\n", events);
    if (!c.reproduce.empty()) out += fmt::format("\nReproduce:\n\n```sh\n{}\n```\n", c.reproduce);
  }
  return out;
}

}  // namespace contend
