// The one meaning of an Effects batch. The simulator's world and the node loop (the daemon's, and
// the simulator's `host: daemon` nodes) both carry effects out through apply_effects, so the order
// and the edge cases below are decided here and nowhere else:
//
//   1. clock changes, in the order asked: step / slew (adjtime: replaces an unfinished slew) /
//      frequency correction. Sends computed in the same dispatch carry readings taken before them.
//   2. timers, in the order asked: set_timer(id, d) cancels a pending `id`, then arms it d of
//      *local* time from now (after the clock changes above); d < 0 is clamped to 0 (fires at
//      once, after this dispatch). cancel_timer(id) of a timer that is not pending is a no-op.
//   3. sends, in the order asked: a broadcast goes to every member but self, in ascending id
//      order. A send to oneself is not a network message: it is never transmitted and is
//      reported as SendDrop::kSelf (an algorithm talks to itself through its state or a timer).
//      A send to an id that is not a member is reported as SendDrop::kNotMember.
//   4. notes, in the order asked, passed through unchanged.
//
// Sends follow timers: a message that arrives at the very instant a timer armed in the same
// dispatch fires is ordered after the timer by every driver's FIFO tie-break.
#pragma once

#include <cstdint>
#include <span>

#include "algorithms/core/effects.hpp"
#include "algorithms/core/ids.hpp"
#include "algorithms/core/message.hpp"
#include "algorithms/core/time.hpp"

namespace clocksim {

enum class SendDrop : std::uint8_t {
  kSelf,       // addressed to the sender itself
  kNotMember,  // addressed to an id outside the membership
};

// What a driver implements to carry effects out. apply_effects calls it in the order above.
class EffectSink {
 public:
  virtual ~EffectSink() = default;
  // `source`: the master and round that computed the correction (for observers; may be empty).
  virtual void step_clock(Duration delta, CorrectionSource source) = 0;
  virtual void slew_clock(Duration delta, CorrectionSource source) = 0;
  virtual void set_rate_correction_ppm(double ppm) = 0;
  // Removes a pending timer `id`, if any.
  virtual void cancel_timer(TimerId id) = 0;
  // Arms timer `id` (never pending at this point) to fire `after_local` of the local clock from
  // now; after_local >= 0.
  virtual void arm_timer(TimerId id, Duration after_local) = 0;
  // `to` is a member other than self.
  virtual void send(NodeId to, const Message& msg) = 0;
  virtual void drop_send(NodeId to, const Message& msg, SendDrop why) = 0;
  virtual void note(const Note& note) = 0;
};

// `members` holds every member id (self included or not), ascending and without duplicates.
void apply_effects(const Effects& fx, NodeId self, std::span<const NodeId> members, EffectSink& sink);

}  // namespace clocksim
