#pragma once
// Parsing of option values that CLI11 cannot check on its own: durations, lists, counts.
// Every function throws UsageError with the option's name and what it accepts.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace contend::cli {

// "500ms", "2s", "1.5s", "250us", "100ns", "1m"; a bare "0" is accepted as zero.
std::int64_t parse_duration_ns(std::string_view option, std::string_view text);

// "1,2,4,8" -> {1,2,4,8}; each between min and max; no duplicates; order kept.
std::vector<int> parse_int_list(std::string_view option, std::string_view text, int min, int max);
std::vector<std::int64_t> parse_integer_list(std::string_view option, std::string_view text, std::int64_t min,
                                            std::int64_t max);

// "a,b,c" -> {"a","b","c"}; empty items are an error.
std::vector<std::string> parse_name_list(std::string_view option, std::string_view text);

std::string format_duration(std::int64_t ns);

}  // namespace contend::cli
