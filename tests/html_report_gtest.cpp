// `contend report`'s pieces without the binary: the SVG chart module (exact text of a tiny
// chart, nice ticks, the log axis, left-out points), the HTML page on fixed results (a chart per
// figure, the figures in its tables, escaping, "not measured") and the exact Markdown text.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "reports/html_report.hpp"
#include "reports/report_markdown.hpp"
#include "reports/report_model.hpp"
#include "reports/svg_chart.hpp"
#include "tests/fixtures.hpp"

namespace contend {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

// Two points on fixed axes: every coordinate below can be checked by hand. The plot spans
// x 52..384 (left: 30 + the widest y label "10" (2 x 7 px) + 8; right: 400 - 16) and y 36..136
// (36 below the top, 100 high); nice y ticks every 2 from 0 to 10; the legend's one row at
// 136 + 56 = 192, and the SVG ends 18 + 6 below it, at 216.
svg::Chart tiny_chart() {
  svg::Chart chart;
  chart.title = "Tiny";
  chart.width = 400;
  chart.plot_height = 100;
  chart.x.title = "workers";
  chart.x.min = 0;
  chart.x.max = 4;
  chart.x.ticks = {{1, "1"}, {2, "2"}};
  chart.y.title = "Mops/s";
  chart.y.min = 0;
  chart.y.max = 10;
  svg::Series s;
  s.name = "a (threads)";
  s.points = {{1, 5, "a, 1: 5"}, {2, 10, ""}};
  chart.series.push_back(s);
  return chart;
}

constexpr const char* kExpectedTinySvg = R"svg(<svg xmlns="http://www.w3.org/2000/svg" width="400.0" height="216.0" viewBox="0 0 400.0 216.0" font-family="sans-serif" font-size="12" role="img">
<title>Tiny</title>
<rect width="400.0" height="216.0" fill="#ffffff"/>
<text x="16.0" y="22" font-size="14" font-weight="bold">Tiny</text>
<line x1="135.0" y1="36.0" x2="135.0" y2="136.0" stroke="#e3e3e3"/>
<text x="135.0" y="152.0" text-anchor="middle" fill="#333333">1</text>
<line x1="218.0" y1="36.0" x2="218.0" y2="136.0" stroke="#e3e3e3"/>
<text x="218.0" y="152.0" text-anchor="middle" fill="#333333">2</text>
<line x1="52.0" y1="136.0" x2="384.0" y2="136.0" stroke="#e3e3e3"/>
<text x="46.0" y="140.0" text-anchor="end" fill="#333333">0</text>
<line x1="52.0" y1="116.0" x2="384.0" y2="116.0" stroke="#e3e3e3"/>
<text x="46.0" y="120.0" text-anchor="end" fill="#333333">2</text>
<line x1="52.0" y1="96.0" x2="384.0" y2="96.0" stroke="#e3e3e3"/>
<text x="46.0" y="100.0" text-anchor="end" fill="#333333">4</text>
<line x1="52.0" y1="76.0" x2="384.0" y2="76.0" stroke="#e3e3e3"/>
<text x="46.0" y="80.0" text-anchor="end" fill="#333333">6</text>
<line x1="52.0" y1="56.0" x2="384.0" y2="56.0" stroke="#e3e3e3"/>
<text x="46.0" y="60.0" text-anchor="end" fill="#333333">8</text>
<line x1="52.0" y1="36.0" x2="384.0" y2="36.0" stroke="#e3e3e3"/>
<text x="46.0" y="40.0" text-anchor="end" fill="#333333">10</text>
<rect x="52.0" y="36.0" width="332.0" height="100.0" fill="none" stroke="#555555"/>
<text x="218.0" y="174.0" text-anchor="middle">workers</text>
<text x="16" y="86.0" text-anchor="middle" transform="rotate(-90 16 86.0)">Mops/s</text>
<polyline points="135.0,86.0 218.0,36.0" fill="none" stroke="#0072B2" stroke-width="2"/>
<circle cx="135.0" cy="86.0" r="3.5" fill="#0072B2"><title>a, 1: 5</title></circle>
<circle cx="218.0" cy="36.0" r="3.5" fill="#0072B2"></circle>
<line x1="16.0" y1="192.0" x2="42.0" y2="192.0" stroke="#0072B2" stroke-width="2"/>
<circle cx="29.0" cy="192.0" r="3.5" fill="#0072B2"></circle>
<text x="50.0" y="196.0">a (threads)</text>
</svg>
)svg";

TEST(SvgChart, TinyChartExactText) { EXPECT_EQ(svg::render_svg(tiny_chart()), kExpectedTinySvg); }

TEST(SvgChart, NiceLinearTicks) {
  EXPECT_EQ(svg::nice_ticks(0, 37, svg::Scale::linear), (std::vector<double>{0, 10, 20, 30, 40}));
  EXPECT_EQ(svg::nice_ticks(0, 1, svg::Scale::linear), (std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1}));
  const std::vector<double> jain = svg::nice_ticks(0.93, 1, svg::Scale::linear);
  ASSERT_EQ(jain.size(), 5u);
  EXPECT_DOUBLE_EQ(jain.front(), 0.92);
  EXPECT_DOUBLE_EQ(jain.back(), 1.0);
}

TEST(SvgChart, NiceLogTicksAreDecadesWithStepsInsideNarrowRanges) {
  EXPECT_EQ(svg::nice_ticks(3, 4000, svg::Scale::log), (std::vector<double>{1, 10, 100, 1000, 10000}));
  EXPECT_EQ(svg::nice_ticks(200, 800, svg::Scale::log), (std::vector<double>{100, 200, 500, 1000}));
}

TEST(SvgChart, TickLabels) {
  EXPECT_EQ(svg::format_tick_number(0.5), "0.5");
  EXPECT_EQ(svg::format_tick_number(250), "250");
  EXPECT_EQ(svg::format_tick_number(1e6), "1e+06");
  EXPECT_EQ(svg::format_tick_number(-0.0), "0");
}

// The latency axis is 1/(1-p) on a log scale: every nine takes the same width.
TEST(SvgChart, LogAxisSpacesEachNineEqually) {
  const auto at = [](double percentile) {
    return svg::axis_fraction(100.0 / (100.0 - percentile), 1, 1e4, svg::Scale::log);
  };
  EXPECT_NEAR(at(0), 0.0, 1e-12);
  EXPECT_NEAR(at(90), 0.25, 1e-12);
  EXPECT_NEAR(at(99), 0.5, 1e-12);
  EXPECT_NEAR(at(99.9), 0.75, 1e-12);
  EXPECT_NEAR(at(99.99), 1.0, 1e-12);
  EXPECT_NEAR(at(50), std::log10(2.0) / 4, 1e-12);
}

TEST(SvgChart, LogAxisPlacesPointsByDecade) {
  svg::Chart chart = tiny_chart();
  chart.x.scale = svg::Scale::log;
  chart.x.min = 1;
  chart.x.max = 100;
  chart.x.ticks = {{1, "p0"}, {10, "p90"}, {100, "p99"}};
  chart.series[0].points = {{1, 5, ""}, {10, 5, ""}, {100, 5, ""}};
  // Plot from x 52 to 384: 1 at the left edge, 10 in the middle, 100 at the right edge.
  EXPECT_NE(svg::render_svg(chart).find("points=\"52.0,86.0 218.0,86.0 384.0,86.0\""), std::string::npos);
}

TEST(SvgChart, UnmeasuredPointsAreLeftOutAndBreakTheLine) {
  svg::Chart chart = tiny_chart();
  chart.x.max = 6;
  chart.series[0].points = {{1, 1, ""}, {2, kNaN, ""}, {3, 3, ""}, {4, 4, ""}, {5, std::numeric_limits<double>::infinity(), ""}};
  const std::string text = svg::render_svg(chart);
  // (1,1) is alone before the gap: a marker, no line; (3,3)-(4,4) is one line.
  EXPECT_EQ(count_of(text, "<polyline"), 1u);
  EXPECT_EQ(count_of(text, "<circle"), 3u + 1u) << "three markers and the legend's";
  EXPECT_EQ(text.find("nan"), std::string::npos);
  EXPECT_EQ(text.find("inf"), std::string::npos);
}

TEST(SvgChart, NonPositiveValuesAreLeftOutOfALogAxis) {
  svg::Chart chart = tiny_chart();
  chart.y.scale = svg::Scale::log;
  chart.y.min.reset();
  chart.y.max.reset();
  chart.series[0].points = {{1, 0, ""}, {2, 100, ""}, {3, 1000, ""}};
  const std::string text = svg::render_svg(chart);
  EXPECT_EQ(count_of(text, "<circle"), 2u + 1u);
  EXPECT_EQ(count_of(text, "<polyline"), 1u);
}

TEST(SvgChart, EmptyChartSaysNoData) {
  svg::Chart chart = tiny_chart();
  chart.series[0].points.clear();
  EXPECT_NE(svg::render_svg(chart).find(">no data</text>"), std::string::npos);
}

TEST(SvgChart, EscapesEveryText) {
  svg::Chart chart = tiny_chart();
  chart.title = "<b>&";
  chart.series[0].name = "<script>alert('x')</script>";
  chart.series[0].points[0].tooltip = "\"quoted\"";
  const std::string text = svg::render_svg(chart);
  EXPECT_EQ(text.find("<script"), std::string::npos);
  EXPECT_EQ(text.find("<b>"), std::string::npos);
  EXPECT_NE(text.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(text.find("&lt;b&gt;&amp;"), std::string::npos);
  EXPECT_NE(text.find("&quot;quoted&quot;"), std::string::npos);
}

TEST(SvgChart, SpreadIsABarWithCaps) {
  svg::Chart chart = tiny_chart();
  chart.series[0].points = {{1, 5, "", 4, 6}};
  EXPECT_NE(svg::render_svg(chart).find("<path d=\"M135.0,76.0V96.0M132.0,76.0H138.0M132.0,96.0H138.0\""),
            std::string::npos);
}

std::vector<LabeledResults> fixture_inputs() { return {{"fixture", testing::fixture_results()}}; }

// The fixture's scenarios: "lock" (std-mutex at 2 workers, broken-hang at 1, timed out),
// "lock/cs:100ns" (broken-crash in processes) and "semaphore/permits:2/pin:compact" (sampling
// off, so no latency chart).
TEST(ReportModel, GroupsConfigurationsIntoScenarios) {
  const std::vector<LabeledResults> inputs = fixture_inputs();
  const std::vector<Scenario> scenarios = group_scenarios(inputs);
  ASSERT_EQ(scenarios.size(), 3u);
  EXPECT_EQ(scenarios[0].name, "lock");
  EXPECT_EQ(scenarios[1].name, "lock/cs:100ns");
  EXPECT_EQ(scenarios[2].name, "semaphore/permits:2/pin:compact");
  ASSERT_EQ(scenarios[0].series.size(), 2u);
  EXPECT_EQ(scenarios[0].series[0].name, "std-mutex (threads)");
  EXPECT_EQ(scenarios[0].series[1].name, "broken-hang (threads)");
  EXPECT_EQ(scenarios[0].counts.size(), 2u);
  EXPECT_EQ(latency_count(scenarios[0]), (WorkerCount{2, 0}));
  EXPECT_FALSE(latency_count(scenarios[2]));
}

TEST(ReportModel, QueueCountsAreProducersAndConsumers) {
  RunSpec spec = testing::fixture_spec(Workload::queue, "ring", Mode::threads, 5, 1);
  spec.producers = 1;
  EXPECT_EQ(scenario_name(spec), "queue/capacity:1024/wait:spin");
  Results results;
  ConfigResult config;
  config.spec = spec;
  results.configs.push_back(config);
  const std::vector<LabeledResults> inputs = {{"q", results}};
  const std::vector<Scenario> scenarios = group_scenarios(inputs);
  ASSERT_EQ(scenarios.size(), 1u);
  EXPECT_EQ(count_label(scenarios[0], scenarios[0].counts[0]), "1p·4c");
}

TEST(ReportModel, SeveralInputsOverlayUnderTheirLabels) {
  const std::vector<LabeledResults> inputs = {{"before", testing::fixture_results()},
                                              {"after", testing::fixture_results()}};
  const std::vector<Scenario> scenarios = group_scenarios(inputs);
  ASSERT_EQ(scenarios.size(), 3u);
  ASSERT_EQ(scenarios[0].series.size(), 4u);
  EXPECT_EQ(scenarios[0].series[0].name, "before: std-mutex (threads)");
  EXPECT_EQ(scenarios[0].series[1].name, "after: std-mutex (threads)");
  EXPECT_EQ(scenarios[0].series[2].name, "before: broken-hang (threads)");
}

class HtmlReport : public ::testing::Test {
 protected:
  std::string html = to_html_report(fixture_inputs(), "Fixture <report>");
};

TEST_F(HtmlReport, OneSvgPerChart) {
  // 4 charts for each lock scenario, 3 for the semaphore one (no latency: sampling was off).
  EXPECT_EQ(count_of(html, "<svg "), 11u);
  EXPECT_NE(html.find("Latency: not measured (sampling was off, --sample 0)."), std::string::npos);
}

TEST_F(HtmlReport, SelfContained) {
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg")) << "the SVG namespace is the only URL";
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_NE(html.find("<title>Fixture &lt;report&gt;</title>"), std::string::npos);
}

TEST_F(HtmlReport, TablesHoldThePlottedFigures) {
  // std-mutex: 10, 8 and 10 Mops/s; Jain 0.962, 1.000, 0.990; 0.2 CPU s per Mop each time.
  EXPECT_NE(html.find("<td class=\"number\">10.0<span class=\"spread\">8.00..10.0</span></td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"number\">0.990<span class=\"spread\">0.962..1.000</span></td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"number\">0.200<span class=\"spread\">0.200..0.200</span></td>"), std::string::npos);
  // Its latency, merged over 3000 samples: p50 is in the 100..110 ns values.
  EXPECT_NE(html.find("<td class=\"number\">3000</td>"), std::string::npos);
  for (const char* tick : {">p50<", ">p90<", ">p99<", ">p99.9<", ">p99.99<", ">max<"}) {
    EXPECT_NE(html.find(tick), std::string::npos) << tick;
  }
}

TEST_F(HtmlReport, FailedConfigurationIsNotMeasuredNeverFilledIn) {
  // broken-hang timed out: every cell of its row says so, and no point of it is drawn.
  EXPECT_NE(html.find("<td class=\"missing\">not measured</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"missing\">not run</td>"), std::string::npos);
  EXPECT_EQ(html.find("<title>broken-hang"), std::string::npos) << "a tooltip means a drawn point";
  EXPECT_NE(html.find("broken-hang (threads), 1 worker: timeout: after 2 s (1 of 1 repetitions not ok)"),
            std::string::npos);
  // broken-crash's crashed and violation repetitions give no figure: its one ok repetition
  // (1 Mops/s... 4M operations in 2 s) is the only one.
  EXPECT_NE(html.find("broken-crash (processes), 2 workers: 2.00"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// The summary at the top: fastest and fairest, what was not ok, an incomplete input, before/after.

// One lock configuration of ttas at 1 and 2 workers, ten 1 s repetitions each near `mops_per_s`.
Results steady_results(double mops_per_s) {
  Results r;
  r.environment = testing::fixture_environment();
  for (int workers : {1, 2}) {
    ConfigResult c;
    c.spec = testing::fixture_spec(Workload::lock, "ttas", Mode::threads, workers, 10);
    for (int i = 0; i < 10; ++i) {
      const auto ops = static_cast<std::uint64_t>(mops_per_s * 1e6 * (1.0 + 0.002 * (i % 5 - 2)));
      testing::add_fixture_repetition(c, i, Status::ok, "", 1.0,
                                      testing::fixture_workers({ops / 2, ops - ops / 2}, 0.5, 0.0),
                                      testing::fixture_histogram({{100, 10}}));
    }
    r.configs.push_back(c);
  }
  return r;
}

TEST_F(HtmlReport, SummaryAtTheTopNamesTheFastestTheFairestAndWhatWasNotOk) {
  const std::size_t summary = html.find("<section id=\"summary\"");
  ASSERT_NE(summary, std::string::npos);
  EXPECT_LT(summary, html.find("<section id=\"scenario-0\""));
  EXPECT_NE(html.find("<td>lock</td><td>2 workers</td><td>std-mutex (threads), 10.0 Mops/s</td>"), std::string::npos)
      << html.substr(summary, 3000);
  EXPECT_NE(html.find("<h3>Not ok</h3>"), std::string::npos);
  EXPECT_NE(html.find("crashed: SIGSEGV"), std::string::npos);
  EXPECT_EQ(html.find("Incomplete input"), std::string::npos);
}

TEST(HtmlReportSummary, AnIncompleteInputIsFlaggedAtTheTop) {
  std::vector<LabeledResults> inputs = {{"after", testing::fixture_results()}};
  inputs[0].results.complete = false;
  const std::string page = to_html_report(inputs, "");
  const std::size_t warning = page.find("<p class=\"warning\">Incomplete input — after: interrupted");
  ASSERT_NE(warning, std::string::npos);
  EXPECT_LT(warning, page.find("<section id=\"scenario-0\""));
  EXPECT_NE(to_markdown_report(inputs, "").find("> **Incomplete input** — after: interrupted"), std::string::npos);
}

TEST(HtmlReportSummary, TwoInputsAreABeforeAndAfterWithVerdicts) {
  Results after = steady_results(8.0);  // 20% slower at both counts
  after.configs[0] = steady_results(10.0).configs[0];  // but unchanged at 1 worker
  const std::vector<LabeledResults> inputs = {{"before", steady_results(10.0)}, {"after", after}};
  const std::string page = to_html_report(inputs, "");
  EXPECT_NE(page.find("<h3>before → after</h3>"), std::string::npos);
  EXPECT_NE(page.find("1 regressed (lock/ttas/threads/workers:2: -20.0%), 0 improved, 1 unchanged"), std::string::npos)
      << page.substr(page.find("summary"), 2000);
  EXPECT_NE(page.find("<p>gate: regressed — 1 of 2 judged configurations regressed"), std::string::npos);
  EXPECT_NE(page.find("<tr class=\"regressed\"><td>lock/ttas/threads/workers:2</td>"), std::string::npos);
  EXPECT_NE(page.find("<tr class=\"unchanged\"><td>lock/ttas/threads/workers:1</td>"), std::string::npos);
  const std::string markdown = to_markdown_report(inputs, "");
  EXPECT_NE(markdown.find("| lock/ttas/threads/workers:2 | 10.0 Mops/s | 8.00 Mops/s | -20.0% |"), std::string::npos) << markdown;
  // One input, or three: no before/after.
  EXPECT_EQ(to_html_report({inputs[0]}, "").find("→"), std::string::npos);
}

TEST(HtmlReportCharts, LatencyAtEveryWorkerCountAsSmallMultiples) {
  // The fixture's lock scenario has latency at 2 workers only; two counts with samples give the
  // full chart at the highest and one small chart, without a legend, at the other.
  const std::string page = to_html_report({{"x", steady_results(10.0)}}, "");
  EXPECT_NE(page.find("Latency spectrum at 2 workers — lock"), std::string::npos);
  EXPECT_NE(page.find("<figcaption>Latency spectrum at the other worker counts — lock (one y range for all)"),
            std::string::npos);
  EXPECT_NE(page.find(">at 1 worker</text>"), std::string::npos);
  EXPECT_EQ(to_html_report({{"x", testing::fixture_results()}}, "").find("at the other worker counts"), std::string::npos)
      << "one count with latency: no small multiples";
}

TEST(HtmlReportCharts, ThroughputOnALogAxisWhenAsked) {
  const std::vector<LabeledResults> inputs = {{"x", steady_results(10.0)}};
  EXPECT_EQ(to_html_report(inputs, "").find("Mops/s (log scale)"), std::string::npos);
  EXPECT_NE(to_html_report(inputs, "", {.log_throughput = true}).find("Mops/s (log scale)"), std::string::npos);
}

TEST(HtmlReportSummary, DarkModeFollowsTheSystem) {
  EXPECT_NE(to_html_report({{"x", testing::fixture_results()}}, "").find("@media (prefers-color-scheme:dark)"),
            std::string::npos);
}

TEST(HtmlReportEscaping, TextFromTheInputIsEscaped) {
  Results results = testing::fixture_results();
  results.configs[0].spec.primitive = "<script>alert(1)</script>";
  results.environment.hostname = "<script>host</script>";
  results.command_line = "contend run & <b>";
  const std::string html = to_html_report({{"<i>label</i>", results}}, "");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; (threads)"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;host&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;i&gt;label&lt;/i&gt;"), std::string::npos);
  EXPECT_NE(html.find("contend run &amp; &lt;b&gt;"), std::string::npos);
}

TEST(HtmlReportEscaping, EmptyInputStillMakesAPage) {
  const std::string html = to_html_report({{"empty", Results{}}}, "");
  EXPECT_NE(html.find("No configurations in the input."), std::string::npos);
  EXPECT_EQ(count_of(html, "<svg "), 0u);
}

constexpr const char* kExpectedMarkdown = R"md(# Fixture

1 result file: fixture. Each figure is the median over the repetitions that finished ok, with their range (min..max) when there were several. A figure that was not measured reads "not measured" in the tables; "not run" means the file has no such configuration.

## Summary

Fastest and fairest, per scenario at the highest worker count measured:

| scenario | at | fastest | fairest |
| :--- | :--- | :--- | :--- |
| lock | 2 workers | std-mutex (threads), 10.0 Mops/s | std-mutex (threads), Jain 0.990 |
| lock/cs:100ns | 2 workers | broken-crash (processes), 2.00 Mops/s | broken-crash (processes), Jain 0.800 |
| semaphore/permits:2/pin:compact | 4 workers | posix-sem (threads), 7.50 Mops/s | posix-sem (threads), Jain 0.971 |

Not ok:

- lock: broken-hang (threads), 1 worker: timeout: after 2 s (1 of 1 repetitions not ok)
- lock/cs:100ns: broken-crash (processes), 2 workers: crashed: SIGSEGV (2 of 3 repetitions not ok)

## lock

An operation is one lock and unlock; latency is the time to acquire the lock.

**Throughput, Mops/s: median over ok repetitions (min..max)**

| series | 1 | 2 |
| :--- | ---: | ---: |
| std-mutex (threads) | not run | 10.0 (8.00..10.0) |
| broken-hang (threads) | not measured | not run |

**Latency at 2 workers: all ok repetitions merged (min..max: the repetitions' own figures)**

| series | p50 | p90 | p99 | p99.9 | p99.99 | max | samples |
| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| std-mutex (threads) | 100ns (100..110ns) | 250ns (250..300ns) | 1.5µs (1.0..1.5µs) | 30µs (20..30µs) | 30µs (20..30µs) | 30µs (20..30µs) | 3000 |
| broken-hang (threads) | not run | not run | not run | not run | not run | not run | not run |

**Fairness, Jain's index (1 = equal shares): median over ok repetitions (min..max)**

| series | 1 | 2 |
| :--- | ---: | ---: |
| std-mutex (threads) | not run | 0.990 (0.962..1.000) |
| broken-hang (threads) | not measured | not run |

**CPU cost, CPU s per million operations: median over ok repetitions (min..max)**

| series | 1 | 2 |
| :--- | ---: | ---: |
| std-mutex (threads) | not run | 0.200 (0.200..0.200) |
| broken-hang (threads) | not measured | not run |

- broken-hang (threads), 1 worker: timeout: after 2 s (1 of 1 repetitions not ok)

## lock/cs:100ns

An operation is one lock and unlock; latency is the time to acquire the lock.

**Throughput, Mops/s: median over ok repetitions (min..max)**

| series | 2 |
| :--- | ---: |
| broken-crash (processes) | 2.00 |

**Latency at 2 workers: all ok repetitions merged (min..max: the repetitions' own figures)**

| series | p50 | p90 | p99 | p99.9 | p99.99 | max | samples |
| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| broken-crash (processes) | 500ns | 4.0µs | 4.0µs | 4.0µs | 4.0µs | 4.0µs | 4 |

**Fairness, Jain's index (1 = equal shares): median over ok repetitions (min..max)**

| series | 2 |
| :--- | ---: |
| broken-crash (processes) | 0.800 |

**CPU cost, CPU s per million operations: median over ok repetitions (min..max)**

| series | 2 |
| :--- | ---: |
| broken-crash (processes) | 1.00 |

- broken-crash (processes), 2 workers: crashed: SIGSEGV (2 of 3 repetitions not ok)

## semaphore/permits:2/pin:compact

An operation is one acquire and release; latency is the time to acquire a permit.

**Throughput, Mops/s: median over ok repetitions (min..max)**

| series | 4 |
| :--- | ---: |
| posix-sem (threads) | 7.50 (7.00..8.00) |

Latency: not measured (sampling was off, --sample 0).

**Fairness, Jain's index (1 = equal shares): median over ok repetitions (min..max)**

| series | 4 |
| :--- | ---: |
| posix-sem (threads) | 0.971 (0.942..1.000) |

**CPU cost, CPU s per million operations: median over ok repetitions (min..max)**

| series | 4 |
| :--- | ---: |
| posix-sem (threads) | 0.402 (0.375..0.429) |

## Environment

|  | fixture |
| :--- | :--- |
| CPU | Test CPU @ 3.20GHz |
| cores | 8 online, 8 allowed |
| kernel | 6.1.0-test |
| compiler | GCC 12.2.0 |
| build type | Release |
| contend | 0.1.0 |
| git revision | 0123456789ab |
| date (UTC) | 2024-01-02T03:04:05Z |
| clock | tsc at 3.20 GHz, 11.5 ns per read, resolution 0.312 ns |
| host | testhost |
| load average | 0.50 0.25 0.12 |
| command | contend run --workload lock,semaphore --repetitions 3 |
| complete | yes |
)md";

TEST(MarkdownReport, ExactText) { EXPECT_EQ(to_markdown_report(fixture_inputs(), "Fixture"), kExpectedMarkdown); }

}  // namespace
}  // namespace contend
