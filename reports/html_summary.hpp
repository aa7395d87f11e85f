#pragma once
// The HTML form of a report's summary (reports/report_summary.hpp): an incomplete input flagged,
// the before/after verdicts with their reasons and the gate's decision, the fastest and fairest
// per scenario, and what was not ok. Its CSS classes (warning, gate, verdict rows) are in
// html_report.cpp's style sheet.
#include <string>

#include "reports/report_summary.hpp"

namespace contend {

std::string html_summary_section(const ReportSummary& summary);

}  // namespace contend
