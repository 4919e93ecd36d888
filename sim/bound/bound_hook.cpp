#include "sim/bound/bound_hook.hpp"

namespace clocksim::sim {

const BoundHookRegistration* find_bound_hook(const std::string& kind) {
  static const std::vector<BoundHookRegistration> kHooks = registered_bound_hooks();
  for (const auto& h : kHooks) {
    if (h.kind == kind) return &h;
  }
  return nullptr;
}

std::optional<std::string> liars_break_the_model(const scenario::ScenarioSpec& spec) {
  for (const auto& f : spec.faults) {
    if (f.kind == scenario::FaultSpec::Kind::kByzantine) {
      return "Byzantine clocks: only welch_lynch has a bound model with liars";
    }
  }
  return std::nullopt;
}

}  // namespace clocksim::sim
