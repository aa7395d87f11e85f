#pragma once
// What `contend report` shows, before it is HTML or Markdown: result files grouped into
// scenarios (one workload with one set of knobs), each with its series (one per input label,
// primitive and mode) and the tables of figures under its charts. html_report.cpp and
// report_markdown.cpp render the same model, so both formats show the same figures in the same
// words.
//
// Which repetitions count: only those whose status is ok. A repetition that crashed, timed out
// or found a violation gives no figure (a broken lock's throughput is not a result); a
// configuration with no ok repetition is "not measured", never filled in.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reports/statistics.hpp"
#include "workloads/model/histogram.hpp"
#include "workloads/model/result.hpp"

namespace contend {

// One input file's results and the name its series carry ("before", "host-a").
struct LabeledResults {
  std::string label;
  Results results;
};

// Where a configuration sits on the x axis: its workers, and for a queue its producers too
// (1p4c and 4p1c have the same total and behave differently).
struct WorkerCount {
  int workers = 0;
  int producers = 0;  // queue workload only; 0 otherwise

  auto operator<=>(const WorkerCount&) const = default;
};

struct ReportSeries {
  std::size_t input = 0;  // index into the inputs, in the order given
  std::string primitive;
  Mode mode = Mode::threads;
  std::string name;                 // "label: primitive (mode)"; without "label: " for one input
  std::size_t primitive_index = 0;  // order of the primitive's first appearance in the report
  std::map<WorkerCount, std::vector<const ConfigResult*>> configs;
};

// Configurations that differ only in primitive, mode and worker counts: one set of charts.
struct Scenario {
  std::string name;  // "lock", "lock/cs:100ns", "queue/capacity:1024/wait:spin", "micro/lock/contended"
  Workload workload = Workload::lock;
  bool micro = false;
  std::vector<WorkerCount> counts;  // every count any series has, ascending
  std::vector<ReportSeries> series; // by primitive (first appearance), then mode, then input
};

// Groups every configuration of every input. Pointers point into `inputs`, which must outlive
// the scenarios.
std::vector<Scenario> group_scenarios(const std::vector<LabeledResults>& inputs);

// "lock/cs:100ns" for "lock/ttas/threads/workers:4/cs:100ns": the configuration name without
// primitive, mode and worker counts.
std::string scenario_name(const RunSpec& spec);

// "4", or for a queue "2p·2c".
std::string count_label(const Scenario& scenario, WorkerCount count);
// "4 workers", "1 worker", "4 threads" (micro), "2p·2c" (queue).
std::string count_phrase(const Scenario& scenario, WorkerCount count);
// The x axis title: what the worker counts mean for this workload.
std::string count_axis_title(const Scenario& scenario);
// What an operation is and what its latency measures, in one or two sentences.
std::string scenario_description(const Scenario& scenario);

// The figure of every ok repetition of `configs`, in order.
std::vector<double> ok_values(const std::vector<const ConfigResult*>& configs, Metric metric);
// Their summary; nothing when there is none.
std::optional<Summary> ok_summary(const std::vector<const ConfigResult*>& configs, Metric metric);
// The latency histogram merged over every ok repetition.
Histogram ok_latency(const std::vector<const ConfigResult*>& configs);

// The worker count whose latency the spectrum chart shows: the highest at which any series
// has latency samples. Nothing when no series has any.
std::optional<WorkerCount> latency_count(const Scenario& scenario);
// Why a scenario has no latency figures at all.
std::string no_latency_reason(const Scenario& scenario);

// One figure of a table: its text ("12.3", "not measured", "not run") and the range of the
// repetitions behind it ("11.9..12.8"; empty when there was one, or none).
struct FigureCell {
  std::string value;
  std::string spread;

  bool missing() const;  // "not measured" or "not run"
  bool operator==(const FigureCell&) const = default;
};

// One table of figures under a chart: a row per series, a column per worker count (or per
// percentile).
struct FigureTable {
  std::string title;
  std::vector<std::string> columns;  // after the first, which is always "series"
  struct Row {
    std::string series;
    std::vector<FigureCell> cells;
  };
  std::vector<Row> rows;
};

inline constexpr const char* kNotMeasuredText = "not measured";
inline constexpr const char* kNotRunText = "not run";

// What the charts of a scenario plot, one metric per chart.
enum class ChartKind { throughput, latency, fairness, cpu };
inline constexpr ChartKind kChartKinds[] = {ChartKind::throughput, ChartKind::latency, ChartKind::fairness,
                                            ChartKind::cpu};

// "Throughput", "Latency spectrum at 4 workers", ...; for the latency chart, nothing when the
// scenario has no latency.
std::optional<std::string> chart_title(const Scenario& scenario, ChartKind kind);
// The plotted value of a figure from its median over repetitions, in the chart's unit
// (Mops/s for throughput).
double chart_value(ChartKind kind, double figure);
// The metric a chart over workers plots (not the latency chart).
Metric chart_metric(ChartKind kind);
// Its unit, as the y axis and the table title say it.
std::string chart_unit(ChartKind kind);
// One figure in a table cell: "12.3", "0.981", "1.2µs".
std::string format_figure(ChartKind kind, double figure);

// The percentiles of the latency table and the chart's x ticks; the maximum comes after them.
inline constexpr double kSpectrumPercentiles[] = {50.0, 90.0, 99.0, 99.9, 99.99};

// The table under a chart; nothing for the latency chart of a scenario without latency.
std::optional<FigureTable> figure_table(const Scenario& scenario, ChartKind kind);

// Configurations with a repetition that was not ok: "A: ttas (threads), 2 workers: crashed:
// SIGSEGV (1 of 3 repetitions not ok)".
std::vector<std::string> scenario_notes(const Scenario& scenario);

// The environment of each input as rows of (field, one value per input).
struct EnvironmentRow {
  std::string field;
  std::vector<std::string> values;
};
std::vector<EnvironmentRow> environment_rows(const std::vector<LabeledResults>& inputs);

// The sentences that open a report: where the figures come from and how to read a cell (and,
// with charts, a line).
std::string report_lede(const std::vector<LabeledResults>& inputs, bool with_charts);

}  // namespace contend
