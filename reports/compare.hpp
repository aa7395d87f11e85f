#pragma once
// `contend compare` and `contend ab`: two sets of repetitions per configuration in, one verdict
// per configuration out, with the statistics that justify it.
//
// The rule, per configuration, on the chosen metric (change = new / base - 1, from the
// Hodges-Lehmann shift of the log values, so it is a ratio and its interval is distribution-free):
//   missing    a side has no figure: the configuration is in one file only, or did not measure
//   regressed  the Mann-Whitney p-value, adjusted by Holm's step-down over the configurations
//              both sides measured, is below alpha, AND the whole 95% interval of the change is past the threshold on
//              the worse side
//   improved   the same on the better side
//   unchanged  the whole interval lies within +-threshold: whatever changed, it is smaller than
//              what the gate was asked to catch
//   noisy      none of these can be said, and the reason is named: too few repetitions to reach
//              the corrected alpha or to have an interval, or an interval too wide to judge
// Requiring both the test and the interval keeps a 1% shift that 50 repetitions make
// "significant" from failing CI, and keeps one lucky outlier from doing it either.
//
// The gate, over all verdicts (judge_gate): regressed if any configuration regressed; failed if
// one failed in new (crash, hang, timeout, violation); otherwise inconclusive when it judged
// nothing at all, when new is incomplete or lacks a configuration base has (unless
// allow_missing), or when a configuration is noisy (unless allow_noisy); otherwise pass. A gate
// that could not judge never passes by accident; configurations only new has are new, not a
// reason to fail.
//
// compare_inputs.cpp reads the two sides (contend's results, Google Benchmark's JSON);
// compare.cpp judges them; compare_format.cpp writes the verdicts as a table, Markdown or JSON.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reports/statistics.hpp"
#include "workloads/model/result.hpp"

namespace contend {

// The figures compare can judge, and which way is better.
enum class CompareMetric { throughput, p50, p99, p999, cpu_per_op };
std::string_view to_string(CompareMetric m);  // the --metric spelling: "throughput", "cpu-per-op"
std::optional<CompareMetric> compare_metric_from_string(std::string_view s);
bool higher_is_better(CompareMetric m);
bool is_latency(CompareMetric m);  // p50, p99, p999: in ns, and only contend's files have them

// One side of a comparison: per configuration, the metric of every repetition that has it.
struct SampleSet {
  std::string name;
  std::vector<double> values;
  std::string not_measured;  // why `values` is empty (status text, or a figure the format lacks)
  bool failed = false;       // it ran and failed (crash, hang, timeout, violation, error): not judged
};
struct ComparisonInput {
  std::string label;        // the file name, or the variant in `ab`
  std::string format;       // "contend" or "Google Benchmark"
  std::string unit;         // of the values: "ops/s", "ns", "CPU s per M ops", "ns CPU per iteration"
  std::string description;  // one line on where the figures came from (host, date, git revision)
  std::vector<SampleSet> configs;  // in file order
  bool complete = true;            // false: the run was interrupted, so configurations may be absent
};

// From a contend results model (run, suite, stress, micro).
ComparisonInput comparison_input(const Results& results, CompareMetric metric, std::string label);
// From the text of a JSON file: a contend results file, or Google Benchmark's own JSON
// (`--benchmark_out_format=json`; its per-repetition "iteration" entries, matched by run_name).
// Throws std::runtime_error with one line saying what the file is not.
ComparisonInput comparison_input_from_json(std::string_view text, CompareMetric metric, std::string label);

enum class Verdict { improved, regressed, unchanged, noisy, missing };
std::string_view to_string(Verdict v);

struct ConfigComparison {
  std::string name;
  Verdict verdict = Verdict::missing;
  std::string reason;  // why noisy or missing; empty otherwise
  Summary base;
  Summary current;
  // new / base - 1 and its 95% interval; present when both sides have values (> 0).
  std::optional<double> change;
  std::optional<double> change_low;
  std::optional<double> change_high;
  std::optional<double> p_value;     // Mann-Whitney, two-sided, before correction
  std::optional<double> p_adjusted;  // after Holm's correction over Comparison::tested: judged against alpha
};

struct CompareSettings {
  CompareMetric metric = CompareMetric::throughput;
  double alpha = 0.01;      // family-wise, over the configurations both sides measured
  double threshold = 0.05;  // as a fraction
  bool allow_missing = false;  // the gate may pass with configurations missing from new, or new incomplete
  bool allow_noisy = false;    // the gate may pass with noisy configurations
};

// What the gate decided, and the exit code of compare and ab for it: pass 0, regressed 3,
// failed 1, inconclusive 4 (the codes of cli/execute.hpp).
enum class GateDecision { pass, regressed, failed, inconclusive };
std::string_view to_string(GateDecision d);
int gate_exit_code(GateDecision d);
struct Gate {
  GateDecision decision = GateDecision::inconclusive;
  std::string reason;  // one sentence: why, with the counts, and the opt-out when there is one
};

struct Comparison {
  CompareSettings settings;
  ComparisonInput base;  // kept for the headers; configs are not used after compare()
  ComparisonInput current;
  std::vector<ConfigComparison> configs;  // base's order, then configurations only new has
  std::size_t tested = 0;                 // configurations in Holm's family
  std::size_t failed_in_new = 0;          // configurations that ran in new and failed (verdict missing)
  std::size_t only_in_new = 0;            // configurations base does not have (missing, but not held against new)
  std::size_t only_in_base = 0;           // configurations new does not have
  Gate gate;                              // judge_gate() of the above

  std::size_t count(Verdict v) const;
  bool regressed() const { return count(Verdict::regressed) > 0; }
};

Comparison compare(const ComparisonInput& base, const ComparisonInput& current, const CompareSettings& settings);
Gate judge_gate(const Comparison& comparison);

// The fewest repetitions per side with which a configuration can be judged among `configurations`
// at `alpha`: enough for the 95% interval (4) and for the smallest Mann-Whitney p, times Holm's
// factor, to fall below alpha. 0 when no count up to 1000 can.
std::size_t repetitions_needed(double alpha, std::size_t configurations);

// Serializers: the console table, GitHub Markdown (for $GITHUB_STEP_SUMMARY), JSON.
// "0.0123", "<0.0001": a p-value as verdicts and tables show it.
std::string p_value_text(double p);
// "-3.1% .. +2.0%": the 95% interval of the change, or "—" without one.
std::string change_interval_text(const ConfigComparison& c);

// Reads back what to_compare_json wrote (compare --format json, ab's DIR/ab.json): the sides'
// labels and units, every configuration's verdict, figures and interval, and the gate. Nothing
// when the text is not such a file; throws std::runtime_error when it is one but malformed.
std::optional<Comparison> comparison_from_json(std::string_view text);

std::string to_compare_table(const Comparison& comparison);
std::string to_compare_markdown(const Comparison& comparison);
std::string to_compare_json(const Comparison& comparison);

}  // namespace contend
