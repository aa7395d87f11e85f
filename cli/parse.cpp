#include "cli/parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "cli/usage_error.hpp"

namespace contend::cli {

std::int64_t parse_duration_ns(std::string_view option, std::string_view text) {
  const auto bad = [&] {
    return UsageError(fmt::format("{}: '{}' is not a duration; expected a number with a unit "
                                  "(ns, us, ms, s, m), e.g. 500ms or 2s",
                                  option, text));
  };
  if (text == "0") return 0;
  std::size_t unit_at = 0;
  while (unit_at < text.size() && (std::isdigit(static_cast<unsigned char>(text[unit_at])) || text[unit_at] == '.')) {
    ++unit_at;
  }
  if (unit_at == 0) throw bad();
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + unit_at, value);
  if (ec != std::errc() || end != text.data() + unit_at) throw bad();
  const std::string_view unit = text.substr(unit_at);
  double scale = 0;
  if (unit == "ns") scale = 1;
  else if (unit == "us" || unit == "µs") scale = 1e3;
  else if (unit == "ms") scale = 1e6;
  else if (unit == "s") scale = 1e9;
  else if (unit == "m" || unit == "min") scale = 60e9;
  else throw bad();
  const double ns = value * scale;
  if (!std::isfinite(ns) || ns > 24 * 3600e9) {
    throw UsageError(fmt::format("{}: '{}' is too long; the limit is 24 hours", option, text));
  }
  return static_cast<std::int64_t>(std::llround(ns));
}

std::vector<std::int64_t> parse_integer_list(std::string_view option, std::string_view text, std::int64_t min,
                                            std::int64_t max) {
  std::vector<std::int64_t> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string_view item = text.substr(pos, comma - pos);
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() || v < min || v > max) {
      throw UsageError(fmt::format("{}: '{}' is not valid; expected whole numbers from {} to {}, "
                                   "comma-separated, e.g. 1,2,4",
                                   option, item, min, max));
    }
    if (std::find(out.begin(), out.end(), v) != out.end()) {
      throw UsageError(fmt::format("{}: {} is listed twice", option, v));
    }
    out.push_back(v);
    pos = comma + 1;
  }
  return out;
}

std::vector<int> parse_int_list(std::string_view option, std::string_view text, int min, int max) {
  std::vector<int> out;
  for (std::int64_t v : parse_integer_list(option, text, min, max)) out.push_back(static_cast<int>(v));
  return out;
}

std::vector<std::string> parse_name_list(std::string_view option, std::string_view text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string_view item = text.substr(pos, comma - pos);
    if (item.empty()) {
      throw UsageError(fmt::format("{}: empty name in '{}'; expected names separated by commas", option, text));
    }
    if (std::find(out.begin(), out.end(), item) != out.end()) {
      throw UsageError(fmt::format("{}: '{}' is listed twice", option, item));
    }
    out.emplace_back(item);
    pos = comma + 1;
  }
  return out;
}

std::string format_duration(std::int64_t ns) {
  if (ns % 1'000'000'000 == 0) return fmt::format("{}s", ns / 1'000'000'000);
  if (ns % 1'000'000 == 0) return fmt::format("{}ms", ns / 1'000'000);
  if (ns % 1'000 == 0) return fmt::format("{}us", ns / 1'000);
  return fmt::format("{}ns", ns);
}

}  // namespace contend::cli
