#include "reports/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace contend {

namespace {

// The interval needs 4 repetitions a side at 95% (P(U = 0) = 1/70 < 2.5%).
constexpr std::size_t kIntervalRepetitions = 4;

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

std::size_t repetitions_needed(double alpha, std::size_t configurations) {
  const double family = static_cast<double>(std::max<std::size_t>(configurations, 1));
  for (std::size_t n = kIntervalRepetitions; n <= 1000; ++n) {
    if (mann_whitney_min_p(n, n) * family < alpha) return n;
  }
  return 0;
}

std::string_view to_string(GateDecision d) {
  switch (d) {
    case GateDecision::pass: return "pass";
    case GateDecision::regressed: return "regressed";
    case GateDecision::failed: return "failed";
    case GateDecision::inconclusive: return "inconclusive";
  }
  return "?";
}

int gate_exit_code(GateDecision d) {
  switch (d) {
    case GateDecision::pass: return 0;
    case GateDecision::regressed: return 3;
    case GateDecision::failed: return 1;
    case GateDecision::inconclusive: return 4;
  }
  return 4;
}

Gate judge_gate(const Comparison& cmp) {
  const std::size_t regressed = cmp.count(Verdict::regressed);
  const std::size_t judged = regressed + cmp.count(Verdict::improved) + cmp.count(Verdict::unchanged);
  const std::size_t noisy = cmp.count(Verdict::noisy);
  // Missing that counts against new: everything missing except what new alone has, and what new
  // ran and failed (that is its own decision, above inconclusive).
  const std::size_t missing = cmp.count(Verdict::missing) - cmp.only_in_new - cmp.failed_in_new;
  const std::size_t all = cmp.configs.size();
  if (regressed > 0) {
    std::string names;
    for (const ConfigComparison& c : cmp.configs) {
      if (c.verdict != Verdict::regressed) continue;
      if (!names.empty()) names += ", ";
      names += fmt::format("{} ({:+.1f}%)", c.name, *c.change * 100.0);
    }
    return {GateDecision::regressed, fmt::format("{} of {} regressed: {}", regressed, plural(judged, "judged configuration", "judged configurations"), names)};
  }
  if (cmp.failed_in_new > 0) {
    return {GateDecision::failed,
            fmt::format("{} failed in new (crash, hang, timeout or violation; see missing)",
                        plural(cmp.failed_in_new, "configuration", "configurations"))};
  }
  if (judged == 0) {
    std::string why;
    if (all == 0) {
      why = "neither file has a configuration";
    } else if (cmp.only_in_base + cmp.only_in_new == all) {
      why = fmt::format("no configuration is in both files ({} only in base, {} only in new)", cmp.only_in_base,
                        cmp.only_in_new);
    } else {
      why = fmt::format("of {}, {} noisy and {} missing", plural(all, "configuration", "configurations"), noisy,
                        cmp.count(Verdict::missing));
    }
    return {GateDecision::inconclusive, "nothing was judged: " + why};
  }
  if (!cmp.current.complete && !cmp.settings.allow_missing) {
    return {GateDecision::inconclusive,
            fmt::format("new is incomplete (its run was interrupted){}; --allow-missing judges what it has",
                        missing > 0 ? fmt::format(", {} missing from it", plural(missing, "configuration is", "configurations are")) : "")};
  }
  if (missing > 0 && !cmp.settings.allow_missing) {
    return {GateDecision::inconclusive,
            fmt::format("{} of {} could not be judged (missing from new, or not measured on a side); "
                        "--allow-missing passes without them",
                        missing, plural(all, "configuration", "configurations"))};
  }
  if (noisy > 0 && !cmp.settings.allow_noisy) {
    return {GateDecision::inconclusive,
            fmt::format("{} of {} noisy (each with its reason); more repetitions, or --allow-noisy passes without them", noisy,
                        plural(all, "configuration", "configurations"))};
  }
  std::string reason = fmt::format("{} of {} judged, none regressed", judged, all);
  const std::size_t improved = cmp.count(Verdict::improved);
  if (improved > 0) reason += fmt::format(" ({} improved)", improved);
  const std::size_t set_aside = all - judged;
  if (set_aside > 0) reason += fmt::format("; {} not judged and allowed", set_aside);
  return {GateDecision::pass, reason};
}

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
    if (b == nullptr && !n->failed) ++cmp.only_in_new;
    if (n == nullptr) ++cmp.only_in_base;
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
              repetitions_needed(settings.alpha, cmp.tested));
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
  cmp.gate = judge_gate(cmp);
  return cmp;
}

}  // namespace contend
