#include "cli/baselines.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>

#include "cli/usage_error.hpp"

namespace contend::cli {

namespace fs = std::filesystem;

fs::path baselines_folder() {
  const char* chosen = std::getenv("CONTEND_BASELINE_DIR");
  return chosen != nullptr && chosen[0] != '\0' ? fs::path(chosen) : fs::path("contend-baselines");
}

fs::path baseline_dir(const std::string& name) {
  const bool valid = !name.empty() && name[0] != '.' && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
  if (!valid) {
    throw UsageError(fmt::format("baseline name '{}': expected letters, digits, '.', '_' and '-', not starting with "
                                 "'.', e.g. main or v1.2",
                                 name));
  }
  return baselines_folder() / name;
}

std::string baseline_results(const std::string& name) {
  const fs::path file = baseline_dir(name) / "results.json";
  std::error_code ec;
  if (fs::is_regular_file(file, ec)) return file.string();
  std::vector<std::string> saved;
  for (const auto& entry : fs::directory_iterator(baselines_folder(), ec)) {
    if (fs::is_regular_file(entry.path() / "results.json", ec)) saved.push_back(entry.path().filename().string());
  }
  std::sort(saved.begin(), saved.end());
  throw UsageError(fmt::format("--baseline {}: no saved baseline at {} (save one with 'contend run ... "
                               "--save-baseline {}'); {}",
                               name, file.string(), name,
                               saved.empty() ? fmt::format("{} holds none", baselines_folder().string())
                                             : fmt::format("saved: {}", fmt::join(saved, ", "))));
}

std::vector<std::string> output_dirs(const std::string& out_dir, const std::string& save_baseline) {
  std::vector<std::string> dirs;
  if (!out_dir.empty()) dirs.push_back(out_dir);
  if (!save_baseline.empty()) dirs.push_back(baseline_dir(save_baseline).string());
  return dirs;
}

}  // namespace contend::cli
