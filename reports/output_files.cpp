#include "reports/output_files.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <set>
#include <stdexcept>
#include <system_error>

#include "reports/csv.hpp"
#include "reports/hgrm.hpp"
#include "reports/json.hpp"

namespace contend {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, std::string_view action, int error) {
  throw std::runtime_error(fmt::format("cannot {} {}: {}", action, path.string(),
                                       std::error_code(error, std::generic_category()).message()));
}

bool is_portable(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  write_file_atomically(path, [content](std::ostream& out) { out.write(content.data(), static_cast<std::streamsize>(content.size())); });
}

void write_file_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write) {
  const std::filesystem::path temp =
      path.parent_path() / fmt::format(".{}.tmp.{}", path.filename().string(), ::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) fail(path, "create a temporary file for", errno);
    write(out);
    out.flush();
    if (!out) {
      const int write_error = errno;
      ::unlink(temp.c_str());
      fail(path, "write", write_error);
    }
  }
  // fsync before rename, so after a power loss the name points at the whole new content
  // rather than at an empty file.
  const int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int sync_error = errno;
    if (fd >= 0) ::close(fd);
    ::unlink(temp.c_str());
    fail(path, "write", sync_error);
  }
  ::close(fd);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int rename_error = errno;
    ::unlink(temp.c_str());
    fail(path, "replace", rename_error);
  }
}

std::string hgrm_file_name(const ConfigResult& config) {
  std::string name = config.name();
  for (char& c : name) {
    if (!is_portable(c)) c = '-';
  }
  return name + ".hgrm";
}

void write_results_dir(const std::filesystem::path& dir, const Results& results) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) fail(dir, "create directory", ec.value());

  write_file_atomically(dir / "results.csv", to_csv(results));
  // Written as it is made, one configuration at a time: a long suite's file is tens of MB.
  write_file_atomically(dir / "results.json", [&results](std::ostream& out) { write_json(out, results); });
  // A configuration gets its file when it has latency samples: one that never ran, or ran with
  // sampling off, has no distribution to give, and a file saying "Total count = 0" would read as
  // one (the JSON and the table say it was not timed).
  std::set<std::string> used;
  for (std::size_t i = 0; i < results.configs.size(); ++i) {
    const ConfigResult& config = results.configs[i];
    // A micro benchmark (Google Benchmark's) never times a single operation: it has no
    // latency at all, rather than an empty sample of it.
    if (!config.spec.micro_case.empty()) continue;
    const Histogram latency = config.merged_latency();
    if (latency.total_count() == 0) continue;
    std::string file = hgrm_file_name(config);
    // Two names can differ only in characters that were replaced; the later one gets its
    // position appended rather than overwriting the other's file.
    if (!used.insert(file).second) {
      file = fmt::format("{}-{}.hgrm", file.substr(0, file.size() - 5), i);
      used.insert(file);
    }
    write_file_atomically(dir / file, to_hgrm(latency));
  }
}

}  // namespace contend
