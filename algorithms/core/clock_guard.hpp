// Sanity limits on what an algorithm may do to its clock, in one place for every host: the
// daemon's virtual and system clocks, and the simulator's node host if it wants them. Pure:
// it judges a ClockEffect against the clock's reading, the node's role and the readings the
// correction rests on (Evidence, effects.hpp), nothing else.
//
// The rules are those of the reference implementations, made per node:
//  - a correction larger than `panic_threshold` is refused and reported (ntpd's 1000 s panic
//    threshold; chrony's maxchange), and so is one that would take the corrections accepted
//    within the last `panic_window` of host time past it together: one lying key holder cannot
//    move a node by hours, neither at once nor in many steps just below the threshold;
//  - at start-up (until `startup_updates` corrections within the threshold have been made,
//    ntpd's -g / chrony's makestep count) a larger correction is allowed only when the members
//    the algorithm consulted corroborate it: at least `startup_quorum` of them, and more than
//    half of those consulted, read this clock as off by amounts within `startup_tolerance` of one
//    another, and the correction moves the clock toward their readings and not past them (the
//    majority rule of ntpd's clock select and chrony's source selection, applied to the one case
//    where the guard would otherwise let anything through). A node that boots decades off is set
//    by its honest majority, and one liar among its sources is outvoted. With the default quorum
//    of 2 no member's word alone is enough: a node whose one source is a master (a Berkeley
//    slave) or a server (a Cristian client) is not stepped beyond the threshold at start-up, since
//    under an election any member can claim to be that master; `startup_quorum` 1 trusts a lone
//    source as ntpd -g and chrony trust a single configured server;
//  - after start-up, a master moves its own clock by at most `master_max_adjust` per
//    adjustment, so a majority of slaves that jumped cannot drag it along (the jumped slaves are
//    corrected back instead);
//  - after start-up, a step smaller than `min_step` is carried out as a slew (chrony's makestep
//    threshold);
//  - a frequency correction is clamped to ±max_rate_ppm (the kernel's ±500 ppm);
// and always: a correction that would overflow the clock's int64 reading, or leave it less than a
// century to run before it would (kClockHeadroomNs), or a non-finite rate, is refused (RFC 5905
// §10 sanity checks in the same spirit).
//
// A frequency correction moves the clock too, by its rate for as long as it stays: the guard counts
// that movement in the panic window with the phase corrections, ahead of time, one slice of the
// window at a time (the rate's movement until the end of the current slice, with a 0.1 % margin
// for the host's time base, and the unspent rest taken back when the rate is changed before then).
// A rate the spent budget leaves no room for is refused, and a rate in effect is revoked (set to
// zero: the clock runs free) at the instant its movement would take the window past the
// threshold: the host asks rate_deadline_ns() when to call rate_due(). Counted ahead, the window
// kept across a restart already holds the movement up to that instant.
//
// So, with the defaults, one lying member moves a node by at most panic_threshold within any
// panic_window, in steps, slews and rates together, from its first correction on, whatever role
// it has or claims; only a corroborated
// start-up correction is larger, and it is not counted against the window (the honest majority
// setting a node that booted far off must not use up the budget of the hour).
//
// A spent budget must not keep a node where a liar left it for the rest of the hour: a
// correction the window would refuse still passes as far as it only takes back corrections the
// window holds (their signed net, PanicWindow::undo_room_ns), when a majority of at least two
// consulted members corroborates it by the start-up rule's test, whatever startup_quorum says (a
// lone source never outvotes the window). What it takes back cannot be taken back again, and it
// is counted against the corrections after it (PanicWindow::undo), so that within any window the
// clock still moves by at most the threshold in all: a lying majority gains no distance by it. The window is the
// guard's only memory that must outlive its process: a host that keeps window_state() and hands it
// to restore_window() in the next run (clocksyncd's state file) holds that bound across restarts
// and reboots (panic_window.hpp has the reboot rule); without it the bound holds per run. A new
// run still reopens the start-up allowance, as ntpd -g does: above the threshold only with a
// corroborating majority, and within it only as far as the kept window leaves room.
// `startup_quorum` 0 switches the start-up rule off: the first `startup_updates` corrections are
// then allowed whatever their size and uncounted, as ntpd -g without a selection would.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "algorithms/core/effects.hpp"
#include "algorithms/core/panic_window.hpp"
#include "algorithms/core/time.hpp"

namespace clocksim {

// How far a corrected reading must stay from either end of int64 nanoseconds: a reading that
// reaches the end saturates, and a saturated clock stands still (or, with a slew under way, goes
// back). A century is clocksyncd's bound on a virtual clock's offset too; for a clock counting
// from 1970 it allows readings up to about the year 2162.
inline constexpr std::int64_t kClockHeadroomNs = 100LL * 365 * 86'400 * 1'000'000'000;
inline constexpr std::int64_t kMaxAbsClockReadingNs = std::numeric_limits<std::int64_t>::max() - kClockHeadroomNs;

// The largest startup_quorum a config may ask for (a cluster is far smaller).
inline constexpr std::int64_t kMaxStartupQuorum = 1'000'000;

// A zero panic_threshold or master_max_adjust switches that limit off (ntpd's `tinker panic 0`).
struct ClockGuardConfig {
  Duration panic_threshold = Duration::from_ns(1000'000'000'000);  // 1000 s
  // The sizes of the corrections accepted within this much host (monotonic) time add up to at
  // most panic_threshold (start-up ones too, but for those a majority corroborated above the
  // threshold). Zero: each correction is judged alone.
  Duration panic_window = Duration::from_ns(3600'000'000'000);  // 1 h
  // Corrections within the panic threshold that end the start-up allowance.
  std::int64_t startup_updates = 3;
  // At start-up, a correction above the panic threshold needs this many consulted members (and
  // more than half of those consulted) agreeing within startup_tolerance. 1: a lone source is
  // trusted. 0: no corroboration needed, start-up corrections unlimited and uncounted.
  std::int64_t startup_quorum = 2;
  Duration startup_tolerance = Duration::from_ns(1'000'000'000);  // 1 s
  Duration master_max_adjust = Duration::from_ns(1'000'000'000);  // 1 s per adjustment
  Duration min_step;                  // 0: steps as the algorithm asks
  double max_rate_ppm = 500;
};

enum class GuardOutcome : std::uint8_t {
  kApplied,          // as asked
  kRateClamped,      // applied with the rate clamped
  kStepAsSlew,       // a small step after start-up, slewed instead
  kUndoClipped,      // past a spent window, a corroborated undo cut to what the window holds
  kRateBudgetSpent,  // a rate in effect revoked: its movement used up the panic window's budget
  kRefusedPanic,     // above the panic threshold after start-up
  kRefusedMasterLimit,
  kRefusedOverflow,  // would overflow the clock reading, or come within kClockHeadroomNs of it
  kRefusedNotFinite, // NaN or infinite rate
  kRefusedPanicWindow,  // with the corrections of the last panic_window, above the panic threshold
  kRefusedUncorroborated,  // above the panic threshold at start-up, without a corroborating majority
  kRefusedRatePanicWindow,  // a frequency correction the spent panic window leaves no room for
};
std::string_view guard_outcome_name(GuardOutcome o);
constexpr bool refused(GuardOutcome o) { return o >= GuardOutcome::kRefusedPanic; }

class ClockGuard {
 public:
  explicit ClockGuard(ClockGuardConfig config = {}) : config_(config), window_(window_length(config)) {}

  struct Verdict {
    GuardOutcome outcome = GuardOutcome::kApplied;
    ClockEffect effect;  // what to carry out (unless refused)
    // For a correction above the panic threshold at start-up: the largest number of distinct
    // witnesses that agreed within the tolerance, and how many were needed.
    std::uint32_t agreeing = 0;
    std::uint32_t needed = 0;
    // The correction was counted in the panic window, or took back corrections it holds:
    // window_state() changed, and a host that keeps it saves it before it carries it out.
    bool counted = false;
    // How much of it took back corrections the window holds (past a spent budget, corroborated).
    std::uint64_t undone_ns = 0;
  };
  // Judges `effect` for a clock reading `now`; `is_master`: the node currently leads; `host_ns`:
  // the host's monotonic time, which no correction moves (it places the correction in the panic
  // window); `evidence`: the readings the correction rests on (a member counts once; `self` is no
  // witness of itself, and kNoNode stands for the node's reference clock, one witness).
  Verdict check(const ClockEffect& effect, LocalTime now, bool is_master, std::int64_t host_ns,
                const Evidence& evidence = {}, NodeId self = kNoNode);

  // The frequency correction the guard last let through (or adopted) and still counts.
  double rate_ppm() const { return rate_ppm_; }
  // The host (monotonic) instant at which rate_due() must be called: the end of the movement
  // counted ahead for the rate in effect. nullopt: no rate, or no window to count it in.
  std::optional<std::int64_t> rate_deadline_ns() const;
  // At (or after) rate_deadline_ns(): counts the rate's movement ahead to the end of the next
  // slice, as far as the budget allows (counted), or, with no room left, revokes the rate
  // (kRateBudgetSpent, effect: a zero rate the host carries out). Otherwise (outcome kApplied,
  // nothing counted) there is nothing to do.
  Verdict rate_due(std::int64_t host_ns);
  // The rate a clock already runs with when the host starts (a kernel keeps its frequency across
  // a restart of the daemon), counted from `host_ns` on like one just let through; with no room
  // in the window it is revoked at once (kRateBudgetSpent). A non-finite rate is taken as none.
  Verdict adopt_rate(double ppm, std::int64_t host_ns);

  bool in_startup() const { return adjustments_ < config_.startup_updates; }
  // The witnesses needed for a start-up correction above the panic threshold when `consulted`
  // members were asked (0: the rule is off).
  std::uint32_t witnesses_needed(std::uint32_t consulted) const;
  const ClockGuardConfig& config() const { return config_; }

  // The sizes of the corrections counted within the panic window that ends at `host_ns`: how much
  // of the panic threshold is spent.
  std::uint64_t moved_in_window_ns(std::int64_t host_ns) const { return window_.moved_ns(host_ns); }
  // The window as plain data, stamped with the host's boot, for the next run of the process.
  PanicWindowState window_state(const BootId& boot) const { return window_.state(boot); }
  // Whether corrections are counted in a window at all (a zero panic_window or threshold: no).
  bool window_enabled() const { return window_.enabled(); }
  // Takes an earlier run's window_state() for a run started on boot `boot` at `host_ns`
  // (panic_window.hpp). The start-up allowance is not part of it: it opens again.
  void restore_window(const PanicWindowState& kept, const BootId& boot, std::int64_t host_ns) {
    window_.restore(kept, boot, host_ns);
  }

 private:
  // With the panic threshold off, the window has nothing to bound.
  static Duration window_length(const ClockGuardConfig& c) {
    return c.panic_threshold.ns() > 0 ? c.panic_window : Duration::zero();
  }
  // Whether `delta` is corroborated by `evidence` (start-up rule above); fills v.agreeing/needed.
  // `undo`: the test for taking back counted corrections, which always needs two witnesses.
  bool corroborated(std::int64_t delta, const Evidence& evidence, NodeId self, Verdict& v, bool undo = false) const;

  // The clock's movement in `span_ns` of host time at rate `ppm`, rounded up, with the margin.
  static std::uint64_t rate_movement_ns(double ppm, std::int64_t span_ns);
  // The longest span (at most `cap_ns`) whose movement at `ppm` fits in `room_ns`.
  static std::int64_t rate_span_ns(double ppm, std::uint64_t room_ns, std::int64_t cap_ns);
  // What counting the rate in effect up to `host_ns` changes in the window: negative, the unspent
  // rest of what was counted ahead; positive, movement past the counted end not yet counted.
  std::int64_t rate_settlement_ns(std::int64_t host_ns) const;
  // Counts what the rate in effect moved past its counted end, up to `host_ns`; whether it did.
  bool count_rate_overdue(std::int64_t host_ns);
  // Counts `ppm` ahead from `from_ns`, as the window's slice of `host_ns` allows; false (nothing
  // counted) when the budget has no room for it.
  bool count_rate_ahead(double ppm, std::int64_t from_ns, std::int64_t host_ns);
  // Whether a rate is counted at all.
  bool rate_windowed() const { return window_.enabled() && config_.panic_threshold.ns() > 0; }

  ClockGuardConfig config_;
  std::int64_t adjustments_ = 0;  // phase adjustments within the panic threshold carried out so far
  PanicWindow window_;  // the corrections accepted (start-up ones too, unless a majority set or undid them)
  // The rate in effect, and the host span [rate_from_ns_, rate_until_ns_) whose movement at that
  // rate the window holds (rate_counted_ns_ of it, counted in the slice of rate_from_ns_'s call).
  double rate_ppm_ = 0;
  std::int64_t rate_from_ns_ = 0;
  std::int64_t rate_until_ns_ = 0;
  std::uint64_t rate_counted_ns_ = 0;
};

}  // namespace clocksim
