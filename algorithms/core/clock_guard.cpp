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
    case GuardOutcome::kRefusedPanic: return "refused_panic";
    case GuardOutcome::kRefusedMasterLimit: return "refused_master_limit";
    case GuardOutcome::kRefusedOverflow: return "refused_overflow";
    case GuardOutcome::kRefusedNotFinite: return "refused_not_finite";
    case GuardOutcome::kRefusedPanicWindow: return "refused_panic_window";
    case GuardOutcome::kRefusedUncorroborated: return "refused_uncorroborated";
  }
  return "?";
}

namespace {
std::uint64_t sat_add_u64(std::uint64_t a, std::uint64_t b) {
  std::uint64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? std::numeric_limits<std::uint64_t>::max() : sum;
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
    return v;
  }
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

}  // namespace clocksim
