#include "sim/sweep/sweep_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "algorithms/core/decimal_text.hpp"
#include "algorithms/core/duration_parse.hpp"
#include "sim/output/atomic_file.hpp"

namespace clocksim::sweep {
namespace {

// The columns after the parameters; every other column of sweep.csv is a swept parameter.
const std::vector<std::string> kResultColumns = {
    "seed", "warmup_s", "max_skew_ns", "max_skew_after_warmup_ns", "steady_skew_mean_ns", "steady_skew_p50_ns",
    "steady_skew_p99_ns", "bound_ns", "skew_over_bound", "bound_violations", "bound_why", "bound_note", "elections", "failovers",
    "failovers_unfinished", "failover_time_max_s", "detection_time_max_s", "election_messages", "messages_sent",
    "messages_lost", "events", "expects", "expects_failed", "expects_not_evaluated", "wall_time_s"};

std::string number_text(const nlohmann::json& value) {
  if (value.is_null()) return "";
  if (value.is_number_integer()) return value.dump();
  if (value.is_number_float()) {
    const double v = value.get<double>();
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9e15) return std::to_string(static_cast<long long>(v));
    return general_text(v, 6);
  }
  throw std::runtime_error("expected a number, found " + value.dump());
}

const nlohmann::json& at(const nlohmann::json& obj, const char* key, const std::string& where) {
  if (!obj.is_object() || !obj.contains(key)) throw std::runtime_error(where + ": missing key '" + key + "'");
  return obj.at(key);
}

std::string ns_as_seconds(const nlohmann::json& value) {
  if (value.is_null()) return "";
  if (!value.is_number_integer()) throw std::runtime_error("expected integer nanoseconds, found " + value.dump());
  return seconds_text(value.get<long long>());
}

// The largest of a field over the failovers (empty when none has it).
std::string max_over_failovers(const nlohmann::json& failovers, const char* key) {
  std::optional<long long> worst;
  for (const nlohmann::json& f : failovers) {
    const nlohmann::json& v = f.value(key, nlohmann::json());
    if (v.is_number_integer()) worst = std::max(worst.value_or(v.get<long long>()), v.get<long long>());
  }
  return worst ? seconds_text(*worst) : std::string();
}

// A summary.json that does not parse (cut short, edited by hand, a disk fault): where, as
// FILE:LINE:COLUMN, and what the parser saw, without the parser's exception name; and how to get
// the run again (a merge only reads; a sweep or shard resumed runs a damaged run again).
std::string unreadable_summary(const std::string& path, const std::string& what) {
  // nlohmann's parse errors read "[json.exception.parse_error.101] parse error at line L, column C:
  // reason".
  std::string where = path, reason = what;
  constexpr std::string_view kAt = "at line ";
  if (const auto at = what.find(kAt); at != std::string::npos) {
    const auto comma = what.find(", column ", at);
    const auto colon = comma == std::string::npos ? comma : what.find(": ", comma);
    if (colon != std::string::npos) {
      const std::string line = what.substr(at + kAt.size(), comma - at - kAt.size());
      const std::string column = what.substr(comma + 9, colon - comma - 9);
      where = path + ":" + line + ":" + column;
      reason = what.substr(colon + 2);
    }
  }
  if (reason.rfind("[json.exception", 0) == 0) reason = reason.substr(reason.find(']') + 1);
  while (!reason.empty() && reason.front() == ' ') reason.erase(reason.begin());
  return where + ": not valid JSON: " + reason + " (run the sweep, or its shard, again without --merge: it runs this run again)";
}

}  // namespace

std::string seconds_text(long long ns) {
  const bool negative = ns < 0;
  const unsigned long long mag = negative ? 0ULL - static_cast<unsigned long long>(ns) : static_cast<unsigned long long>(ns);
  std::string out = (negative ? "-" : "") + std::to_string(mag / 1'000'000'000ULL);
  unsigned long long frac = mag % 1'000'000'000ULL;
  if (frac != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%09llu", frac);
    std::string digits(buf);
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

SweepTable::SweepTable(const SweepSpec& spec, const std::vector<PlannedRun>& runs)
    : runs_(&runs), rows_(runs.size()) {
  header_.push_back("run");
  for (const SweepParameter& p : spec.matrix) {
    // A parameter whose every value is a duration is a number of seconds: "10s" sorts after
    // "5s" and plots on a numeric axis. A bare 0 is a duration too (the loader takes it as one),
    // but so is it a count or a rate: only a unit on some value says the parameter is a time.
    bool durations = true;
    bool some_unit = false;
    for (const std::string& v : p.values) {
      durations = durations && parse_duration(v).has_value();
      some_unit = some_unit || v.find_first_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos;
    }
    durations = durations && some_unit;
    param_is_duration_.push_back(durations);
    header_.push_back(durations ? p.path + "_s" : p.path);
  }
  header_.insert(header_.end(), kResultColumns.begin(), kResultColumns.end());
}

RunVerdict SweepTable::record(std::size_t index, const std::string& run_dir) {
  const std::string path = (std::filesystem::path(run_dir) / "summary.json").string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  nlohmann::json summary;
  try {
    summary = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(unreadable_summary(path, e.what()));
  }
  try {
    const PlannedRun& run = (*runs_)[index];
    const nlohmann::json& results = at(summary, "results", path);
    std::string line = csv_field(run.folder);
    for (std::size_t i = 0; i < run.values.size(); ++i) {
      const std::string& v = run.values[i];
      line += "," + (param_is_duration_.at(i) ? seconds_text(parse_duration(v)->ns()) : csv_field(v));
    }
    const nlohmann::json& seed = at(at(summary, "scenario", path), "seed", path);
    line += "," + (run.seed ? std::to_string(*run.seed) : number_text(seed));
    const nlohmann::json none;
    line += "," + ns_as_seconds(results.value("warmup_ns", none));
    line += "," + number_text(at(results, "max_skew_ns", path));
    for (const char* key : {"max_skew_after_warmup_ns", "steady_skew_mean_ns", "steady_skew_p50_ns",
                            "steady_skew_p99_ns", "bound_ns", "worst_skew_over_bound", "bound_violations"}) {
      line += "," + number_text(results.value(key, none));
    }
    const nlohmann::json& why = results.value("bound_why", none);
    line += "," + (why.is_string() ? csv_field(why.get<std::string>()) : std::string());
    const nlohmann::json& note = results.value("bound_note", none);
    line += "," + (note.is_string() ? csv_field(note.get<std::string>()) : std::string());
    line += "," + number_text(results.value("elections", none));
    const nlohmann::json failovers = results.value("failovers", nlohmann::json::array());
    line += "," + std::to_string(failovers.is_array() ? failovers.size() : 0);
    const nlohmann::json fos = failovers.is_array() ? failovers : nlohmann::json::array();
    // A failover without a new master by the end of the run has no time: the worst time is over
    // the finished ones, and how many did not finish is a column of its own (a number that says
    // "never" would not sort or plot as one).
    std::size_t unfinished = 0;
    for (const nlohmann::json& f : fos) unfinished += f.value("failover_time_ns", nlohmann::json()).is_null() ? 1 : 0;
    line += "," + std::to_string(unfinished);
    line += "," + max_over_failovers(fos, "failover_time_ns");
    line += "," + max_over_failovers(fos, "detection_time_ns");
    std::uint64_t election_messages = 0;
    for (const nlohmann::json& f : fos) election_messages += f.value("election_messages", std::uint64_t{0});
    line += "," + (fos.empty() ? std::string() : std::to_string(election_messages));
    line += "," + number_text(results.value("messages_sent", none));
    line += "," + number_text(results.value("messages_lost", none));
    line += "," + number_text(at(results, "events_processed", path));
    RunVerdict verdict;
    for (const nlohmann::json& e : summary.value("expects", nlohmann::json::array())) {
      ++verdict.expects;
      if (e.value("passed", false)) continue;
      if (e.value("evaluated", true)) {
        ++verdict.failed;
      } else {
        ++verdict.not_evaluated;
      }
    }
    line += "," + std::to_string(verdict.expects) + "," + std::to_string(verdict.failed) + "," +
            std::to_string(verdict.not_evaluated);
    line += "," + number_text(summary.value("wall_time_s", nlohmann::json(0.0)));
    rows_.at(index) = std::move(line);
    return verdict;
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
  sim::AtomicFile file(path);
  file.write(csv());
  file.commit();
}

}  // namespace clocksim::sweep
