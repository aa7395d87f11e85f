#pragma once
// The HTML report of `contend report`: one self-contained page (inline CSS and SVG, no script,
// no font or file fetched, so it opens offline in any browser) that overlays one or more
// result files. Per scenario (a workload with one set of knobs): throughput, fairness and CPU
// per million operations against workers, and the latency percentile spectrum at the highest
// worker count with samples, each chart with a table of its figures under it, then the spectrum at
// every other worker count as small multiples; then the environment of each file.
//
// Every text that comes from the input (labels, primitive names, hosts, command lines, the
// title) is escaped.
#include <string>
#include <vector>

#include "reports/compare.hpp"
#include "reports/report_model.hpp"  // LabeledResults

namespace contend {

struct HtmlReportOptions {
  // Throughput on a log axis in every chart (otherwise only where the figures span more than
  // two decades): for primitives of very different speeds, ratios read as equal distances.
  bool log_throughput = false;
};

// `title` heads the page; empty: "contend report".
std::string to_html_report(const std::vector<LabeledResults>& inputs, const std::string& title,
                           const HtmlReportOptions& options = {});

// The page of a verdicts file (compare --format json, ab's DIR/ab.json): the before/after
// section alone, since the repetitions are in the two results files.
std::string to_html_comparison_page(const Comparison& comparison, const std::string& title);

}  // namespace contend
