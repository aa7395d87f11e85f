#pragma once
// The Markdown form of `contend report` (--format markdown): per scenario, the tables of
// figures the HTML page draws its charts from, then the environment of each input, for a pull
// request or a wiki page where a chart cannot go. Not `contend run --format markdown`
// (reports/markdown.hpp), which is one run's summary table.
#include <string>
#include <vector>

#include "reports/compare.hpp"
#include "reports/report_model.hpp"

namespace contend {

// `title` heads the document; empty: "contend report".
std::string to_markdown_report(const std::vector<LabeledResults>& inputs, const std::string& title = "");
// A verdicts file's (compare --format json, ab's ab.json) before/after table alone.
std::string to_markdown_comparison(const Comparison& comparison, const std::string& title = "");

}  // namespace contend
