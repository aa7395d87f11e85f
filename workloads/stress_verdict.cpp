#include "workloads/stress_verdict.hpp"

#include <fmt/format.h>

#include <atomic>
#include <vector>

#include "workloads/model/check_names.hpp"

namespace contend {

std::string seconds_text(std::int64_t ns) {
  return fmt::format("{:g} s", static_cast<double>(ns) / 1e9);
}

bool StallWatch::stalled(std::int64_t now) {
  if (spec_.stall_ns <= 0) return false;
  std::uint64_t snapshot = 0;
  bool all_done = true;
  for (int w = 0; w < spec_.workers; ++w) {
    const WorkerSlot& s = slots_[w];
    const WorkerPhase phase = s.phase.load(std::memory_order_relaxed);
    all_done = all_done && phase == WorkerPhase::done;
    // Any change of any of them changes the sum (the weights keep a phase step from
    // cancelling a progress step).
    snapshot += s.progress.load(std::memory_order_relaxed) * 0x9e3779b97f4a7c15ULL +
                static_cast<std::uint64_t>(phase) * 0x100000001b3ULL +
                static_cast<std::uint64_t>(s.activity.load(std::memory_order_relaxed)) * 0xc2b2ae3d27d4eb4fULL +
                static_cast<std::uint64_t>(w);
  }
  if (snapshot != last_snapshot_ || all_done) {
    last_snapshot_ = snapshot;
    last_change_ns_ = now;
    return false;
  }
  return now - last_change_ns_ >= spec_.stall_ns;
}
std::string StallWatch::report() const {
  std::string text = fmt::format("no progress for {}", seconds_text(spec_.stall_ns));
  constexpr int kListed = 8;
  for (int w = 0; w < spec_.workers && w < kListed; ++w) {
    const WorkerSlot& s = slots_[w];
    const WorkerPhase phase = s.phase.load(std::memory_order_relaxed);
    const char* where = "";
    switch (s.activity.load(std::memory_order_relaxed)) {
      case WorkerActivity::waiting: where = "waiting to acquire"; break;
      case WorkerActivity::inside: where = "inside"; break;
      case WorkerActivity::outside: where = "outside"; break;
      case WorkerActivity::unknown: where = "running"; break;
    }
    const std::uint64_t done = s.progress.load(std::memory_order_relaxed);
    switch (phase) {
      case WorkerPhase::starting: text += fmt::format("; worker {}: starting", w); break;
      case WorkerPhase::done: text += fmt::format("; worker {}: finished", w); break;
      case WorkerPhase::warmup:
        text += fmt::format("; worker {}: {} (in warmup, after {} operations)", w, where, done);
        break;
      case WorkerPhase::measuring:
        text += fmt::format("; worker {}: {} after operation {}", w, where, done);
        break;
    }
  }
  if (spec_.workers > kListed) text += fmt::format("; and {} more workers", spec_.workers - kListed);
  return text;
}

namespace {

// Stress: workers whose operations are a tiny share of what the others of their role did
// (fewer than 1 in 10000 of the others' mean, while that mean is at least 10000) are starved.
// The bar is low on purpose: on a loaded 2-core machine a correct lock's unluckiest worker gets
// 1 in 100 to 1 in 1000 of the others' share over half a second; a starved one gets 0 or 1.
constexpr double kStarvedRatio = 10000;
constexpr double kStarvedOthersMin = 10000;

CheckResult starvation_check(const Repetition& rep) {
  CheckResult c;
  c.name = std::string(check_name(CheckId::starvation));
  c.checked = rep.workers.size();
  std::vector<std::string> starved;
  for (std::size_t w = 0; w < rep.workers.size(); ++w) {
    const WorkerResult& me = rep.workers[w];
    double others = 0;
    int n = 0;
    for (std::size_t o = 0; o < rep.workers.size(); ++o) {
      if (o == w || rep.workers[o].role != me.role) continue;
      others += static_cast<double>(rep.workers[o].operations);
      ++n;
    }
    if (n == 0) continue;
    const double mean = others / n;
    if (mean >= kStarvedOthersMin && static_cast<double>(me.operations) * kStarvedRatio < mean) {
      if (c.violations++ == 0) c.first_worker = static_cast<int>(w);
      if (starved.size() < 4) {
        starved.push_back(fmt::format("worker {} did {} operations, the others {:.0f} on average", w, me.operations, mean));
      }
    }
  }
  for (const std::string& s : starved) c.note += (c.note.empty() ? "" : "; ") + s;
  return c;
}

}  // namespace

void collect_checks(Repetition& rep, const RunControl& ctl) {
  for (std::size_t i = 0; i < kCheckCount; ++i) {
    const auto id = static_cast<CheckId>(i);
    const CheckTally& t = ctl.checks[id];
    if (t.applies == 0 || id == CheckId::progress || id == CheckId::starvation) continue;
    CheckResult c;
    c.name = std::string(check_name(id));
    c.checked = t.checked;
    c.violations = t.violations;
    c.first_worker = t.first_worker;
    c.first_operation = t.first_operation;
    c.first_s = t.first_ns != 0 ? static_cast<double>(t.first_ns - ctl.start_ns) / 1e9 : 0.0;
    c.note = t.note;
    rep.checks.push_back(std::move(c));
  }
  CheckResult progress;
  progress.name = std::string(check_name(CheckId::progress));
  progress.checked = rep.operations();
  rep.checks.push_back(progress);
  rep.checks.push_back(starvation_check(rep));
}

}  // namespace contend
