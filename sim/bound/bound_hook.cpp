#include "sim/bound/bound_hook.hpp"

#include <stdexcept>

namespace clocksim::sim {
namespace {

std::vector<BoundHookRegistration> checked_hooks() {
  auto hooks = registered_bound_hooks();
  for (std::size_t i = 0; i < hooks.size(); ++i) {
    if (!hooks[i].make) throw std::logic_error("the bound hook of '" + hooks[i].kind + "' has no function");
    for (std::size_t j = 0; j < i; ++j) {
      if (hooks[j].kind == hooks[i].kind) throw std::logic_error("two bound hooks for '" + hooks[i].kind + "'");
    }
  }
  return hooks;
}

}  // namespace

const BoundHookRegistration* find_bound_hook(const std::string& kind) {
  static const std::vector<BoundHookRegistration> kHooks = checked_hooks();
  for (const auto& h : kHooks) {
    if (h.kind == kind) return &h;
  }
  return nullptr;
}

bounds::NoBound liars_break_the_model(const scenario::ScenarioSpec& spec) {
  for (const auto& f : spec.faults) {
    if (f.kind == scenario::FaultSpec::Kind::kByzantine) {
      return bounds::NoBound(bounds::NoBoundWhy::kByzantineClocks);
    }
  }
  return {};
}

}  // namespace clocksim::sim
