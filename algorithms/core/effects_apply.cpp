#include "algorithms/core/effects_apply.hpp"

#include <algorithm>

namespace clocksim {

namespace {

void apply_clock(const ClockEffect& c, EffectSink& sink) {
  switch (c.kind) {
    case ClockEffect::Kind::kAdjust:
      if (c.mode == AdjustMode::kStep) {
        sink.step_clock(c.delta, c.source);
      } else {
        sink.slew_clock(c.delta, c.source);
      }
      return;
    case ClockEffect::Kind::kSetRate:
      sink.set_rate_correction_ppm(c.rate_ppm);
      return;
  }
}

// `members` is ascending without duplicates, so when its ends are size - 1 apart it is exactly the
// range [front, back] (the simulator's world: every node id). Then membership is two comparisons;
// a binary search over 10^6 ids costs a cache miss per level on every send.
bool is_member(std::span<const NodeId> members, NodeId id) {
  if (members.empty()) return false;
  if (members.back() - members.front() == members.size() - 1) return id >= members.front() && id <= members.back();
  return std::binary_search(members.begin(), members.end(), id);
}

}  // namespace

void apply_effects(const Effects& fx, NodeId self, std::span<const NodeId> members, EffectSink& sink) {
  for (const ClockEffect& c : fx.clock()) apply_clock(c, sink);
  for (const TimerEffect& t : fx.timers()) {
    sink.cancel_timer(t.id);
    if (!t.cancel) sink.arm_timer(t.id, std::max(t.after, Duration::zero()));
  }
  for (const SendEffect& s : fx.sends()) {
    if (s.to == kBroadcast) {
      for (const NodeId to : members) {
        if (to != self) sink.send(to, s.msg);
      }
    } else if (s.to == self) {
      sink.drop_send(s.to, s.msg, SendDrop::kSelf);
    } else if (is_member(members, s.to)) {
      sink.send(s.to, s.msg);
    } else {
      sink.drop_send(s.to, s.msg, SendDrop::kNotMember);
    }
  }
  for (const Note& n : fx.notes()) sink.note(n);
}

}  // namespace clocksim
