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
    case GuardOutcome::kRefusedPanicWindow: return "refused_panic_window";
  }
  return "?";
}

namespace {
std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }
std::uint64_t sat_add_u64(std::uint64_t a, std::uint64_t b) {
  std::uint64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? std::numeric_limits<std::uint64_t>::max() : sum;
}
}  // namespace

std::int64_t ClockGuard::slice_width_ns() const { return std::max<std::int64_t>(1, config_.panic_window.ns() / kWindowSlices); }

std::uint64_t ClockGuard::moved_in_window_ns(std::int64_t host_ns) const {
  const std::int64_t width = slice_width_ns();
  const std::int64_t current = floor_div(host_ns, width);
  std::uint64_t sum = 0;
  for (const Slice& s : slices_) {
    // Slices current - kWindowSlices .. current cover the window (the oldest one in part).
    if (s.index > current - kWindowSlices - 1 && s.index <= current) sum = sat_add_u64(sum, s.moved_ns);
  }
  return sum;
}

ClockGuard::Verdict ClockGuard::check(const ClockEffect& effect, LocalTime now, bool is_master, std::int64_t host_ns) {
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
  const bool after_startup = !in_startup();
  const std::int64_t panic = config_.panic_threshold.ns();
  const bool windowed = panic > 0 && config_.panic_window.ns() > 0;
  if (after_startup) {
    if (panic > 0 && abs_u64(delta) > static_cast<std::uint64_t>(panic)) {
      v.outcome = GuardOutcome::kRefusedPanic;
      return v;
    }
    if (windowed && sat_add_u64(moved_in_window_ns(host_ns), abs_u64(delta)) > static_cast<std::uint64_t>(panic)) {
      v.outcome = GuardOutcome::kRefusedPanicWindow;
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
  if (after_startup && windowed) {
    const std::int64_t index = floor_div(host_ns, slice_width_ns());
    Slice& s = slices_[static_cast<std::size_t>(((index % kSliceSlots) + kSliceSlots) % kSliceSlots)];
    if (s.index != index) s = Slice{index, 0};
    s.moved_ns = sat_add_u64(s.moved_ns, abs_u64(delta));
  }
  return v;
}

}  // namespace clocksim
