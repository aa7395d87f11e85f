#pragma once
// A GitHub-flavoured Markdown report: the console table's columns as a Markdown table, its
// notes, and a short section on the environment the figures were taken in.
#include <string>

#include "workloads/model/result.hpp"

namespace contend {

std::string to_markdown(const Results& results);

}  // namespace contend
