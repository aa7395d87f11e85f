#pragma once
// Writing reports to files, each whole or not at all: written to a temporary file in the same
// directory, then renamed over the target, so a reader (or a crash) never sees half a file.
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

#include "workloads/model/result.hpp"

namespace contend {

// Writes `content` to `.NAME.tmp.PID` next to `path`, flushes it to disk, and renames it to
// `path`. On failure removes the temporary file and throws std::runtime_error naming the path
// and the system's reason.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);
// The same, with the content written by `write` to a stream, so a large file need not be one
// string in memory first.
void write_file_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write);

// The configuration's name as a file name: "lock/std-mutex/threads/workers:4" ->
// "lock-std-mutex-threads-workers-4.hgrm". Only [A-Za-z0-9._-]; anything else becomes '-'.
std::string hgrm_file_name(const ConfigResult& config);

// Creates `dir` if needed and writes results.csv, results.json and one .hgrm per configuration
// (its latency merged over the measured repetitions) except micro benchmarks, which have none.
void write_results_dir(const std::filesystem::path& dir, const Results& results);

}  // namespace contend
