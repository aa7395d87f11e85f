#pragma once
// The console table: one row per configuration, each figure the median over the repetitions
// that were measured, then notes on configurations that were not ok, then a footer on how the
// figures were taken. The column set and cell text are shared with the Markdown report.
#include <string>
#include <string_view>
#include <vector>

#include "workloads/model/knobs.hpp"
#include "workloads/model/result.hpp"

namespace contend {

std::string to_table(const Results& results);

// Shared with markdown.cpp, so both reports show the same figures in the same words.
struct SummaryColumn {
  std::string header;
  bool numeric;  // right-aligned
};
// The settings in a configuration's name that differ between the results' rows, beyond
// workload, primitive, mode and workers (a swept --rate, a suite's cs-ns 0 and 500): each gets a
// column after workers, so two rows never look identical.
std::vector<KnobId> varying_knobs(const Results& results);
// The columns, with one per varying knob after workers.
std::vector<SummaryColumn> summary_columns(const std::vector<KnobId>& varying = {});
// One cell per summary column; "—" where the configuration has no such figure, and an empty
// cell for a varying knob its workload does not take.
std::vector<std::string> summary_cells(const ConfigResult& config, const std::vector<KnobId>& varying = {});
// Lines explaining configurations whose status cell does not tell the whole story.
std::vector<std::string> summary_notes(const Results& results);
// What the columns cannot show: lost updates of primitives without mutual exclusion (race,
// nolock) and the write side of reader-writer runs, one line per configuration; and, once,
// what a pingpong operation and latency are.
std::vector<std::string> measurement_notes(const Results& results);
// How to read the figures: medians, CV, fairness.
std::string summary_legend();
// "clock: tsc at 3.20 GHz, 11.5 ns per read, resolution 0.312 ns"
std::string clock_description(const ClockCalibration& clock);
// "repetitions: 5 per configuration"; empty when there are no configurations.
std::string repetitions_description(const Results& results);
// When the run was interrupted, a sentence saying so (empty when it completed), and the names
// of the configurations with at least one measured repetition.
std::string interruption_headline(const Results& results);
std::vector<std::string> configs_with_data(const Results& results);

// Terminal columns taken by UTF-8 text: one per code point ("µ" and "—" are one each).
std::size_t display_width(std::string_view s);

// Latency in human units: "42ns", "1.3µs", "12ms", "2.5s".
std::string format_latency_ns(double ns);
// Three significant digits, without exponent: "0.0123", "1.23", "12.3", "123", "1234".
std::string format_3sig(double v);
// "overlaps 3, stale writes accepted 0, ...": a configuration's events over its measured
// repetitions, or empty when its workload counts none.
std::string events_text(const ConfigResult& config);

inline constexpr const char* kNotMeasured = "—";

}  // namespace contend
