#pragma once
// What a report says first, before any chart: the inputs that are incomplete; per scenario, the
// fastest and the fairest series at its highest worker count; every configuration that was not
// ok; and, when the report has exactly two inputs (before and after), the change of each
// configuration both measured, judged by compare's rules (reports/compare.hpp), with the gate's
// decision and what regressed, improved or could not be judged. html_report.cpp and
// report_markdown.cpp render it alike.
#include <optional>
#include <string>
#include <vector>

#include "reports/compare.hpp"
#include "reports/report_model.hpp"

namespace contend {

struct ScenarioHighlight {
  std::string scenario;
  std::string count;    // "4 workers": the highest count any series measured
  std::string fastest;  // "ttas (threads), 23.4 Mops/s"; empty when nothing measured throughput
  std::string fairest;  // "mcs (threads), Jain 1.000"
};

struct ReportSummary {
  std::vector<std::string> incomplete;  // "after: interrupted, some configurations did not run"
  std::vector<ScenarioHighlight> highlights;
  std::vector<std::string> not_ok;       // scenario_notes() of every scenario, with the scenario's name
  std::optional<Comparison> before_after;  // two inputs: the second judged against the first
};

ReportSummary summarize_report(const std::vector<LabeledResults>& inputs, const std::vector<Scenario>& scenarios);

// A side's median as the before/after table shows it, in the comparison's metric ("12.3 Mops/s",
// "1.2µs", "0.40 CPU s per M ops"); "not measured" without one.
std::string comparison_value(const Comparison& comparison, const Summary& side);

// The before/after verdicts' one-line headline: "1 regressed (lock/ttas/...: -12.4%), 3 improved,
// 20 unchanged, 2 could not be judged".
std::string before_after_headline(const Comparison& comparison);

}  // namespace contend
