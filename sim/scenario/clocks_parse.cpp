#include "sim/scenario/clocks_parse.hpp"

#include "sim/scenario/distribution_parse.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/keys.hpp"
#include "sim/scenario/reader.hpp"
#include "sim/clock/rate_room.hpp"
#include "algorithms/core/number_text.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

namespace clocksim::scenario {
namespace {

// A rate of −1e6 ppm is a clock that stands still (sim/clock/rate_room.hpp); the slew limit
// likewise stays a rate.
constexpr double kMaxRatePpm = sim::kStandstillPpm;

Distribution read_ppm(const yaml::Node& node, const std::string& path) {
  Distribution d = parse_distribution(node, path, Quantity::kPpm);
  if (d.lower_bound() <= -kMaxRatePpm || d.upper_bound() >= kMaxRatePpm) {
    if (d.kind == Distribution::Kind::kConstant || d.kind == Distribution::Kind::kUniform) {
      fail_at(node, path, "rates must stay strictly within ±1000000 ppm (at −1000000 a clock stands still), got '" +
                              node.text + "'");
    }
  }
  return d;
}

double largest_magnitude(const Distribution& d) { return std::max(std::fabs(d.lower_bound()), std::fabs(d.upper_bound())); }

// The bounded parts of a clock's rate, at their worst together, must leave it running: what is
// wrong, or nothing. Unbounded draws (a normal drift) are checked node by node when drawn
// (draw_clock_params).
std::optional<std::string> rate_room_problem(const Distribution& drift, const Distribution& sine, double max_slew_ppm) {
  const double sine_ppm = largest_magnitude(sine);
  const double drift_ppm = largest_magnitude(drift);
  if (!std::isfinite(sine_ppm) || !std::isfinite(drift_ppm)) return std::nullopt;
  if (drift_ppm <= sim::rate_room_ppm(sine_ppm, max_slew_ppm)) return std::nullopt;
  const double slew_ppm = std::max(0.0, max_slew_ppm);
  return "these rates can stop a clock: |drift_ppm| up to " + number_text(drift_ppm) + ", |sine_amplitude_ppm| up to " +
         number_text(sine_ppm) + " and max_slew_ppm " + number_text(slew_ppm) + " add up to " +
         number_text(drift_ppm + sine_ppm + slew_ppm) + " ppm; at 1000000 a clock stands still, so keep their sum below 999999";
}

// Located at the first of the rate keys the mapping holds.
[[noreturn]] void fail_rate_room(const yaml::Node& map, const std::string& path, const std::string& problem) {
  for (const char* key : {"drift_ppm", "sine_amplitude_ppm", "max_slew_ppm"}) {
    if (const yaml::Node* v = map.find(key)) fail_at(*v, child_path(path, key), problem);
  }
  fail_at(map, path, problem);
}

double read_wander(const yaml::Node& node, const std::string& path) { return read_number(node, path, 0, kMaxRatePpm); }
double read_slew(const yaml::Node& node, const std::string& path) {
  const double v = read_number(node, path, 0, kMaxRatePpm);
  if (v <= 0) fail_at(node, path, "expected a positive slew rate in ppm, got " + node.text);
  return v;
}

}  // namespace

const std::vector<std::string>& clock_override_keys() {
  return keys::clock_override();
}

ClockSpec parse_clocks(const yaml::Node* node, const std::string& path) {
  ClockSpec c;
  if (!node || node->is_null()) return c;
  expect_map(*node, path, "the clock model");
  check_keys(*node, path, keys::clocks());
  if (auto* v = node->find("initial_offset")) c.initial_offset_ns = parse_distribution(*v, child_path(path, "initial_offset"), Quantity::kDuration);
  if (auto* v = node->find("drift_ppm")) c.drift_ppm = read_ppm(*v, child_path(path, "drift_ppm"));
  if (auto* v = node->find("wander_ppm_per_sqrt_s")) c.wander_ppm_per_sqrt_s = read_wander(*v, child_path(path, "wander_ppm_per_sqrt_s"));
  if (auto* v = node->find("sine_amplitude_ppm")) c.sine_amplitude_ppm = read_ppm(*v, child_path(path, "sine_amplitude_ppm"));
  if (auto* v = node->find("sine_period")) c.sine_period = read_duration(*v, child_path(path, "sine_period"), Duration::from_ns(1));
  if (auto* v = node->find("max_slew_ppm")) c.max_slew_ppm = read_slew(*v, child_path(path, "max_slew_ppm"));
  if (auto* v = node->find("resolution")) c.resolution = read_duration(*v, child_path(path, "resolution"), Duration::from_ns(1));
  if (auto problem = rate_room_problem(c.drift_ppm, c.sine_amplitude_ppm, c.max_slew_ppm)) fail_rate_room(*node, path, *problem);
  c.where = location_of(*node);
  return c;
}

void check_override_rate_rooms(const ClockSpec& clocks, const std::vector<NodeSpec>& nodes) {
  for (const NodeSpec& n : nodes) {
    if (!n.clock.has_value() || n.clock->rates_key.empty()) continue;
    const ClockOverride& o = n.clock;
    auto problem = rate_room_problem(o.drift_ppm.value_or(clocks.drift_ppm), o.sine_amplitude_ppm.value_or(clocks.sine_amplitude_ppm),
                                     o.max_slew_ppm.value_or(clocks.max_slew_ppm));
    if (!problem) continue;
    throw ScenarioError(o.rates_where.file, o.rates_where.line, o.rates_where.column, o.rates_key,
                        "node " + n.name + ", with the cluster's clocks: " + *problem);
  }
}

void parse_clock_override(const yaml::Node& map, const std::string& path, ClockOverride& out) {
  if (auto* v = map.find("initial_offset")) {
    out.initial_offset_ns = parse_distribution(*v, child_path(path, "initial_offset"), Quantity::kDuration);
    out.offset_where = location_of(*v);
    out.offset_key = child_path(path, "initial_offset");
  }
  if (auto* v = map.find("drift_ppm")) out.drift_ppm = read_ppm(*v, child_path(path, "drift_ppm"));
  if (auto* v = map.find("wander_ppm_per_sqrt_s")) out.wander_ppm_per_sqrt_s = read_wander(*v, child_path(path, "wander_ppm_per_sqrt_s"));
  if (auto* v = map.find("sine_amplitude_ppm")) out.sine_amplitude_ppm = read_ppm(*v, child_path(path, "sine_amplitude_ppm"));
  if (auto* v = map.find("max_slew_ppm")) out.max_slew_ppm = read_slew(*v, child_path(path, "max_slew_ppm"));
  for (const char* key : {"drift_ppm", "sine_amplitude_ppm", "max_slew_ppm"}) {
    if (const yaml::Node* v = map.find(key)) {
      out.rates_where = location_of(*v);
      out.rates_key = child_path(path, key);
      break;
    }
  }
}

}  // namespace clocksim::scenario
