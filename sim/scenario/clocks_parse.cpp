#include "sim/scenario/clocks_parse.hpp"

#include "sim/scenario/distribution_parse.hpp"
#include "sim/scenario/keys.hpp"
#include "sim/scenario/reader.hpp"

namespace clocksim::scenario {
namespace {

// Rates beyond ±10% are not clocks any more (berkeley-high-drift uses 10%); the slew limit
// likewise stays a rate.
constexpr double kMaxRatePpm = 1e6;

Distribution read_ppm(const yaml::Node& node, const std::string& path) {
  Distribution d = parse_distribution(node, path, Quantity::kPpm);
  if (d.lower_bound() < -kMaxRatePpm || d.upper_bound() > kMaxRatePpm) {
    if (d.kind == Distribution::Kind::kConstant || d.kind == Distribution::Kind::kUniform) {
      fail_at(node, path, "rates must stay within ±1000000 ppm (a clock that stops or runs at double speed), got '" +
                              node.text + "'");
    }
  }
  return d;
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
  return c;
}

void parse_clock_override(const yaml::Node& map, const std::string& path, ClockOverride& out) {
  if (auto* v = map.find("initial_offset")) out.initial_offset_ns = parse_distribution(*v, child_path(path, "initial_offset"), Quantity::kDuration);
  if (auto* v = map.find("drift_ppm")) out.drift_ppm = read_ppm(*v, child_path(path, "drift_ppm"));
  if (auto* v = map.find("wander_ppm_per_sqrt_s")) out.wander_ppm_per_sqrt_s = read_wander(*v, child_path(path, "wander_ppm_per_sqrt_s"));
  if (auto* v = map.find("sine_amplitude_ppm")) out.sine_amplitude_ppm = read_ppm(*v, child_path(path, "sine_amplitude_ppm"));
  if (auto* v = map.find("max_slew_ppm")) out.max_slew_ppm = read_slew(*v, child_path(path, "max_slew_ppm"));
}

}  // namespace clocksim::scenario
