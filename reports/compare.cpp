#include "reports/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace contend {

namespace {

std::size_t smallest_equal_repetitions(double alpha, std::size_t family) {
  for (std::size_t n = 2; n <= 60; ++n) {
    if (mann_whitney_min_p(n, n) * static_cast<double>(family) < alpha) return n;
  }
  return 60;
}

}  // namespace

bool is_latency(CompareMetric m) {
  return m == CompareMetric::p50 || m == CompareMetric::p99 || m == CompareMetric::p999;
}

std::string_view to_string(CompareMetric m) {
  switch (m) {
    case CompareMetric::throughput: return "throughput";
    case CompareMetric::p50: return "p50";
    case CompareMetric::p99: return "p99";
    case CompareMetric::p999: return "p999";
    case CompareMetric::cpu_per_op: return "cpu-per-op";
  }
  return "?";
}

std::optional<CompareMetric> compare_metric_from_string(std::string_view s) {
  for (CompareMetric m : {CompareMetric::throughput, CompareMetric::p50, CompareMetric::p99, CompareMetric::p999,
                          CompareMetric::cpu_per_op}) {
    if (to_string(m) == s) return m;
  }
  return std::nullopt;
}

bool higher_is_better(CompareMetric m) { return m == CompareMetric::throughput; }

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::improved: return "improved";
    case Verdict::regressed: return "regressed";
    case Verdict::unchanged: return "unchanged";
    case Verdict::noisy: return "noisy";
    case Verdict::missing: return "missing";
  }
  return "?";
}

std::size_t Comparison::count(Verdict v) const {
  return static_cast<std::size_t>(
      std::count_if(configs.begin(), configs.end(), [v](const ConfigComparison& c) { return c.verdict == v; }));
}

Comparison compare(const ComparisonInput& base, const ComparisonInput& current, const CompareSettings& settings) {
  Comparison cmp;
  cmp.settings = settings;
  cmp.base = base;
  cmp.current = current;
  cmp.base.configs.clear();
  cmp.current.configs.clear();

  auto find = [](const ComparisonInput& side, const std::string& name) -> const SampleSet* {
    for (const SampleSet& s : side.configs) {
      if (s.name == name) return &s;
    }
    return nullptr;
  };
  std::vector<std::pair<const SampleSet*, const SampleSet*>> pairs;
  for (const SampleSet& b : base.configs) pairs.emplace_back(&b, find(current, b.name));
  for (const SampleSet& n : current.configs) {
    if (find(base, n.name) == nullptr) pairs.emplace_back(nullptr, &n);
  }

  // First pass: figures, and the raw p-values of the family Holm corrects over.
  for (const auto& [b, n] : pairs) {
    ConfigComparison c;
    c.name = b != nullptr ? b->name : n->name;
    if (n != nullptr && n->failed) ++cmp.failed_in_new;
    if (b == nullptr || n == nullptr) {
      c.reason = b == nullptr ? "only in new" : "only in base";
    } else if (b->values.empty() || n->values.empty()) {
      c.reason = b->values.empty() ? "base: " + b->not_measured : "new: " + n->not_measured;
      if (b->values.empty() && n->values.empty()) c.reason += "; new: " + n->not_measured;
    } else {
      c.base = summarize(b->values);
      c.current = summarize(n->values);
      c.p_value = mann_whitney_u(b->values, n->values).p_two_sided;
      const bool positive = std::all_of(b->values.begin(), b->values.end(), [](double v) { return v > 0; }) &&
                            std::all_of(n->values.begin(), n->values.end(), [](double v) { return v > 0; });
      if (positive) {
        // The shift of the logarithms is the log of the ratio new / base.
        std::vector<double> log_base(b->values.size());
        std::vector<double> log_new(n->values.size());
        std::transform(b->values.begin(), b->values.end(), log_base.begin(), [](double v) { return std::log(v); });
        std::transform(n->values.begin(), n->values.end(), log_new.begin(), [](double v) { return std::log(v); });
        const ShiftEstimate shift = hodges_lehmann_shift(log_base, log_new, 0.95);
        c.change = std::expm1(shift.estimate);
        if (shift.valid) {
          c.change_low = std::expm1(shift.low);
          c.change_high = std::expm1(shift.high);
        }
      }
    }
    cmp.configs.push_back(std::move(c));
  }

  // Holm's step-down as adjusted p-values: the k-th smallest of m gets max over j <= k of
  // (m - j + 1) p_(j), capped at 1; rejecting where adjusted p < alpha is exactly Holm's procedure.
  std::vector<std::size_t> family;
  for (std::size_t i = 0; i < cmp.configs.size(); ++i) {
    if (cmp.configs[i].p_value) family.push_back(i);
  }
  cmp.tested = family.size();
  std::stable_sort(family.begin(), family.end(),
                   [&](std::size_t x, std::size_t y) { return *cmp.configs[x].p_value < *cmp.configs[y].p_value; });
  double running_max = 0;
  for (std::size_t k = 0; k < family.size(); ++k) {
    ConfigComparison& c = cmp.configs[family[k]];
    running_max = std::max(running_max, std::min(1.0, static_cast<double>(family.size() - k) * *c.p_value));
    c.p_adjusted = running_max;
  }

  const double threshold = settings.threshold;
  const bool higher_better = higher_is_better(settings.metric);
  for (ConfigComparison& c : cmp.configs) {
    if (!c.p_value) continue;  // missing: reason set above
    if (!c.change) {
      c.verdict = Verdict::noisy;
      c.reason = "a value is zero or negative, so no ratio can be formed";
      continue;
    }
    if (!c.change_low) {
      c.verdict = Verdict::noisy;
      c.reason = fmt::format("too few repetitions for a 95% interval ({} and {}; at least 4 each)", c.base.n,
                             c.current.n);
      continue;
    }
    const double low = *c.change_low;
    const double high = *c.change_high;
    const bool all_worse = higher_better ? high < -threshold : low > threshold;
    const bool all_better = higher_better ? low > threshold : high < -threshold;
    const bool significant = *c.p_adjusted < settings.alpha;
    if (significant && all_worse) {
      c.verdict = Verdict::regressed;
    } else if (significant && all_better) {
      c.verdict = Verdict::improved;
    } else if (low >= -threshold && high <= threshold) {
      c.verdict = Verdict::unchanged;
    } else {
      c.verdict = Verdict::noisy;
      if (all_worse || all_better) {
        const double best_possible = mann_whitney_min_p(c.base.n, c.current.n) * static_cast<double>(cmp.tested);
        if (best_possible >= settings.alpha) {
          c.reason = fmt::format(
              "too few repetitions: {} and {} cannot reach p < {} over {} configuration{} ({} each needed)", c.base.n,
              c.current.n, settings.alpha, cmp.tested, cmp.tested == 1 ? "" : "s",
              smallest_equal_repetitions(settings.alpha, cmp.tested));
        } else {
          c.reason = fmt::format("the change is past {:.0f}% but p = {} (Holm) is not below {}", threshold * 100,
                                 p_value_text(*c.p_adjusted), settings.alpha);
        }
      } else {
        c.reason = fmt::format("spread too wide: the interval {} crosses the {:.0f}% threshold", change_interval_text(c),
                               threshold * 100);
      }
    }
  }
  return cmp;
}

}  // namespace contend
