#include "algorithms/core/clock_guard.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "algorithms/core/checked_math.hpp"

namespace clocksim {

std::string_view guard_outcome_name(GuardOutcome o) {
  switch (o) {
    case GuardOutcome::kApplied: return "applied";
    case GuardOutcome::kRateClamped: return "rate_clamped";
    case GuardOutcome::kStepAsSlew: return "step_as_slew";
    case GuardOutcome::kUndoClipped: return "undo_clipped";
    case GuardOutcome::kRateBudgetSpent: return "rate_budget_spent";
    case GuardOutcome::kRefusedPanic: return "refused_panic";
    case GuardOutcome::kRefusedMasterLimit: return "refused_master_limit";
    case GuardOutcome::kRefusedOverflow: return "refused_overflow";
    case GuardOutcome::kRefusedNotFinite: return "refused_not_finite";
    case GuardOutcome::kRefusedPanicWindow: return "refused_panic_window";
    case GuardOutcome::kRefusedUncorroborated: return "refused_uncorroborated";
    case GuardOutcome::kRefusedRatePanicWindow: return "refused_rate_panic_window";
  }
  return "?";
}

namespace {
// A rate's movement of `ns` as a signed correction: the direction the rate moves the clock.
std::int64_t moved_by(double ppm, std::uint64_t ns) {
  const auto size = static_cast<std::int64_t>(std::min<std::uint64_t>(ns, std::numeric_limits<std::int64_t>::max()));
  return ppm < 0 ? -size : size;
}
}  // namespace

std::uint32_t ClockGuard::witnesses_needed(std::uint32_t consulted) const {
  if (config_.startup_quorum <= 0) return 0;
  const std::uint64_t quorum = static_cast<std::uint64_t>(config_.startup_quorum);
  const std::uint64_t majority = std::uint64_t{consulted} / 2 + 1;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(std::max(quorum, majority), std::numeric_limits<std::uint32_t>::max()));
}

bool ClockGuard::corroborated(std::int64_t delta, const Evidence& evidence, NodeId self, Verdict& v, bool undo) const {
  // One reading per member: a member is one witness however often the algorithm names it (its
  // first reading counts), and this node is none. kNoNode, the node's reference clock, is one.
  std::vector<std::pair<NodeId, std::int64_t>> seen;
  seen.reserve(evidence.witnesses.size());
  for (const Witness& w : evidence.witnesses) {
    if (w.member != self || self == kNoNode) seen.emplace_back(w.member, w.offset.ns());
  }
  std::stable_sort(seen.begin(), seen.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  seen.erase(std::unique(seen.begin(), seen.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
             seen.end());
  // Members consulted but silent count against the majority: a liar that answers alone while the
  // others' replies are lost (or held back) is still one of several.
  const std::uint32_t consulted =
      std::max<std::uint32_t>(evidence.consulted, static_cast<std::uint32_t>(std::min<std::size_t>(seen.size(), UINT32_MAX)));
  v.needed = witnesses_needed(consulted);
  if (undo) v.needed = std::max<std::uint32_t>({v.needed, 2, consulted / 2 + 1});
  std::vector<std::int64_t> offsets;
  offsets.reserve(seen.size());
  for (const auto& s : seen) offsets.push_back(s.second);
  std::sort(offsets.begin(), offsets.end());
  // Every group of readings within the tolerance of one another, as a window over the sorted
  // offsets; one with enough witnesses corroborates a correction that moves the clock toward it
  // and not past it (by more than the tolerance): anywhere in [min(0, lo - tol), max(0, hi + tol)].
  const std::int64_t tol = std::max<std::int64_t>(config_.startup_tolerance.ns(), 0);
  bool ok = false;
  std::size_t first = 0;
  for (std::size_t last = 0; last < offsets.size(); ++last) {
    while (sat_sub(offsets[last], offsets[first]) > tol) ++first;
    const std::size_t count = last - first + 1;
    v.agreeing = std::max<std::uint32_t>(v.agreeing, static_cast<std::uint32_t>(std::min<std::size_t>(count, UINT32_MAX)));
    if (count < v.needed) continue;
    const std::int64_t lo = std::min<std::int64_t>(0, sat_sub(offsets[first], tol));
    const std::int64_t hi = std::max<std::int64_t>(0, sat_add(offsets[last], tol));
    ok = ok || (delta >= lo && delta <= hi);
  }
  return ok;
}

ClockGuard::Verdict ClockGuard::check(const ClockEffect& effect, LocalTime now, bool is_master, std::int64_t host_ns,
                                      const Evidence& evidence, NodeId self) {
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
    if (!rate_windowed()) {
      rate_ppm_ = v.effect.rate_ppm;
      return v;
    }
    // The rate in effect is counted up to now; what it was counted ahead beyond now is taken back
    // only if the new rate is let through (a refused one leaves the old rate running).
    const std::int64_t settle = rate_settlement_ns(host_ns);
    const double old_ppm = rate_ppm_;
    const auto apply_settlement = [&] {
      if (settle < 0) window_.refund(host_ns, moved_by(old_ppm, abs_u64(settle)));
      if (settle > 0) window_.count(host_ns, moved_by(old_ppm, abs_u64(settle)));
      v.counted = v.counted || settle != 0;
    };
    if (v.effect.rate_ppm == 0) {
      apply_settlement();
      rate_ppm_ = 0;
      return v;
    }
    const std::uint64_t moved = window_.moved_ns(host_ns);
    const std::uint64_t settled =
        settle < 0 ? moved - std::min(moved, abs_u64(settle)) : sat_add_u64(moved, static_cast<std::uint64_t>(settle));
    const std::uint64_t panic = static_cast<std::uint64_t>(config_.panic_threshold.ns());
    const std::uint64_t room = settled < panic ? panic - settled : 0;
    if (rate_span_ns(v.effect.rate_ppm, room, window_.slice_end_ns(host_ns) - host_ns) <= 0) {
      v.outcome = GuardOutcome::kRefusedRatePanicWindow;
      return v;
    }
    apply_settlement();
    count_rate_ahead(v.effect.rate_ppm, host_ns, host_ns);
    v.counted = true;
    return v;
  }
  // A phase correction is judged with everything the clock moved up to now, a rate in effect
  // past its counted end included.
  if (rate_ppm_ != 0 && rate_windowed()) v.counted = count_rate_overdue(host_ns);
  const std::int64_t delta = effect.delta.ns();
  std::int64_t target = 0;
  if (__builtin_add_overflow(now.ns(), delta, &target)) {
    v.outcome = GuardOutcome::kRefusedOverflow;
    return v;
  }
  const bool startup = in_startup();
  const std::int64_t panic = config_.panic_threshold.ns();
  const bool windowed = window_.enabled();
  const bool beyond_panic = panic > 0 && abs_u64(delta) > static_cast<std::uint64_t>(panic);
  // With the start-up rule off, the allowance is what it was for ntpd -g: anything goes, uncounted.
  const bool startup_unlimited = startup && config_.startup_quorum <= 0;
  const bool beyond_headroom = target > kMaxAbsClockReadingNs || target < -kMaxAbsClockReadingNs;
  // A corroborated start-up correction beyond the threshold: the honest majority sets a node
  // that booted far off. It neither counts against the window nor ends the allowance (a node
  // decades off may need several rounds of an averaging algorithm to come within the threshold).
  bool set_by_majority = false;
  if (beyond_panic && !startup_unlimited) {
    if (!startup) {
      v.outcome = GuardOutcome::kRefusedPanic;
      return v;
    }
    if (beyond_headroom) {  // what it is, whatever the evidence
      v.outcome = GuardOutcome::kRefusedOverflow;
      return v;
    }
    if (!corroborated(delta, evidence, self, v)) {
      v.outcome = GuardOutcome::kRefusedUncorroborated;
      return v;
    }
    set_by_majority = true;
  }
  const bool counted = windowed && !startup_unlimited && !set_by_majority;
  std::uint64_t undone = 0;
  if (counted && sat_add_u64(window_.moved_ns(host_ns), abs_u64(delta)) > static_cast<std::uint64_t>(panic)) {
    // Past the spent budget only as a corroborated undo, and only as far as the window holds
    // corrections the other way (the header comment says why).
    const std::uint64_t room = window_.undo_room_ns(host_ns, delta);
    if (room == 0 || !corroborated(delta, evidence, self, v, /*undo=*/true)) {
      v.outcome = GuardOutcome::kRefusedPanicWindow;
      return v;
    }
    undone = std::min(abs_u64(delta), room);
    if (undone < abs_u64(delta)) {
      // undone < |delta| <= 2^63, so it fits.
      v.effect.delta = Duration::from_ns(delta < 0 ? -static_cast<std::int64_t>(undone) : static_cast<std::int64_t>(undone));
      v.outcome = GuardOutcome::kUndoClipped;
    }
  }
  if (!startup) {
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
  // Checked at start-up too, where the limits above do not all apply.
  if (beyond_headroom) {
    v.outcome = GuardOutcome::kRefusedOverflow;
    return v;
  }
  if (!set_by_majority) ++adjustments_;
  if (undone != 0) {
    window_.undo(host_ns, v.effect.delta.ns());
    v.counted = true;
    v.undone_ns = undone;
  } else if (counted && delta != 0) {
    window_.count(host_ns, delta);
    v.counted = true;
  }
  return v;
}

// The margin covers a time base that runs at another rate than the clock the threshold is read
// on: a kernel's frequency correction slows or speeds CLOCK_MONOTONIC with CLOCK_REALTIME (a
// relative error of the rate itself, under 5e-4 at the kernel's ±500 ppm), and a simulated
// clock's reading moves by its hardware rate besides.
std::uint64_t ClockGuard::rate_movement_ns(double ppm, std::int64_t span_ns) {
  if (span_ns <= 0 || ppm == 0) return 0;
  constexpr long double kMargin = 1.001L;
  const long double ns = std::ceil(std::fabs(static_cast<long double>(ppm)) * static_cast<long double>(span_ns) * kMargin / 1e6L);
  if (!(ns < 1.8e19L)) return std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(ns);
}

std::int64_t ClockGuard::rate_span_ns(double ppm, std::uint64_t room_ns, std::int64_t cap_ns) {
  if (cap_ns <= 0) return 0;
  if (ppm == 0) return cap_ns;
  if (room_ns == 0) return 0;
  const long double guess = static_cast<long double>(room_ns) * 1e6L / (std::fabs(static_cast<long double>(ppm)) * 1.001L);
  std::int64_t span = guess >= static_cast<long double>(cap_ns) ? cap_ns : static_cast<std::int64_t>(guess);
  // The division rounds either way; step back until the movement fits (a few steps at most).
  while (span > 0 && rate_movement_ns(ppm, span) > room_ns) span -= std::max<std::int64_t>(1, span >> 40);
  return std::max<std::int64_t>(span, 0);
}

std::int64_t ClockGuard::rate_settlement_ns(std::int64_t host_ns) const {
  if (rate_ppm_ == 0 || !rate_windowed()) return 0;
  const std::uint64_t due = rate_movement_ns(rate_ppm_, sat_sub(host_ns, rate_from_ns_));
  if (due >= rate_counted_ns_) {
    return static_cast<std::int64_t>(std::min<std::uint64_t>(due - rate_counted_ns_, std::numeric_limits<std::int64_t>::max()));
  }
  return -static_cast<std::int64_t>(std::min<std::uint64_t>(rate_counted_ns_ - due, std::numeric_limits<std::int64_t>::max()));
}

bool ClockGuard::count_rate_ahead(double ppm, std::int64_t from_ns, std::int64_t host_ns) {
  const std::uint64_t moved = window_.moved_ns(host_ns);
  const std::uint64_t panic = static_cast<std::uint64_t>(config_.panic_threshold.ns());
  const std::uint64_t room = moved < panic ? panic - moved : 0;
  // Ahead to the end of this slice at most: counted in it, the movement never leaves the window
  // before it happened.
  const std::int64_t end = std::min(window_.slice_end_ns(host_ns), sat_add(from_ns, rate_span_ns(ppm, room, sat_sub(window_.slice_end_ns(host_ns), from_ns))));
  if (end <= host_ns) return false;
  const std::uint64_t ahead = rate_movement_ns(ppm, end - from_ns);
  window_.count(host_ns, moved_by(ppm, ahead));
  rate_ppm_ = ppm;
  rate_from_ns_ = from_ns;
  rate_until_ns_ = end;
  rate_counted_ns_ = ahead;
  return true;
}

std::optional<std::int64_t> ClockGuard::rate_deadline_ns() const {
  if (rate_ppm_ == 0 || !rate_windowed()) return std::nullopt;
  return rate_until_ns_;
}

bool ClockGuard::count_rate_overdue(std::int64_t host_ns) {
  const std::int64_t overdue = rate_settlement_ns(host_ns);
  if (overdue <= 0) return false;
  window_.count(host_ns, moved_by(rate_ppm_, static_cast<std::uint64_t>(overdue)));
  rate_counted_ns_ = sat_add_u64(rate_counted_ns_, static_cast<std::uint64_t>(overdue));
  return true;
}

ClockGuard::Verdict ClockGuard::rate_due(std::int64_t host_ns) {
  Verdict v;
  v.effect = ClockEffect{ClockEffect::Kind::kSetRate, AdjustMode::kSlew, Duration::zero(), rate_ppm_};
  if (rate_ppm_ == 0 || !rate_windowed() || host_ns < rate_until_ns_) return v;
  // What the rate moved past the counted end (a host's timer fires a little late) is counted
  // whatever the budget says: it happened.
  v.counted = count_rate_overdue(host_ns);
  if (count_rate_ahead(rate_ppm_, host_ns, host_ns)) {
    v.counted = true;
    return v;
  }
  rate_ppm_ = 0;
  rate_counted_ns_ = 0;
  v.effect.rate_ppm = 0;
  v.outcome = GuardOutcome::kRateBudgetSpent;
  return v;
}

ClockGuard::Verdict ClockGuard::adopt_rate(double ppm, std::int64_t host_ns) {
  Verdict v;
  v.effect = ClockEffect{ClockEffect::Kind::kSetRate, AdjustMode::kSlew, Duration::zero(), 0.0};
  rate_ppm_ = 0;
  rate_counted_ns_ = 0;
  if (!std::isfinite(ppm) || ppm == 0) return v;
  if (!rate_windowed()) {
    rate_ppm_ = ppm;
    v.effect.rate_ppm = ppm;
    return v;
  }
  if (count_rate_ahead(ppm, host_ns, host_ns)) {
    v.effect.rate_ppm = ppm;
    v.counted = true;
    return v;
  }
  v.outcome = GuardOutcome::kRateBudgetSpent;
  return v;
}

}  // namespace clocksim
