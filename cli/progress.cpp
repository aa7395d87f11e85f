#include "cli/progress.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <iostream>

namespace contend::cli {

PlanEstimate estimate(const std::vector<RunSpec>& configs, int copies) {
  PlanEstimate e;
  for (const RunSpec& spec : configs) {
    const int reps = spec.repetitions * copies;
    e.repetitions += reps;
    if (spec.duration_ns == 0) {
      e.bounded_by_operations += reps;
      continue;
    }
    e.time += reps * (std::chrono::nanoseconds(spec.warmup_ns + spec.duration_ns) + kRepetitionOverhead);
  }
  return e;
}

std::string duration_text(std::chrono::nanoseconds d) {
  using namespace std::chrono;
  const auto s = duration_cast<seconds>(d + milliseconds(500)).count();
  if (s >= 3600) return fmt::format("{} h {:02} min", s / 3600, (s % 3600) / 60);
  if (s >= 60) return fmt::format("{} min {:02} s", s / 60, s % 60);
  return fmt::format("{} s", s);
}

std::string estimate_line(const PlanEstimate& e, std::chrono::seconds quiet_below) {
  if (e.time < quiet_below) return {};
  std::string line = fmt::format("{} {} for {} repetitions", e.bounded_by_operations > 0 ? "at least" : "about",
                                 duration_text(e.time), e.repetitions);
  if (e.bounded_by_operations > 0) {
    line += fmt::format(" ({} bounded by --ops, whose time is not known ahead)", e.bounded_by_operations);
  }
  return line;
}

ProgressCallback progress_printer(std::string_view label) {
  if (!isatty(STDERR_FILENO)) return {};
  const auto start = std::chrono::steady_clock::now();
  return [label = std::string(label), start](const Progress& p) {
    if (p.spec == nullptr) {
      std::cerr << "\r\033[K" << std::flush;
      return;
    }
    constexpr int kWidth = 20;
    const int filled = p.total > 0 ? p.done * kWidth / p.total : 0;
    const auto elapsed = std::chrono::steady_clock::now() - start;
    std::string line = fmt::format("\r\033[K[{}{}] {}/{}  {} elapsed", std::string(filled, '#'),
                                   std::string(kWidth - filled, '-'), p.done, p.total, duration_text(elapsed));
    // The time left at the pace so far: what the finished repetitions took, per repetition.
    if (p.done > 0) line += fmt::format(", about {} left", duration_text(elapsed * (p.total - p.done) / p.done));
    line += fmt::format("  {}{}", label, config_name(*p.spec));
    if (p.spec->repetitions > 1) line += fmt::format(" (rep {}/{})", p.repetition + 1, p.spec->repetitions);
    std::cerr << line << std::flush;
  };
}

}  // namespace contend::cli
