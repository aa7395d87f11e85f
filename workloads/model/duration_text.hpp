#pragma once
// Durations written as a whole number and a unit ("50ms", "2s", "100us", "0"), for the knob
// values that carry one inside other text (--fault pause-holder:50ms, --hold exp:200us).
#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace contend {

// The shortest exact form: "2s", "50ms", "100us", "7ns".
inline std::string duration_text(std::int64_t ns) {
  if (ns == 0) return "0";
  if (ns % 1'000'000'000 == 0) return fmt::format("{}s", ns / 1'000'000'000);
  if (ns % 1'000'000 == 0) return fmt::format("{}ms", ns / 1'000'000);
  if (ns % 1'000 == 0) return fmt::format("{}us", ns / 1'000);
  return fmt::format("{}ns", ns);
}

// "50ms", "2s", "100us" (a positive whole number and a unit), or "0" when zero_ok; else nothing.
inline std::optional<std::int64_t> duration_ns(std::string_view text, bool zero_ok = false) {
  if (zero_ok && text == "0") return 0;
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end == text.data() || n <= 0) return std::nullopt;
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  std::int64_t scale = 0;
  if (unit == "ns") scale = 1;
  if (unit == "us") scale = 1'000;
  if (unit == "ms") scale = 1'000'000;
  if (unit == "s") scale = 1'000'000'000;
  if (scale == 0 || n > INT64_MAX / scale) return std::nullopt;
  return n * scale;
}

}  // namespace contend
