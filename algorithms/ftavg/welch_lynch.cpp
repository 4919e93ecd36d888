#include "algorithms/ftavg/welch_lynch.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "algorithms/core/checked_math.hpp"

namespace clocksim::ftavg {

namespace {
constexpr double kS = 1e9;

// Floor modulo: a clock may read negative (an initial offset), rounds still align on multiples.
std::int64_t floor_mod(std::int64_t a, std::int64_t m) {
  const std::int64_t r = a % m;
  return r < 0 ? r + m : r;
}
}  // namespace

std::vector<ParamSpec> welch_lynch_params() {
  const WelchLynchConfig d;
  return {
      param_spec("period", ParamType::kDuration, d.period,
                 "round length: a round starts whenever the local clock crosses a multiple of it", 1e-3 * kS, 1e7 * kS),
      param_spec("faults", ParamType::kInt, d.faults,
                 "f: estimates dropped at each end (tolerates f Byzantine clocks when n >= 3f + 1)", 0, 1e6),
      param_spec("combine", ParamType::kChoice, std::string("midpoint"),
                 "midpoint of the estimates left (Welch-Lynch) or their mean (Lundelius-Lynch with faults: 0)", 0, 0,
                 {"midpoint", "mean"}),
      param_spec("read_window", ParamType::kDuration, d.read_window,
                 "replies are awaited this long after the round start, then the correction is applied; must "
                 "exceed the skew plus a round trip",
                 1e-6 * kS, 1e6 * kS),
      param_spec("step_threshold", ParamType::kDuration, d.step_threshold,
                 "corrections at least this large are stepped, smaller ones slewed (0: always step)", 0, 1e7 * kS),
  };
}

WelchLynchConfig welch_lynch_config(const ParamSet& p) {
  WelchLynchConfig c;
  c.period = p.get_duration("period");
  c.faults = p.get_int("faults");
  c.combine = p.get_choice("combine") == "mean" ? Combine::kMean : Combine::kMidpoint;
  c.read_window = p.get_duration("read_window");
  c.step_threshold = p.get_duration("step_threshold");
  return c;
}

std::optional<std::int64_t> fault_tolerant_combine(std::vector<std::int64_t> v, std::int64_t faults, Combine combine) {
  if (faults < 0 || v.size() < static_cast<std::size_t>(2 * faults + 1)) return std::nullopt;
  std::sort(v.begin(), v.end());
  const auto lo = v.begin() + faults;
  const auto hi = v.end() - faults;  // one past the last kept
  if (combine == Combine::kMidpoint) {
    // Halves first: the sum of two readings near INT64_MAX must not overflow.
    return *lo / 2 + *(hi - 1) / 2 + (*lo % 2 + *(hi - 1) % 2) / 2;
  }
  // Mean as a running quotient and remainder: no overflow for any count of int64 values.
  const auto k = static_cast<std::int64_t>(hi - lo);
  std::int64_t q = 0, r = 0;
  for (auto it = lo; it != hi; ++it) {
    q += *it / k;
    r += *it % k;
    q += r / k;
    r %= k;
  }
  return q;
}

WelchLynch::WelchLynch(Membership membership, WelchLynchConfig config)
    : membership_(std::move(membership)), config_(config) {
  const std::size_t n = membership_.members ? membership_.members->size() : 0;
  estimates_.assign(n, 0);
  have_.assign(n, false);
}

void WelchLynch::on_start(LocalTime now, Effects& out) {
  if (started_) return;
  started_ = true;
  arm_round_timer(now, out);
}

void WelchLynch::arm_round_timer(LocalTime now, Effects& out) {
  const std::int64_t p = config_.period.ns();
  std::int64_t until = p - floor_mod(now.ns(), p);
  if (until == 0) until = p;
  out.set_timer(kWelchLynchRoundTimer, Duration::from_ns(until));
}

void WelchLynch::start_round(LocalTime now, Effects& out) {
  ++round_;
  reading_ = true;
  round_start_ns_ = now.ns();
  std::fill(have_.begin(), have_.end(), false);
  out.broadcast(clock_reading_request(round_, now));
  out.set_timer(kWelchLynchApplyTimer, config_.read_window);
}

void WelchLynch::on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) {
  if (msg.type == MsgType::kTimeRequest) {
    out.send(from, clock_reading_reply(msg, now));
    return;
  }
  if (msg.type != MsgType::kTimeReply) return;
  // A reply counts once, in the round that asked and only if it echoes that round's send time.
  const auto slot = slot_of(from);
  if (!reading_ || msg.term != round_ || msg.t1_ns != round_start_ns_ || !slot || from == membership_.self ||
      have_[*slot]) {
    out.note(Note(NoteWhat::kFtReplyDiscarded).with_round(msg.term).with_peer(from));
    return;
  }
  const auto est = peer_offset_estimate_ns(msg.t1_ns, msg.t3_ns, now.ns());
  if (!est) {
    out.note(Note(NoteWhat::kFtReadingOverflows).with_peer(from));
    return;
  }
  have_[*slot] = true;
  estimates_[*slot] = *est;
}

std::optional<std::size_t> WelchLynch::slot_of(NodeId id) const {
  if (!membership_.members) return std::nullopt;
  const auto& m = *membership_.members;
  const auto it = std::lower_bound(m.begin(), m.end(), id);
  if (it == m.end() || *it != id) return std::nullopt;
  return static_cast<std::size_t>(it - m.begin());
}

void WelchLynch::on_timer(LocalTime now, TimerId id, Effects& out) {
  if (id == kWelchLynchRoundTimer) {
    start_round(now, out);
    arm_round_timer(now, out);
  } else if (id == kWelchLynchApplyTimer && reading_) {
    apply(out);
  }
}

void WelchLynch::apply(Effects& out) {
  reading_ = false;
  std::vector<std::int64_t> values{0};  // our own clock, read without error
  for (std::size_t p = 0; p < have_.size(); ++p) {
    if (have_[p]) values.push_back(estimates_[p]);
  }
  const std::size_t heard = values.size() - 1;
  const auto c = fault_tolerant_combine(values, config_.faults, config_.combine);
  if (!c) {
    out.note(Note(NoteWhat::kFtTooFewReadings).with_round(round_).with_count(heard, config_.faults));
    return;
  }
  last_correction_ = *c;
  if (*c != 0) {
    // What each member read: the clock guard weighs a large start-up correction against them.
    if (membership_.members && !membership_.members->empty()) {
      const auto& members = *membership_.members;
      out.consulted(static_cast<std::uint32_t>(members.size() - 1));
      for (std::size_t p = 0; p < have_.size() && p < members.size(); ++p) {
        if (have_[p]) out.witness(members[p], Duration::from_ns(estimates_[p]));
      }
    }
    const bool step = abs_at_least(*c, config_.step_threshold.ns());
    out.adjust_clock(Duration::from_ns(*c), step ? AdjustMode::kStep : AdjustMode::kSlew);
  }
  out.note(Note(NoteWhat::kFtRoundComplete).with_round(round_).with_count(heard).with_value_ns(*c));
}

}  // namespace clocksim::ftavg
