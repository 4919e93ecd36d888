// Sanity limits on what an algorithm may do to its clock, in one place for every host: the
// daemon's virtual and system clocks, and the simulator's node host if it wants them. Pure:
// it judges a ClockEffect against the clock's reading and the node's role, nothing else.
//
// After start-up (the first `startup_updates` adjustments, ntpd's -g / chrony's makestep
// count), the rules are those of the reference implementations, made per node:
//  - a correction larger than `panic_threshold` is refused and reported (ntpd's 1000 s panic
//    threshold; chrony's maxchange), and so is one that would take the corrections accepted
//    within the last `panic_window` of host time past it together: one lying key holder cannot
//    move a node by hours, neither at once nor in many steps just below the threshold;
//  - a master moves its own clock by at most `master_max_adjust` per adjustment, so a majority
//    of slaves that jumped cannot drag it along (the jumped slaves are corrected back instead);
//  - a step smaller than `min_step` is carried out as a slew (chrony's makestep threshold);
//  - a frequency correction is clamped to ±max_rate_ppm (the kernel's ±500 ppm);
// and always: a correction that would overflow the clock's int64 reading, or leave it less than a
// century to run before it would (kClockHeadroomNs), or a non-finite rate, is refused (RFC 5905
// §10 sanity checks in the same spirit).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string_view>

#include "algorithms/core/effects.hpp"
#include "algorithms/core/time.hpp"

namespace clocksim {

// How far a corrected reading must stay from either end of int64 nanoseconds: a reading that
// reaches the end saturates, and a saturated clock stands still (or, with a slew under way, goes
// back). A century is clocksyncd's bound on a virtual clock's offset too; for a clock counting
// from 1970 it allows readings up to about the year 2162.
inline constexpr std::int64_t kClockHeadroomNs = 100LL * 365 * 86'400 * 1'000'000'000;
inline constexpr std::int64_t kMaxAbsClockReadingNs = std::numeric_limits<std::int64_t>::max() - kClockHeadroomNs;

// A zero panic_threshold or master_max_adjust switches that limit off (ntpd's `tinker panic 0`).
struct ClockGuardConfig {
  Duration panic_threshold = Duration::from_ns(1000'000'000'000);  // 1000 s
  // The sizes of the corrections accepted after start-up within this much host (monotonic) time
  // add up to at most panic_threshold. Zero: each correction is judged alone.
  Duration panic_window = Duration::from_ns(3600'000'000'000);  // 1 h
  std::int64_t startup_updates = 3;   // adjustments of any size allowed at start
  Duration master_max_adjust = Duration::from_ns(1'000'000'000);  // 1 s per adjustment
  Duration min_step;                  // 0: steps as the algorithm asks
  double max_rate_ppm = 500;
};

enum class GuardOutcome : std::uint8_t {
  kApplied,          // as asked
  kRateClamped,      // applied with the rate clamped
  kStepAsSlew,       // a small step after start-up, slewed instead
  kRefusedPanic,     // above the panic threshold after start-up
  kRefusedMasterLimit,
  kRefusedOverflow,  // would overflow the clock reading, or come within kClockHeadroomNs of it
  kRefusedNotFinite, // NaN or infinite rate
  kRefusedPanicWindow,  // with the corrections of the last panic_window, above the panic threshold
};
std::string_view guard_outcome_name(GuardOutcome o);
constexpr bool refused(GuardOutcome o) { return o >= GuardOutcome::kRefusedPanic; }

class ClockGuard {
 public:
  explicit ClockGuard(ClockGuardConfig config = {}) : config_(config) {}

  struct Verdict {
    GuardOutcome outcome = GuardOutcome::kApplied;
    ClockEffect effect;  // what to carry out (unless refused)
  };
  // Judges `effect` for a clock reading `now`; `is_master`: the node currently leads; `host_ns`:
  // the host's monotonic time, which no correction moves (it places the correction in the panic
  // window).
  Verdict check(const ClockEffect& effect, LocalTime now, bool is_master, std::int64_t host_ns);

  bool in_startup() const { return adjustments_ < config_.startup_updates; }
  const ClockGuardConfig& config() const { return config_; }

 private:
  // The corrections accepted after start-up, summed per slice of panic_window / kWindowSlices of
  // host time: memory stays fixed however many there are, and a slice is counted while any of it
  // lies inside the window (so the sum errs on the safe side by at most one slice).
  // The window touches kWindowSlices + 1 slices (the oldest one in part), so that many slots are
  // kept: with one fewer, the current slice would take the slot of one still partly inside the
  // window and forget corrections less than an hour old.
  static constexpr std::int64_t kWindowSlices = 64;
  static constexpr std::int64_t kSliceSlots = kWindowSlices + 1;
  struct Slice {
    std::int64_t index = std::numeric_limits<std::int64_t>::min();  // host_ns / slice width
    std::uint64_t moved_ns = 0;
  };
  std::int64_t slice_width_ns() const;
  std::uint64_t moved_in_window_ns(std::int64_t host_ns) const;

  ClockGuardConfig config_;
  std::int64_t adjustments_ = 0;  // phase adjustments carried out so far
  std::array<Slice, kSliceSlots> slices_{};
};

}  // namespace clocksim
