#include "sim/sweep/sweep_table.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace clocksim::sweep {
namespace {

// The columns after the parameters; every other column of sweep.csv is a swept parameter.
const std::vector<std::string> kResultColumns = {
    "seed", "max_skew_ns", "max_skew_after_warmup_ns", "bound_ns", "bound_violations",
    "failovers", "events", "expects_failed", "wall_time_s"};

std::string number_text(const nlohmann::json& value) {
  if (value.is_null()) return "";
  if (value.is_number_integer()) return value.dump();
  if (value.is_number_float()) {
    const double v = value.get<double>();
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9e15) return std::to_string(static_cast<long long>(v));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
  }
  throw std::runtime_error("expected a number, found " + value.dump());
}

const nlohmann::json& at(const nlohmann::json& obj, const char* key, const std::string& where) {
  if (!obj.is_object() || !obj.contains(key)) throw std::runtime_error(where + ": missing key '" + key + "'");
  return obj.at(key);
}

}  // namespace

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

SweepTable::SweepTable(const SweepSpec& spec, const std::vector<PlannedRun>& runs)
    : runs_(&runs), rows_(runs.size()) {
  header_.push_back("run");
  for (const SweepParameter& p : spec.matrix) header_.push_back(p.path);
  header_.insert(header_.end(), kResultColumns.begin(), kResultColumns.end());
}

void SweepTable::record(std::size_t index, const std::string& run_dir) {
  const std::string path = (std::filesystem::path(run_dir) / "summary.json").string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  nlohmann::json summary;
  try {
    summary = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
  try {
    const PlannedRun& run = (*runs_)[index];
    const nlohmann::json& results = at(summary, "results", path);
    std::string line = csv_field(run.folder);
    for (const std::string& v : run.values) line += "," + csv_field(v);
    const nlohmann::json& seed = at(at(summary, "scenario", path), "seed", path);
    line += "," + (run.seed ? std::to_string(*run.seed) : number_text(seed));
    line += "," + number_text(at(results, "max_skew_ns", path));
    line += "," + number_text(results.value("max_skew_after_warmup_ns", nlohmann::json()));
    line += "," + number_text(results.value("bound_ns", nlohmann::json()));
    line += "," + number_text(results.value("bound_violations", nlohmann::json()));
    const nlohmann::json& failovers = results.value("failovers", nlohmann::json::array());
    line += "," + std::to_string(failovers.is_array() ? failovers.size() : 0);
    line += "," + number_text(at(results, "events_processed", path));
    std::size_t failed = 0;
    for (const nlohmann::json& e : summary.value("expects", nlohmann::json::array())) {
      if (!e.value("passed", false)) ++failed;
    }
    line += "," + std::to_string(failed);
    line += "," + number_text(summary.value("wall_time_s", nlohmann::json(0.0)));
    rows_.at(index) = std::move(line);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

std::size_t SweepTable::recorded() const {
  std::size_t n = 0;
  for (const auto& r : rows_) n += r.has_value();
  return n;
}

std::string SweepTable::csv() const {
  std::string out;
  for (std::size_t i = 0; i < header_.size(); ++i) out += (i ? "," : "") + csv_field(header_[i]);
  out += '\n';
  for (const auto& r : rows_) {
    if (r) out += *r + '\n';
  }
  return out;
}

void SweepTable::write(const std::string& path) const {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << csv();
    out.flush();
    if (!out) throw std::runtime_error(tmp + ": cannot write");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw std::runtime_error(path + ": cannot replace: " + ec.message());
  }
}

}  // namespace clocksim::sweep
