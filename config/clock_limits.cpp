#include "config/clock_limits.hpp"

namespace clocksim::config {

const std::vector<std::string>& clock_limit_keys() {
  static const std::vector<std::string> keys{"panic_threshold", "panic_window",   "master_max_adjust",
                                             "min_step",        "max_rate_ppm",   "startup_updates",
                                             "startup_quorum",  "startup_tolerance"};
  return keys;
}

void read_clock_limits(const Node& n, const std::string& path, ClockGuardConfig& limits, FileErrors& errors) {
  expect_map(n, path, "the limits section");
  errors.read([&] { check_keys(n, path, clock_limit_keys()); });
  const auto key = [&](const char* name) { return path + "." + name; };
  // 0 switches a limit off; a negative one has no meaning.
  if (const Node* d = n.find("panic_threshold")) {
    errors.read([&] { limits.panic_threshold = read_duration(*d, key("panic_threshold"), Duration::zero()); });
  }
  if (const Node* d = n.find("panic_window")) {
    errors.read([&] { limits.panic_window = read_duration(*d, key("panic_window"), Duration::zero()); });
  }
  if (const Node* d = n.find("master_max_adjust")) {
    errors.read([&] { limits.master_max_adjust = read_duration(*d, key("master_max_adjust"), Duration::zero()); });
  }
  if (const Node* d = n.find("min_step")) {
    errors.read([&] { limits.min_step = read_duration(*d, key("min_step"), Duration::zero()); });
  }
  if (const Node* d = n.find("max_rate_ppm")) {
    errors.read([&] {
      limits.max_rate_ppm = read_number(*d, key("max_rate_ppm"), 0, 10'000);
      if (!(limits.max_rate_ppm > 0)) fail_at(*d, key("max_rate_ppm"), "expected a number in (0, 10000]");
    });
  }
  if (const Node* d = n.find("startup_updates")) {
    errors.read([&] { limits.startup_updates = read_int(*d, key("startup_updates"), 0); });
  }
  // 0: the start-up rule off. A quorum above the members a node consults means that a start-up
  // correction above the panic threshold is never taken: a choice, not an error.
  if (const Node* d = n.find("startup_quorum")) {
    errors.read([&] { limits.startup_quorum = read_int(*d, key("startup_quorum"), 0, kMaxStartupQuorum); });
  }
  // Readings never agree exactly: a zero tolerance would refuse every start-up correction above
  // the threshold, which startup_quorum says more plainly.
  if (const Node* d = n.find("startup_tolerance")) {
    errors.read([&] {
      limits.startup_tolerance = read_duration(*d, key("startup_tolerance"), Duration::zero());
      if (limits.startup_tolerance <= Duration::zero()) {
        fail_at(*d, key("startup_tolerance"), "expected a duration > 0 such as 1s");
      }
    });
  }
}

}  // namespace clocksim::config
