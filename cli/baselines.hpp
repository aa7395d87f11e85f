#pragma once
// Saved baselines, as criterion keeps them: `contend run ... --save-baseline main` writes its
// results under the baselines folder, and `contend compare --baseline main NEW.json` judges NEW
// against them. The folder is ./contend-baselines (one directory per name, holding what -o
// writes), or $CONTEND_BASELINE_DIR when set.
#include <filesystem>
#include <string>
#include <vector>

namespace contend::cli {

std::filesystem::path baselines_folder();

// The directory of the baseline `name`; a name is letters, digits, '.', '_' and '-', not
// starting with '.' (UsageError otherwise).
std::filesystem::path baseline_dir(const std::string& name);

// The saved results.json of `name`; UsageError naming the saved ones when there is none.
std::string baseline_results(const std::string& name);

// Where a run writes: its -o directory and its baseline's, each when given.
std::vector<std::string> output_dirs(const std::string& out_dir, const std::string& save_baseline);

}  // namespace contend::cli
