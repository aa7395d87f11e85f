#include "reports/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace contend::svg {
namespace {

// Text is measured by estimate: the SVG is laid out here, not by the browser, so margins and
// legend columns come from an average glyph width of the 12 px sans-serif font (a little wide,
// so estimates err on the side of room).
constexpr double kCharWidth = 7.0;
constexpr double kLegendRowHeight = 18;
constexpr double kLegendSwatchWidth = 34;
constexpr double kMarkerRadius = 3.5;
constexpr double kSideMargin = 16;
constexpr double kTopMargin = 36;

double text_width(std::string_view text) {
  // UTF-8 continuation bytes do not start a glyph ("µ" is one).
  const auto glyphs = std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
  return static_cast<double>(glyphs) * kCharWidth;
}

// Coordinates to one decimal: enough for a screen, and stable text for tests.
std::string px(double v) { return fmt::format("{:.1f}", v + 0.0); }

bool drawable(double v, Scale scale) {
  return std::isfinite(v) && (scale == Scale::linear || v > 0);
}

struct Range {
  double low = 0;
  double high = 1;
};

// The range the data asks for, before any end the caller fixed.
Range data_range(const std::vector<double>& values, Scale scale) {
  if (values.empty()) return scale == Scale::log ? Range{1, 10} : Range{0, 1};
  double low = *std::min_element(values.begin(), values.end());
  double high = *std::max_element(values.begin(), values.end());
  if (low == high) {
    // One value: give it room on both sides rather than a zero-width axis.
    if (scale == Scale::log) {
      low /= 2;
      high *= 2;
    } else if (low == 0) {
      high = 1;
    } else {
      low -= std::fabs(low) / 2;
      high += std::fabs(high) / 2;
    }
  }
  return {low, high};
}

struct ResolvedAxis {
  Range range;
  std::vector<Tick> ticks;
};

ResolvedAxis resolve_axis(const Axis& axis, std::vector<double> values) {
  for (const Tick& t : axis.ticks) {
    if (drawable(t.value, axis.scale)) values.push_back(t.value);
  }
  Range range = data_range(values, axis.scale);
  if (axis.ticks.empty()) {
    // Widen to the nice ticks around the data, so the outermost gridlines frame it.
    const std::vector<double> around = nice_ticks(range.low, range.high, axis.scale);
    range = {around.front(), around.back()};
  }
  if (axis.min) range.low = *axis.min;
  if (axis.max) range.high = *axis.max;
  if (!(range.high > range.low)) range.high = range.low + (axis.scale == Scale::log ? range.low : 1);

  ResolvedAxis resolved{range, {}};
  if (!axis.ticks.empty()) {
    for (const Tick& t : axis.ticks) {
      if (drawable(t.value, axis.scale)) resolved.ticks.push_back(t);
    }
    return resolved;
  }
  const double slack = (range.high - range.low) * 1e-9;
  for (double v : nice_ticks(range.low, range.high, axis.scale)) {
    if (v < range.low - slack || v > range.high + slack) continue;
    resolved.ticks.push_back({v, axis.format ? axis.format(v) : format_tick_number(v)});
  }
  return resolved;
}

std::string dash_attribute(Dash dash) {
  switch (dash) {
    case Dash::solid: return "";
    case Dash::dashed: return " stroke-dasharray=\"7 4\"";
    case Dash::dotted: return " stroke-dasharray=\"2 3\"";
  }
  return "";
}

std::string marker_element(const Series& s, double cx, double cy, const std::string& tooltip) {
  const std::string_view colour = kPalette[s.colour % kPalette.size()];
  const std::string paint =
      s.hollow_marker ? fmt::format("fill=\"#ffffff\" stroke=\"{}\" stroke-width=\"1.5\"", colour)
                      : fmt::format("fill=\"{}\"", colour);
  const std::string title = tooltip.empty() ? "" : fmt::format("<title>{}</title>", escape_xml(tooltip));
  const double r = kMarkerRadius;
  switch (s.marker) {
    case Marker::circle:
      return fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" {}>{}</circle>", px(cx), px(cy), px(r), paint,
                         title);
    case Marker::square:
      return fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {}>{}</rect>", px(cx - r),
                         px(cy - r), px(2 * r), px(2 * r), paint, title);
    case Marker::triangle:
      return fmt::format("<polygon points=\"{},{} {},{} {},{}\" {}>{}</polygon>", px(cx), px(cy - r * 1.2),
                         px(cx + r * 1.1), px(cy + r * 0.9), px(cx - r * 1.1), px(cy + r * 0.9), paint, title);
    case Marker::diamond:
      return fmt::format("<polygon points=\"{},{} {},{} {},{} {},{}\" {}>{}</polygon>", px(cx),
                         px(cy - r * 1.3), px(cx + r * 1.3), px(cy), px(cx), px(cy + r * 1.3),
                         px(cx - r * 1.3), px(cy), paint, title);
  }
  return "";
}

}  // namespace

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string format_tick_number(double value) { return fmt::format("{:g}", value + 0.0); }

std::vector<double> nice_ticks(double low, double high, Scale scale) {
  std::vector<double> ticks;
  if (scale == Scale::log) {
    if (!(low > 0)) low = std::numeric_limits<double>::min();
    if (!(high > low)) high = low * 10;
    const int first = static_cast<int>(std::floor(std::log10(low) + 1e-9));
    int last = static_cast<int>(std::ceil(std::log10(high) - 1e-9));
    if (last == first) ++last;
    // Within fewer than two decades, powers of ten alone leave too few gridlines to read.
    const bool with_steps = last - first <= 2;
    for (int decade = first; decade <= last; ++decade) {
      const double base = std::pow(10.0, decade);
      ticks.push_back(base);
      if (with_steps && decade < last) {
        ticks.push_back(2 * base);
        ticks.push_back(5 * base);
      }
    }
    return ticks;
  }
  if (!(high > low)) high = low + 1;
  const double raw_step = (high - low) / 5;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw_step)));
  const double fraction = raw_step / magnitude;
  const double step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
  // Whole multiples of the step, so ticks carry no accumulated rounding ("0.30000000000000004").
  const auto first = static_cast<long long>(std::floor(low / step + 1e-9));
  const auto last = static_cast<long long>(std::ceil(high / step - 1e-9));
  for (long long i = first; i <= last; ++i) ticks.push_back(static_cast<double>(i) * step + 0.0);
  return ticks;
}

double axis_fraction(double value, double low, double high, Scale scale) {
  if (scale == Scale::log) return (std::log10(value) - std::log10(low)) / (std::log10(high) - std::log10(low));
  return (value - low) / (high - low);
}

std::string render_svg(const Chart& chart) {
  std::vector<double> xs;
  std::vector<double> ys;
  for (const Series& s : chart.series) {
    for (const Point& p : s.points) {
      if (drawable(p.x, chart.x.scale) && drawable(p.y, chart.y.scale)) {
        xs.push_back(p.x);
        ys.push_back(p.y);
      }
    }
  }
  const ResolvedAxis x_axis = resolve_axis(chart.x, xs);
  const ResolvedAxis y_axis = resolve_axis(chart.y, ys);

  // Margins from the text they hold: y tick labels on the left, half the last x tick label on
  // the right.
  double widest_y_label = 0;
  for (const Tick& t : y_axis.ticks) widest_y_label = std::max(widest_y_label, text_width(t.label));
  const double last_x_label = x_axis.ticks.empty() ? 0 : text_width(x_axis.ticks.back().label);
  double widest_name = 0;
  if (chart.legend) {
    for (const Series& s : chart.series) widest_name = std::max(widest_name, text_width(s.name));
  }
  const double legend_item_width = kLegendSwatchWidth + widest_name + 18;
  const double width = chart.legend ? std::max(static_cast<double>(chart.width), 2 * kSideMargin + legend_item_width)
                                    : static_cast<double>(chart.width);

  const double plot_left = 30 + widest_y_label + 8;
  const double plot_right = width - std::max(kSideMargin, last_x_label / 2 + 4);
  const double plot_top = kTopMargin;
  const double plot_bottom = plot_top + chart.plot_height;
  const double plot_width = plot_right - plot_left;
  const auto columns = static_cast<std::size_t>(
      std::clamp(std::floor((width - 2 * kSideMargin) / legend_item_width), 1.0, 3.0));
  const std::size_t rows = chart.legend ? (chart.series.size() + columns - 1) / columns : 0;
  const double legend_top = plot_bottom + 56;
  const double height = legend_top + static_cast<double>(rows) * kLegendRowHeight + 6;

  const auto to_x = [&](double v) {
    return plot_left + axis_fraction(v, x_axis.range.low, x_axis.range.high, chart.x.scale) * plot_width;
  };
  const auto to_y = [&](double v) {
    return plot_bottom -
           axis_fraction(v, y_axis.range.low, y_axis.range.high, chart.y.scale) * chart.plot_height;
  };

  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"12\" role=\"img\">\n",
      px(width), px(height));
  out += fmt::format("<title>{}</title>\n", escape_xml(chart.title));
  out += fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", px(width), px(height));
  out += fmt::format("<text x=\"{}\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{}</text>\n", px(kSideMargin),
                     escape_xml(chart.title));

  // Gridlines and tick labels.
  for (const Tick& t : x_axis.ticks) {
    const double x = to_x(t.value);
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#e3e3e3\"/>\n", px(x),
                       px(plot_top), px(plot_bottom));
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#333333\">{}</text>\n", px(x),
                       px(plot_bottom + 16), escape_xml(t.label));
  }
  for (const Tick& t : y_axis.ticks) {
    const double y = to_y(t.value);
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#e3e3e3\"/>\n", px(plot_left),
                       px(y), px(plot_right));
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#333333\">{}</text>\n",
                       px(plot_left - 6), px(y + 4), escape_xml(t.label));
  }
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#555555\"/>\n",
                     px(plot_left), px(plot_top), px(plot_width), px(static_cast<double>(chart.plot_height)));

  // Axis titles.
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                     px((plot_left + plot_right) / 2), px(plot_bottom + 38), escape_xml(chart.x.title));
  const double y_title_y = (plot_top + plot_bottom) / 2;
  out += fmt::format("<text x=\"16\" y=\"{0}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {0})\">{1}</text>\n",
                     px(y_title_y), escape_xml(chart.y.title));

  // Series: lines first, markers on top of every line.
  std::string markers;
  for (const Series& s : chart.series) {
    const std::string_view colour = kPalette[s.colour % kPalette.size()];
    std::vector<std::string> segment;
    const auto flush = [&] {
      if (segment.size() >= 2) {
        std::string points;
        for (const std::string& p : segment) points += (points.empty() ? "" : " ") + p;
        out += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{}/>\n", points,
                           colour, dash_attribute(s.dash));
      }
      segment.clear();
    };
    for (const Point& p : s.points) {
      if (!drawable(p.x, chart.x.scale) || !drawable(p.y, chart.y.scale)) {
        flush();
        continue;
      }
      const double x = to_x(p.x);
      const double y = to_y(p.y);
      segment.push_back(fmt::format("{},{}", px(x), px(y)));
      if (drawable(p.low, chart.y.scale) && drawable(p.high, chart.y.scale) && p.high > p.low) {
        // The spread as a bar, under the markers. An end beyond the plotting area stops at its
        // edge without a cap, so the bar reads as going on (the table has the figure).
        const double top = to_y(p.high);
        const double bottom = to_y(p.low);
        const double shown_top = std::max(top, plot_top);
        const double shown_bottom = std::min(bottom, plot_bottom);
        std::string path = fmt::format("M{},{}V{}", px(x), px(shown_top), px(shown_bottom));
        if (top >= plot_top) path += fmt::format("M{},{}H{}", px(x - 3), px(top), px(x + 3));
        if (bottom <= plot_bottom) path += fmt::format("M{},{}H{}", px(x - 3), px(bottom), px(x + 3));
        out += fmt::format("<path d=\"{}\" stroke=\"{}\" stroke-width=\"1\" fill=\"none\"/>\n", path, colour);
      }
      markers += marker_element(s, x, y, p.tooltip) + "\n";
    }
    flush();
  }
  out += markers;
  if (xs.empty()) {
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#777777\">no data</text>\n",
                       px((plot_left + plot_right) / 2), px((plot_top + plot_bottom) / 2));
  }

  // Legend below the plot, row by row, so it never covers a line.
  for (std::size_t i = 0; chart.legend && i < chart.series.size(); ++i) {
    const Series& s = chart.series[i];
    const double x = kSideMargin + static_cast<double>(i % columns) * legend_item_width;
    const double y = legend_top + static_cast<double>(i / columns) * kLegendRowHeight;
    out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\"{}/>\n", px(x),
                       px(y), px(x + kLegendSwatchWidth - 8), px(y), kPalette[s.colour % kPalette.size()],
                       dash_attribute(s.dash));
    out += marker_element(s, x + (kLegendSwatchWidth - 8) / 2, y, "") + "\n";
    out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", px(x + kLegendSwatchWidth), px(y + 4),
                       escape_xml(s.name));
  }
  out += "</svg>\n";
  return out;
}

}  // namespace contend::svg
