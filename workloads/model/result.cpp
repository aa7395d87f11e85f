#include "workloads/model/result.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace contend {

std::string_view to_string(Status s) {
  switch (s) {
    case Status::ok: return "ok";
    case Status::violation: return "violation";
    case Status::timeout: return "timeout";
    case Status::hang: return "hang";
    case Status::crashed: return "crashed";
    case Status::error: return "error";
    case Status::interrupted: return "interrupted";
  }
  return "?";
}

std::optional<Status> status_from_string(std::string_view s) {
  for (Status st : {Status::ok, Status::violation, Status::timeout, Status::hang, Status::crashed,
                    Status::error, Status::interrupted}) {
    if (to_string(st) == s) return st;
  }
  return std::nullopt;
}

std::string status_text(Status s, const std::string& detail) {
  if (detail.empty()) return std::string(to_string(s));
  return fmt::format("{}: {}", to_string(s), detail);
}

namespace {

// Whether a worker's operations are the configuration's: a queue's producers push what its
// consumers deliver, and an item counts once.
bool counted(const WorkerResult& w) { return w.role != WorkerRole::producer; }

// (sum x)^2 / (n * sum x^2) over the operations of the workers `select` picks.
template <class Select>
double jain_over(const std::vector<WorkerResult>& workers, Select select) {
  double sum = 0, sum_sq = 0;
  std::size_t n = 0;
  for (const auto& w : workers) {
    if (!select(w)) continue;
    const auto x = static_cast<double>(w.operations);
    sum += x;
    sum_sq += x * x;
    ++n;
  }
  return sum_sq > 0 ? (sum * sum) / (static_cast<double>(n) * sum_sq) : 0.0;
}

}  // namespace

std::uint64_t Repetition::operations() const {
  std::uint64_t sum = 0;
  for (const auto& w : workers) {
    if (counted(w)) sum += w.operations;
  }
  return sum;
}

std::uint64_t Repetition::produced_items() const {
  std::uint64_t sum = 0;
  for (const auto& w : workers) {
    if (w.role == WorkerRole::producer) sum += w.operations;
  }
  return sum;
}

double Repetition::producer_jain_fairness() const {
  return jain_over(workers, [](const WorkerResult& w) { return w.role == WorkerRole::producer; });
}

std::uint64_t Repetition::failed_pushes() const {
  std::uint64_t sum = 0;
  for (const auto& w : workers) {
    if (w.role == WorkerRole::producer) sum += w.failed_attempts;
  }
  return sum;
}

std::vector<EventCount> ConfigResult::event_totals() const {
  std::vector<EventCount> totals;
  for (const Repetition& rep : repetitions) {
    if (!rep.measured()) continue;
    for (const EventCount& e : rep.events) {
      auto it = std::find_if(totals.begin(), totals.end(), [&e](const EventCount& t) { return t.name == e.name; });
      if (it == totals.end()) {
        totals.push_back(e);
      } else {
        it->count += e.count;
      }
    }
  }
  return totals;
}

std::optional<std::uint64_t> Repetition::event(std::string_view name) const {
  for (const EventCount& e : events) {
    if (e.name == name) return e.count;
  }
  return std::nullopt;
}

std::uint64_t Repetition::failed_attempts() const {
  std::uint64_t sum = 0;
  for (const auto& w : workers) sum += w.failed_attempts;
  return sum;
}

std::uint64_t Repetition::failed_pops() const {
  std::uint64_t sum = 0;
  for (const auto& w : workers) {
    if (w.role == WorkerRole::consumer) sum += w.failed_attempts;
  }
  return sum;
}

std::uint64_t Repetition::write_operations() const {
  std::uint64_t sum = 0;
  for (const auto& w : workers) sum += w.write_operations;
  return sum;
}

double Repetition::throughput_ops_per_s() const {
  const double seconds = elapsed_s - long_hold_s;
  return seconds > 0 ? static_cast<double>(operations() - long_hold_operations) / seconds : 0.0;
}

std::size_t Repetition::counted_workers() const {
  return static_cast<std::size_t>(std::count_if(workers.begin(), workers.end(), counted));
}

double Repetition::ns_per_op() const {
  const std::uint64_t ops = operations() - long_hold_operations;
  return ops > 0 ? (elapsed_s - long_hold_s) * 1e9 * static_cast<double>(counted_workers()) / static_cast<double>(ops)
                 : 0.0;
}

double Repetition::cpu_user_s() const {
  double sum = 0;
  for (const auto& w : workers) sum += w.cpu_user_s;
  return sum;
}

double Repetition::cpu_system_s() const {
  double sum = 0;
  for (const auto& w : workers) sum += w.cpu_system_s;
  return sum;
}

double Repetition::cpu_s_per_million_ops() const {
  const std::uint64_t ops = operations();
  return ops > 0 ? (cpu_user_s() + cpu_system_s()) / (static_cast<double>(ops) / 1e6) : 0.0;
}

std::int64_t Repetition::voluntary_switches() const {
  std::int64_t sum = 0;
  for (const auto& w : workers) sum += w.voluntary_switches;
  return sum;
}

std::int64_t Repetition::involuntary_switches() const {
  std::int64_t sum = 0;
  for (const auto& w : workers) sum += w.involuntary_switches;
  return sum;
}

double Repetition::jain_fairness() const { return jain_over(workers, counted); }

std::uint64_t Repetition::worker_ops_min() const {
  std::uint64_t m = UINT64_MAX;
  for (const auto& w : workers) {
    if (counted(w)) m = std::min(m, w.operations);
  }
  return m == UINT64_MAX ? 0 : m;
}

std::uint64_t Repetition::worker_ops_max() const {
  std::uint64_t m = 0;
  for (const auto& w : workers) {
    if (counted(w)) m = std::max(m, w.operations);
  }
  return m;
}

bool Repetition::operator==(const Repetition& o) const {
  return index == o.index && status == o.status && status_detail == o.status_detail &&
         elapsed_s == o.elapsed_s && long_hold_s == o.long_hold_s && long_hold_operations == o.long_hold_operations &&
         workers == o.workers && latency == o.latency &&
         write_latency == o.write_latency && overtakes == o.overtakes &&
         faults_injected == o.faults_injected && recovery == o.recovery &&
         lost_updates == o.lost_updates && checked_updates == o.checked_updates &&
         reordered_items == o.reordered_items && events == o.events && checks == o.checks;
}

namespace {
int severity(Status s) {
  switch (s) {
    case Status::ok: return 0;
    case Status::violation: return 1;
    case Status::interrupted: return 2;
    case Status::timeout: return 3;
    case Status::hang: return 4;
    case Status::crashed: return 5;
    case Status::error: return 6;
  }
  return 6;
}
}  // namespace

Status ConfigResult::status() const {
  Status worst = Status::ok;
  for (const auto& r : repetitions) {
    if (severity(r.status) > severity(worst)) worst = r.status;
  }
  return worst;
}

std::string ConfigResult::status_text() const {
  const Status worst = status();
  for (const auto& r : repetitions) {
    if (r.status == worst) return contend::status_text(r.status, r.status_detail);
  }
  return "ok";
}

Histogram MergedLatency::measured() const {
  Histogram h = ok;
  h.merge(violation);
  return h;
}

void ConfigResult::add_repetition(Repetition rep, const Histogram& latency_of_rep, const Histogram& writes_of_rep) {
  rep.latency = LatencySummary::of(latency_of_rep);
  rep.write_latency = LatencySummary::of(writes_of_rep);
  if (rep.status == Status::ok) {
    latency.ok.merge(latency_of_rep);
    write_latency.ok.merge(writes_of_rep);
  } else if (rep.status == Status::violation) {
    latency.violation.merge(latency_of_rep);
    write_latency.violation.merge(writes_of_rep);
  }
  repetitions.push_back(std::move(rep));
}

LatencySummary LatencySummary::of(const Histogram& h) {
  std::array<std::uint64_t, kReportedPercentiles.size()> percentiles{};
  for (std::size_t i = 0; i < kReportedPercentiles.size(); ++i) {
    percentiles[i] = h.value_at_percentile(kReportedPercentiles[i]);
  }
  return LatencySummary(h.total_count(), h.min(), h.max(), h.overflow_count(), percentiles);
}

std::uint64_t LatencySummary::value_at_percentile(double percentile) const {
  for (std::size_t i = 0; i < kReportedPercentiles.size(); ++i) {
    if (kReportedPercentiles[i] == percentile) return percentiles_[i];
  }
  throw std::invalid_argument(fmt::format("a repetition keeps only the reported percentiles, not p{}", percentile));
}

std::string percentile_label(double percentile) {
  return fmt::format("p{}", percentile);
}

}  // namespace contend
