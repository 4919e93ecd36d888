#include "algorithms/election/common/liveness.hpp"

namespace clocksim::election {

Message Liveness::heartbeat(std::uint32_t term) const {
  Message hb = make_message(MsgType::kHeartbeat);
  hb.subject = self_;
  hb.term = term;
  return hb;
}

void Liveness::beat(const Message& hb, Effects& out) const {
  out.broadcast(hb);
  schedule_beat(out);
}

Note Liveness::silence_note(NodeId leader, Duration wait) const {
  if (leader == kNoNode) return Note(words_.nobody_heard).with_value(wait);
  return Note(words_.leader_silent).with_subject(leader).with_value(wait);
}

Liveness::Fired Liveness::fired(TimerId id) const {
  if (TimerSpace::part(id) != kElectionTimerPart) return Fired::kOther;
  const std::uint32_t local = TimerSpace::local(id);
  if (setup_.heartbeat_period > Duration::zero() && local == setup_.heartbeat_timer) return Fired::kHeartbeat;
  if (local == setup_.failure_timer) return Fired::kFailure;
  return Fired::kOther;
}

void Liveness::leave(bool leading, std::uint32_t term, Effects& out) const {
  if (!leading) return;
  Message leave = make_message(MsgType::kLeave);
  leave.subject = self_;
  leave.term = term;
  out.broadcast(leave);
  out.note(Note(words_.leave_sent));
}

}  // namespace clocksim::election
