#pragma once
// CSV: one row per configuration x repetition, units in the column names, RFC 4180 quoting,
// numbers that pandas.read_csv and R's read.csv parse without options. A figure that was not
// measured, or a setting that does not apply to the workload, is an empty cell.
#include <string>

#include "workloads/model/result.hpp"

namespace contend {

std::string to_csv(const Results& results);

}  // namespace contend
