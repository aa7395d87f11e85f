#pragma once
// Line charts as SVG text: a pure function from a chart description (title, two axes, named
// series of points with a colour, dash and marker) to a self-contained <svg> element with
// axes, ticks, grid and a legend. `contend report` draws every chart of its HTML page with it.
//
// Why our own module rather than gnuplot, matplotlib or a JavaScript library: the report must
// be produced by the contend binary wherever a user runs it, with no runtime dependency (no
// interpreter, no plotting program, no script fetched by the browser), and its output must be
// deterministic text, so exact-text tests can check it and two runs over the same results give
// the same bytes. What it draws is small: lines and markers on linear or log axes.
//
// Every text that reaches the SVG (titles, axis labels, series names, tooltips) is escaped
// here, so callers can pass text read from input files as it is.
#include <array>
#include <cstddef>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace contend::svg {

enum class Scale { linear, log };

struct Tick {
  double value = 0;
  std::string label;
};

struct Axis {
  std::string title;
  Scale scale = Scale::linear;
  // The ends of the axis; those not given come from the data, widened to the nice ticks.
  std::optional<double> min;
  std::optional<double> max;
  // Explicit ticks (e.g. the measured worker counts, or p50..max); empty: nice ticks chosen
  // from the range (1, 2, 5 x 10^k steps on a linear axis, decades on a log axis).
  std::vector<Tick> ticks;
  // How nice ticks are labelled; empty: format_tick_number.
  std::function<std::string(double)> format;
};

enum class Dash { solid, dashed, dotted };
enum class Marker { circle, square, triangle, diamond };

struct Point {
  double x = 0;
  double y = 0;
  std::string tooltip;  // shown by the browser on hover (an SVG <title>); empty: none
  // The spread behind y (e.g. min..max over repetitions), drawn as a bar; NaN: none.
  double low = std::numeric_limits<double>::quiet_NaN();
  double high = std::numeric_limits<double>::quiet_NaN();
};

// A point with a non-finite coordinate, or a non-positive one on a log axis, is left out and
// breaks the line there: a gap shows a figure that was not measured.
struct Series {
  std::string name;
  std::vector<Point> points;
  std::size_t colour = 0;  // index into palette(), taken modulo its size
  Dash dash = Dash::solid;
  Marker marker = Marker::circle;
  bool hollow_marker = false;
};

struct Chart {
  std::string title;
  Axis x;
  Axis y;
  std::vector<Series> series;
  int width = 640;        // of the whole SVG, in CSS pixels
  int plot_height = 280;  // of the plotting area; the SVG adds title, axes and legend to it
  bool legend = true;     // false: small multiples, whose series the full-size chart above names
};

// Okabe and Ito's colour-blind-safe palette, without its yellow (too faint on white).
inline constexpr std::array<std::string_view, 7> kPalette = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"};

// The <svg> element, deterministic for a given chart. A chart with no drawable point still
// gets its axes and says "no data" in the plotting area.
std::string render_svg(const Chart& chart);

// Default tick label: the shortest of fixed or exponent form that keeps 6 significant digits
// ("0.5", "250", "1e+06").
std::string format_tick_number(double value);

// Nice ticks for a range: on a linear axis about 5 steps of 1, 2 or 5 x 10^k covering
// [low, high]; on a log axis every decade covering it (and 2, 5 within decades when it spans
// fewer than two). Exposed for tests.
std::vector<double> nice_ticks(double low, double high, Scale scale);

// Where `value` falls between `low` and `high` on the scale, from 0 to 1.
double axis_fraction(double value, double low, double high, Scale scale);

// Escapes & < > " ' for XML and HTML text and attributes.
std::string escape_xml(std::string_view text);

}  // namespace contend::svg
