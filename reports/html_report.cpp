#include "reports/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "reports/html_summary.hpp"
#include "reports/report_summary.hpp"
#include "reports/svg_chart.hpp"
#include "reports/table.hpp"
#include "workloads/model/knobs.hpp"

namespace contend {
namespace {

using svg::escape_xml;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kChartWidth = 560;
constexpr int kSmallChartWidth = 330;

// The latency chart's x positions are 1/(1-p): p50 at 2, p90 at 10, p99 at 100, ... so every
// extra nine gets the same width. The maximum sits one decade past p99.99.
constexpr double kMaxPosition = 1e5;

// In dark mode (prefers-color-scheme) the page darkens and each figure stays a light card with
// dark text: the SVG charts carry their own light colours, and the page has no script to restyle
// them.
constexpr const char* kStyle = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;margin:0 auto;max-width:1400px;padding:12px 24px 40px;color:#1f2328;background:#f6f7f9;line-height:1.45}
h1{font-size:24px;margin:10px 0 6px}
h2{font-size:19px;margin:36px 0 6px;padding-bottom:4px;border-bottom:1px solid #d0d7de;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
p{max-width:110ch;margin:6px 0}
.lede,.description{color:#444}
nav ul{margin:4px 0;padding-left:20px;columns:3 240px}
nav a{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(540px,1fr));gap:16px;margin-top:12px}
figure{margin:0;padding:10px;background:#fff;border:1px solid #d0d7de;border-radius:6px;overflow-x:auto}
figure svg{display:block;width:100%;height:auto;max-width:640px}
figure.wide{grid-column:1/-1;display:flex;flex-wrap:wrap;gap:8px 24px;align-items:flex-start}
figure.wide svg{flex:0 1 560px;min-width:0}
figure.wide table{flex:0 1 auto}
figure.multiples svg{flex:0 1 330px}
figcaption{width:100%;font-size:13px;font-weight:600}
table{border-collapse:collapse;font-size:12px;margin-top:8px}
caption{text-align:left;padding:2px 0 4px;color:#444;font-size:12px;caption-side:top}
th,td{padding:3px 8px;border-bottom:1px solid #eaeef2;white-space:nowrap;text-align:left}
th{background:#f6f8fa;font-weight:600}
td.number{text-align:right;font-variant-numeric:tabular-nums}
td.missing{color:#8c959f;font-style:italic;text-align:right}
.spread{display:block;font-size:10.5px;color:#6e7781}
td.series{white-space:normal;min-width:12em;max-width:16em}
.swatch{display:inline-block;width:22px;margin-right:6px;vertical-align:middle;border-top-width:2px}
.notes{color:#9a6700;font-size:13px}
.environment td{white-space:normal;max-width:60ch}
footer{margin-top:40px;color:#8c959f;font-size:12px}
.warning{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:8px 12px;margin:10px 0;color:#4d2d00}
.summary table{margin-top:4px}
.summary h3{font-size:15px;margin:16px 0 4px}
tr.regressed td{background:#ffebe9}
tr.improved td{background:#dafbe1}
tr.noisy td,tr.missing td{background:#fff8c5}
td.verdict{font-weight:600}
.gate{font-weight:600;margin:6px 0}
@media (prefers-color-scheme:dark){
body{color:#e6edf3;background:#0d1117}
.lede,.description,caption{color:#9da7b3}
h2{border-bottom-color:#30363d}
th{background:#161b22}
th,td{border-bottom-color:#21262d}
.notes{color:#d29922}
.warning{background:#341a00;border-color:#9e6a03;color:#f0d8a8}
tr.regressed td{background:#4a1419}
tr.improved td{background:#12361f}
tr.noisy td,tr.missing td{background:#3b2e05}
a{color:#58a6ff}
figure{color:#1f2328;border-color:#30363d}
figure th{background:#f6f8fa}
figure th,figure td{border-bottom-color:#eaeef2}
figure caption{color:#444}
}
)";

svg::Marker marker_for_input(std::size_t input) {
  constexpr svg::Marker kMarkers[] = {svg::Marker::circle, svg::Marker::square, svg::Marker::triangle,
                                      svg::Marker::diamond};
  return kMarkers[input % std::size(kMarkers)];
}

// A primitive keeps its colour in every chart of the page; the mode is the dash and the input
// file the marker. Past the palette's seven colours, markers turn hollow to tell repeats apart.
svg::Series styled_series(const ReportSeries& series) {
  svg::Series s;
  s.name = series.name;
  s.colour = series.primitive_index % svg::kPalette.size();
  s.dash = series.mode == Mode::processes ? svg::Dash::dashed : svg::Dash::solid;
  s.marker = marker_for_input(series.input);
  s.hollow_marker = (series.primitive_index / svg::kPalette.size()) % 2 == 1;
  return s;
}

std::string swatch(const ReportSeries& series) {
  return fmt::format("<span class=\"swatch\" style=\"border-top-style:{};border-top-color:{}\"></span>",
                     series.mode == Mode::processes ? "dashed" : "solid",
                     svg::kPalette[series.primitive_index % svg::kPalette.size()]);
}

bool is_queue_axis(const Scenario& scenario) {
  return workload_info(scenario.workload).producers_and_consumers && !scenario.micro;
}

// A queue's counts are categories (1p·1c, 1p·4c, ...), placed at 0, 1, 2, ...; other
// workloads' are their worker counts.
double x_position(const Scenario& scenario, std::size_t index) {
  return is_queue_axis(scenario) ? static_cast<double>(index) : scenario.counts[index].workers;
}

svg::Axis count_axis(const Scenario& scenario) {
  svg::Axis axis;
  axis.title = count_axis_title(scenario);
  for (std::size_t i = 0; i < scenario.counts.size(); ++i) {
    axis.ticks.push_back({x_position(scenario, i), count_label(scenario, scenario.counts[i])});
  }
  if (axis.ticks.empty()) return axis;
  const double low = axis.ticks.front().value;
  const double high = axis.ticks.back().value;
  if (is_queue_axis(scenario)) {
    axis.min = low - 0.5;
    axis.max = high + 0.5;
  } else if (high / low >= 8) {
    // 1, 2, 4, 8, 16: doublings get equal room.
    axis.scale = svg::Scale::log;
    axis.min = low / 1.3;
    axis.max = high * 1.3;
  } else {
    const double pad = std::max(0.4, (high - low) * 0.06);
    axis.min = low - pad;
    axis.max = high + pad;
  }
  return axis;
}

// Linear from zero, unless the figures span more than two decades (a ticket lock at 0.02
// Mops/s beside a mutex at 30), where a linear axis would flatten all but the largest, or a log
// axis was asked for.
void choose_value_scale(svg::Axis& axis, const std::vector<double>& values, const std::string& unit, bool log) {
  const bool all_positive = !values.empty() && std::all_of(values.begin(), values.end(), [](double v) { return v > 0; });
  if (all_positive) {
    const auto [low, high] = std::minmax_element(values.begin(), values.end());
    if (log || *high / *low > 100) {
      axis.scale = svg::Scale::log;
      axis.title = unit + " (log scale)";
      return;
    }
  }
  axis.title = unit;
  axis.min = 0;
}

std::string latency_tick(double ns) {
  if (ns < 1e3) return fmt::format("{:g}ns", ns);
  if (ns < 1e6) return fmt::format("{:g}µs", ns / 1e3);
  if (ns < 1e9) return fmt::format("{:g}ms", ns / 1e6);
  return fmt::format("{:g}s", ns / 1e9);
}

svg::Chart chart_over_counts(const Scenario& scenario, ChartKind kind, const HtmlReportOptions& options) {
  svg::Chart chart;
  chart.title = fmt::format("{} — {}", *chart_title(scenario, kind), scenario.name);
  chart.width = kChartWidth;
  chart.x = count_axis(scenario);
  std::vector<double> plotted;
  for (const ReportSeries& series : scenario.series) {
    svg::Series s = styled_series(series);
    for (std::size_t i = 0; i < scenario.counts.size(); ++i) {
      const auto found = series.configs.find(scenario.counts[i]);
      if (found == series.configs.end()) continue;  // not run: the line joins its neighbours
      const auto summary = ok_summary(found->second, chart_metric(kind));
      if (!summary) {
        // Not measured: a gap in the line, never a filled-in value.
        s.points.push_back({x_position(scenario, i), kNaN, "", kNaN, kNaN});
        continue;
      }
      const double y = chart_value(kind, summary->median);
      plotted.push_back(y);
      std::string tooltip = fmt::format("{}, {}: {}", series.name, count_phrase(scenario, scenario.counts[i]),
                                        format_figure(kind, summary->median));
      if (summary->n > 1) {
        tooltip += fmt::format(" ({}..{})", format_figure(kind, summary->min), format_figure(kind, summary->max));
      }
      s.points.push_back({x_position(scenario, i), y, tooltip, chart_value(kind, summary->min),
                          chart_value(kind, summary->max)});
    }
    chart.series.push_back(s);
  }
  if (kind == ChartKind::fairness) {
    // Jain's index never exceeds 1; the axis stops there so "perfectly fair" is its top, and
    // reaches down past the least fair repetition (the bars' lower ends), in steps of 0.05.
    chart.y.title = "Jain's index (1 = equal shares)";
    chart.y.max = 1;
    double lowest = 1;
    for (const svg::Series& s : chart.series) {
      for (const svg::Point& p : s.points) {
        if (std::isfinite(p.y)) lowest = std::min(lowest, p.y);
        if (std::isfinite(p.low)) lowest = std::min(lowest, p.low);
      }
    }
    chart.y.min = std::max(0.0, std::floor((lowest - 0.01) * 20.0) / 20.0);
  } else {
    choose_value_scale(chart.y, plotted, chart_unit(kind), options.log_throughput && kind == ChartKind::throughput);
  }
  return chart;
}

// The positions the spectrum is drawn at: p50, then ten per decade of 1/(1-p) to p99.99.
std::vector<double> spectrum_positions() {
  std::vector<double> positions = {2};
  for (int step = 4; step <= 40; ++step) positions.push_back(std::pow(10.0, step / 10.0));
  return positions;
}

svg::Chart latency_chart(const Scenario& scenario, WorkerCount count, int width = kChartWidth) {
  svg::Chart chart;
  chart.title = width == kChartWidth
                    ? fmt::format("{} — {}", *chart_title(scenario, ChartKind::latency), scenario.name)
                    : fmt::format("at {}", count_phrase(scenario, count));
  chart.width = width;
  chart.x.title = "percentile (spaced by 1/(1−p): each nine gets equal room)";
  chart.x.scale = svg::Scale::log;
  chart.x.min = 1.4;
  chart.x.max = kMaxPosition * 1.5;
  for (double p : kSpectrumPercentiles) chart.x.ticks.push_back({100.0 / (100.0 - p), percentile_label(p)});
  chart.x.ticks.push_back({kMaxPosition, "max"});
  chart.y.title = "latency (log scale)";
  chart.y.scale = svg::Scale::log;
  chart.y.format = latency_tick;
  for (const ReportSeries& series : scenario.series) {
    const auto found = series.configs.find(count);
    if (found == series.configs.end()) continue;
    const Histogram merged = ok_latency(found->second);
    if (merged.total_count() == 0) continue;  // not measured: left out, the table says so
    svg::Series s = styled_series(series);
    // Only percentiles the samples resolve: p99.99 of 1000 samples would be the maximum again.
    const auto samples = static_cast<double>(merged.total_count());
    for (double position : spectrum_positions()) {
      if (position > samples * (1 + 1e-9)) break;
      const double percentile = 100.0 * (1.0 - 1.0 / position);
      const auto value = static_cast<double>(merged.value_at_percentile(percentile));
      s.points.push_back({position, value,
                          fmt::format("{}: p{:.5g} {}", series.name, percentile, format_latency_ns(value))});
    }
    const auto max = static_cast<double>(merged.max());
    s.points.push_back({kMaxPosition, max, fmt::format("{}: max {}", series.name, format_latency_ns(max))});
    chart.series.push_back(s);
  }
  return chart;
}

std::string html_table(const FigureTable& table, const Scenario& scenario) {
  std::string out = fmt::format("<table>\n<caption>{}</caption>\n<thead><tr><th>series</th>", escape_xml(table.title));
  for (const std::string& column : table.columns) out += fmt::format("<th>{}</th>", escape_xml(column));
  out += "</tr></thead>\n<tbody>\n";
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const FigureTable::Row& row = table.rows[r];
    out += fmt::format("<tr><td class=\"series\">{}{}</td>", swatch(scenario.series[r]), escape_xml(row.series));
    for (const FigureCell& cell : row.cells) {
      // The spread on a line of its own, smaller: the table stays narrow enough to sit under
      // its chart.
      const std::string spread =
          cell.spread.empty() ? "" : fmt::format("<span class=\"spread\">{}</span>", escape_xml(cell.spread));
      out += fmt::format("<td class=\"{}\">{}{}</td>", cell.missing() ? "missing" : "number", escape_xml(cell.value),
                         spread);
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  return out;
}

// The latency spectrum at every other worker count with samples, small and side by side, on one
// shared y range so their heights compare (small multiples).
std::string latency_small_multiples(const Scenario& scenario, WorkerCount shown) {
  std::vector<svg::Chart> charts;
  double low = std::numeric_limits<double>::infinity();
  double high = 0;
  for (const WorkerCount& count : scenario.counts) {
    if (count == shown) continue;
    svg::Chart chart = latency_chart(scenario, count, kSmallChartWidth);
    for (const svg::Series& s : chart.series) {
      for (const svg::Point& p : s.points) {
        if (p.y > 0) {
          low = std::min(low, p.y);
          high = std::max(high, p.y);
        }
      }
    }
    if (!chart.series.empty()) charts.push_back(std::move(chart));
  }
  if (charts.empty()) return {};
  std::string out = "<figure class=\"wide multiples\">\n";
  out += fmt::format("<figcaption>Latency spectrum at the other worker counts — {} (one y range for all)</figcaption>\n",
                     escape_xml(scenario.name));
  for (svg::Chart& chart : charts) {
    chart.y.min = low;
    chart.y.max = high;
    chart.plot_height = 150;
    chart.legend = false;
    out += svg::render_svg(chart);
  }
  return out + "</figure>\n";
}

std::string scenario_section(const Scenario& scenario, std::size_t index, const HtmlReportOptions& options) {
  std::string out = fmt::format("<section id=\"scenario-{}\">\n<h2>{}</h2>\n<p class=\"description\">{}</p>\n", index,
                                escape_xml(scenario.name), escape_xml(scenario_description(scenario)));
  std::string missing;
  out += "<div class=\"charts\">\n";
  for (ChartKind kind : kChartKinds) {
    const auto table = figure_table(scenario, kind);
    if (!table) {
      missing += fmt::format("<p class=\"description\">{}</p>\n", escape_xml(no_latency_reason(scenario)));
      continue;
    }
    const svg::Chart chart = kind == ChartKind::latency ? latency_chart(scenario, *latency_count(scenario))
                                                        : chart_over_counts(scenario, kind, options);
    // Throughput and latency, the figures people come for, get a row each with room for their
    // table beside the chart (or under it on a narrow screen); fairness and CPU share a row.
    const bool wide = kind == ChartKind::throughput || kind == ChartKind::latency;
    out += fmt::format("<figure{}>\n", wide ? " class=\"wide\"" : "") + svg::render_svg(chart) +
           html_table(*table, scenario) + "</figure>\n";
    if (kind == ChartKind::latency) out += latency_small_multiples(scenario, *latency_count(scenario));
  }
  out += "</div>\n" + missing;
  const std::vector<std::string> notes = scenario_notes(scenario);
  if (!notes.empty()) {
    out += "<ul class=\"notes\">\n";
    for (const std::string& note : notes) out += fmt::format("<li>{}</li>\n", escape_xml(note));
    out += "</ul>\n";
  }
  out += "</section>\n";
  return out;
}

std::string environment_section(const std::vector<LabeledResults>& inputs) {
  std::string out = "<section id=\"environment\">\n<h2>Environment</h2>\n<table class=\"environment\">\n<thead><tr><th></th>";
  for (const LabeledResults& input : inputs) out += fmt::format("<th>{}</th>", escape_xml(input.label));
  out += "</tr></thead>\n<tbody>\n";
  for (const EnvironmentRow& row : environment_rows(inputs)) {
    out += fmt::format("<tr><th>{}</th>", escape_xml(row.field));
    for (const std::string& value : row.values) out += fmt::format("<td>{}</td>", escape_xml(value));
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n</section>\n";
  return out;
}

std::string page_head(const std::string& heading, const std::string& lede) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{0}</title>\n<style>{1}</style>\n</head>\n<body>\n<h1>{0}</h1>\n<p class=\"lede\">{2}</p>\n",
      escape_xml(heading), kStyle, escape_xml(lede));
}

constexpr const char* kFooter =
    "<footer>Made by contend report: one self-contained file, no script, drawn from the result files "
    "alone.</footer>\n</body>\n</html>\n";

}  // namespace

std::string to_html_comparison_page(const Comparison& comparison, const std::string& title) {
  ReportSummary summary;
  summary.before_after = comparison;
  return page_head(title.empty() ? std::string("contend report") : title,
                   fmt::format("The verdicts of {} against {}, as contend compare or ab judged them ({}); the "
                               "repetitions' figures are in their own results files.",
                               comparison.current.label, comparison.base.label, comparison.base.description)) +
         html_summary_section(summary) + kFooter;
}

std::string to_html_report(const std::vector<LabeledResults>& inputs, const std::string& title,
                           const HtmlReportOptions& options) {
  const std::string heading = title.empty() ? std::string("contend report") : title;
  const std::vector<Scenario> scenarios = group_scenarios(inputs);
  std::string out = page_head(heading, report_lede(inputs, true));
  const ReportSummary summary = summarize_report(inputs, scenarios);
  out += "<nav><ul>\n<li><a href=\"#summary\">summary</a></li>\n";
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    out += fmt::format("<li><a href=\"#scenario-{}\">{}</a></li>\n", i, escape_xml(scenarios[i].name));
  }
  out += "<li><a href=\"#environment\">environment</a></li>\n</ul></nav>\n";
  out += html_summary_section(summary);
  if (scenarios.empty()) out += "<p>No configurations in the input.</p>\n";
  for (std::size_t i = 0; i < scenarios.size(); ++i) out += scenario_section(scenarios[i], i, options);
  out += environment_section(inputs);
  return out + kFooter;
}

}  // namespace contend
