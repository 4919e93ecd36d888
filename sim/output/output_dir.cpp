#include "sim/output/output_dir.hpp"

#include <stdexcept>
#include <system_error>

namespace clocksim::sim {

namespace fs = std::filesystem;

std::string folder_creation_failure(const fs::path& folder, const std::error_code& ec) {
  std::error_code link_ec;
  if (fs::is_symlink(fs::symlink_status(folder, link_ec))) {
    const fs::path target = fs::read_symlink(folder, link_ec);
    if (!fs::exists(folder, link_ec)) {
      return "it is a symbolic link to " + (link_ec ? std::string("somewhere") : target.string()) +
             ", which does not exist (a dangling link: remove it, or make the folder it names)";
    }
  }
  return ec.message();
}

OutputDir::OutputDir(const std::string& path) {
  std::error_code ec;
  std::vector<fs::path> missing;  // innermost first
  fs::path at = fs::absolute(path, ec);
  if (ec) throw std::runtime_error("cannot use the output folder " + path + ": " + ec.message());
  while (!fs::exists(at, ec) && at.has_parent_path() && at.parent_path() != at) {
    missing.push_back(at);
    at = at.parent_path();
  }
  if (!fs::is_directory(at, ec)) {
    throw std::runtime_error("cannot use the output folder " + path + ": " + at.string() + " is a file, not a folder");
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (!fs::create_directory(*it, ec) && ec) {
      const std::string why = folder_creation_failure(*it, ec);
      remove_created();
      throw std::runtime_error("cannot create the output folder " + it->string() + ": " + why);
    }
    created_.push_back(*it);
    pending_.push_back(std::make_unique<PendingFile>(it->string(), PendingKind::kFolderIfEmpty));
  }
}

void OutputDir::keep() {
  keep_ = true;
  pending_.clear();
}

OutputDir::~OutputDir() {
  if (!keep_) remove_created();
}

void OutputDir::remove_created() {
  // Deepest first, and fs::remove takes a folder only while it is empty: nothing but what this
  // made can go.
  std::error_code ec;
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) fs::remove(*it, ec);
  created_.clear();
  pending_.clear();
}

}  // namespace clocksim::sim
