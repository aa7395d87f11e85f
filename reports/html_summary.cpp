// The summary section of the HTML report (reports/html_summary.hpp).
#include "reports/html_summary.hpp"

#include <fmt/format.h>

#include "reports/svg_chart.hpp"

namespace contend {

using svg::escape_xml;

std::string html_summary_section(const ReportSummary& summary) {
  std::string out = "<section id=\"summary\" class=\"summary\">\n<h2>Summary</h2>\n";
  for (const std::string& line : summary.incomplete) {
    out += fmt::format("<p class=\"warning\">Incomplete input — {}: its figures cover only what ran.</p>\n",
                       escape_xml(line));
  }
  if (summary.before_after) {
    const Comparison& c = *summary.before_after;
    out += fmt::format("<h3>{} → {}</h3>\n<p class=\"gate\">{}</p>\n<p>gate: {} — {}</p>\n",
                       escape_xml(c.base.label), escape_xml(c.current.label), escape_xml(before_after_headline(c)),
                       escape_xml(std::string(to_string(c.gate.decision))), escape_xml(c.gate.reason));
    out += fmt::format(
        "<table>\n<caption>{}, new / base − 1: the Hodges-Lehmann change with its 95% interval; regressed or "
        "improved needs Holm-adjusted p &lt; {} and the whole interval past ±{:.0f}% (as contend compare)</caption>\n"
        "<thead><tr><th>configuration</th><th>before</th><th>after</th><th>change</th><th>95% interval</th>"
        "<th>verdict</th></tr></thead>\n<tbody>\n",
        to_string(c.settings.metric), c.settings.alpha, c.settings.threshold * 100.0);
    for (const ConfigComparison& x : c.configs) {
      out += fmt::format(
          "<tr class=\"{0}\"><td>{1}</td><td class=\"number\">{2}</td><td class=\"number\">{3}</td>"
          "<td class=\"number\">{4}</td><td class=\"number\">{5}</td><td class=\"verdict\" title=\"{6}\">{0}</td></tr>\n",
          to_string(x.verdict), escape_xml(x.name), escape_xml(comparison_value(c, x.base)), escape_xml(comparison_value(c, x.current)),
          x.change ? fmt::format("{:+.1f}%", *x.change * 100.0) : std::string("—"),
          escape_xml(change_interval_text(x)), escape_xml(x.reason));
    }
    out += "</tbody>\n</table>\n";
    std::string reasons;
    for (const ConfigComparison& x : c.configs) {
      if (x.reason.empty()) continue;
      reasons += fmt::format("<li>{} {}: {}</li>\n", to_string(x.verdict), escape_xml(x.name), escape_xml(x.reason));
    }
    if (!reasons.empty()) out += "<ul class=\"notes\">\n" + reasons + "</ul>\n";
  }
  if (!summary.highlights.empty()) {
    out += "<h3>Fastest and fairest</h3>\n<table>\n<caption>per scenario, at the highest worker count measured: the "
           "series with the highest median throughput, and with the highest median Jain index</caption>\n"
           "<thead><tr><th>scenario</th><th>at</th><th>fastest</th><th>fairest</th></tr></thead>\n<tbody>\n";
    for (const ScenarioHighlight& h : summary.highlights) {
      out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", escape_xml(h.scenario),
                         escape_xml(h.count), escape_xml(h.fastest), escape_xml(h.fairest));
    }
    out += "</tbody>\n</table>\n";
  }
  if (!summary.not_ok.empty()) {
    out += "<h3>Not ok</h3>\n<ul class=\"notes\">\n";
    for (const std::string& note : summary.not_ok) out += fmt::format("<li>{}</li>\n", escape_xml(note));
    out += "</ul>\n";
  } else if (!summary.highlights.empty()) {
    out += "<p>Every repetition of every configuration finished ok.</p>\n";
  }
  out += "</section>\n";
  return out;
}

}  // namespace contend
