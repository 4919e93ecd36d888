#include "algorithms/core/clock_guard.hpp"

#include <algorithm>
#include <cmath>

#include "algorithms/core/checked_math.hpp"

namespace clocksim {

std::string_view guard_outcome_name(GuardOutcome o) {
  switch (o) {
    case GuardOutcome::kApplied: return "applied";
    case GuardOutcome::kRateClamped: return "rate_clamped";
    case GuardOutcome::kStepAsSlew: return "step_as_slew";
    case GuardOutcome::kRefusedPanic: return "refused_panic";
    case GuardOutcome::kRefusedMasterLimit: return "refused_master_limit";
    case GuardOutcome::kRefusedOverflow: return "refused_overflow";
    case GuardOutcome::kRefusedNotFinite: return "refused_not_finite";
  }
  return "?";
}

ClockGuard::Verdict ClockGuard::check(const ClockEffect& effect, LocalTime now, bool is_master) {
  Verdict v;
  v.effect = effect;
  if (effect.kind == ClockEffect::Kind::kSetRate) {
    if (!std::isfinite(effect.rate_ppm)) {
      v.outcome = GuardOutcome::kRefusedNotFinite;
      return v;
    }
    const double limit = std::abs(config_.max_rate_ppm);
    v.effect.rate_ppm = std::clamp(effect.rate_ppm, -limit, limit);
    if (v.effect.rate_ppm != effect.rate_ppm) v.outcome = GuardOutcome::kRateClamped;
    return v;
  }
  const std::int64_t delta = effect.delta.ns();
  std::int64_t target = 0;
  if (__builtin_add_overflow(now.ns(), delta, &target)) {
    v.outcome = GuardOutcome::kRefusedOverflow;
    return v;
  }
  if (!in_startup()) {
    const std::int64_t panic = config_.panic_threshold.ns();
    if (panic > 0 && abs_u64(delta) > static_cast<std::uint64_t>(panic)) {
      v.outcome = GuardOutcome::kRefusedPanic;
      return v;
    }
    const std::int64_t master_max = config_.master_max_adjust.ns();
    if (is_master && master_max > 0 && abs_u64(delta) > static_cast<std::uint64_t>(master_max)) {
      v.outcome = GuardOutcome::kRefusedMasterLimit;
      return v;
    }
    if (effect.mode == AdjustMode::kStep && !abs_at_least(delta, config_.min_step.ns())) {
      v.effect.mode = AdjustMode::kSlew;
      v.outcome = GuardOutcome::kStepAsSlew;
    }
  }
  // Checked at start-up too, where the limits above do not apply.
  if (target > kMaxAbsClockReadingNs || target < -kMaxAbsClockReadingNs) {
    v.outcome = GuardOutcome::kRefusedOverflow;
    return v;
  }
  ++adjustments_;
  return v;
}

}  // namespace clocksim
