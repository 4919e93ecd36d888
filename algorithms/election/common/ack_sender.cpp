#include "algorithms/election/common/ack_sender.hpp"

namespace clocksim::election {

namespace {
constexpr std::uint32_t kSlotMask = 0xFFFF;
}

TimerId AckSender::timer_of_slot(std::uint32_t slot) const { return TimerSpace::make(part_, timer_base_ + slot); }

bool AckSender::owns(TimerId id) const {
  if (TimerSpace::part(id) != part_) return false;
  const std::uint32_t local = TimerSpace::local(id);
  return local >= timer_base_ && local <= timer_base_ + kSlotMask;
}

void AckSender::send_now(Outgoing& item, Effects& out) {
  if (item.to == kBroadcast) {
    out.broadcast(item.msg);
  } else {
    out.send(item.to, item.msg);
  }
  ++item.sends_done;
}

AckSender::Pending& AckSender::admit(const Outgoing& item, Effects& out) {
  if (pending_.size() >= kMaxPending) {
    // The oldest outstanding message is the least likely to be answered still.
    auto oldest = pending_.begin();
    out.cancel_timer(timer_of_slot(oldest->second.slot));
    erase(oldest);
  }
  // seq mod 2^16 unless an older outstanding seq holds it; then the next free slot.
  std::uint32_t slot = item.msg.seq & kSlotMask;
  while (seq_of_slot_.count(slot) != 0) slot = (slot + 1) & kSlotMask;
  seq_of_slot_[slot] = item.msg.seq;
  Pending& p = pending_[item.msg.seq];
  p.item = item;
  p.slot = slot;
  return p;
}

void AckSender::erase(std::map<std::uint32_t, Pending>::iterator it) {
  seq_of_slot_.erase(it->second.slot);
  pending_.erase(it);
}

void AckSender::start(Outgoing item, Duration delay, Effects& out) {
  cancel(item.msg.seq, out);
  item.sends_done = 0;
  item.answered = false;
  if (delay > Duration::zero()) {
    out.set_timer(timer_of_slot(admit(item, out).slot), delay);
    return;
  }
  send_now(item, out);
  if (item.expect == MsgType::kNone) return;
  out.set_timer(timer_of_slot(admit(item, out).slot), first_wait_);
}

AckSender::TimerResult AckSender::on_timer(TimerId id, Effects& out) {
  TimerResult result;
  const auto slot_it = seq_of_slot_.find(TimerSpace::local(id) - timer_base_);
  if (slot_it == seq_of_slot_.end()) return result;  // stale timer
  const auto it = pending_.find(slot_it->second);
  Outgoing& item = it->second.item;
  if (item.keep_collecting && item.answered) {
    result.outcome = Outcome::kCollected;
    result.item = item;
    erase(it);
    return result;
  }
  if (item.sends_done < item.max_sends) {
    send_now(item, out);
    if (item.expect == MsgType::kNone) {
      erase(it);
      return result;
    }
    // 200, 400, 800, ... ms: the wait doubles after every send (timed acksend.c).
    Duration wait = first_wait_;
    for (int k = 1; k < item.sends_done; ++k) wait = wait * 2;
    out.set_timer(id, wait);
    return result;
  }
  result.outcome = Outcome::kExhausted;
  result.item = item;
  erase(it);
  return result;
}

std::optional<AckSender::Outgoing> AckSender::on_reply(MsgType type, std::uint32_t seq, Effects& out) {
  auto it = pending_.find(seq);
  if (it == pending_.end() || it->second.item.expect != type || it->second.item.sends_done == 0) return std::nullopt;
  if (it->second.item.keep_collecting) {
    it->second.item.answered = true;
    return it->second.item;
  }
  Outgoing done = it->second.item;
  out.cancel_timer(timer_of_slot(it->second.slot));
  erase(it);
  return done;
}

const AckSender::Outgoing* AckSender::find(std::uint32_t seq) const {
  auto it = pending_.find(seq);
  return it == pending_.end() ? nullptr : &it->second.item;
}

void AckSender::cancel(std::uint32_t seq, Effects& out) {
  auto it = pending_.find(seq);
  if (it == pending_.end()) return;
  out.cancel_timer(timer_of_slot(it->second.slot));
  erase(it);
}

void AckSender::cancel_all(Effects& out) {
  for (const auto& [seq, p] : pending_) out.cancel_timer(timer_of_slot(p.slot));
  pending_.clear();
  seq_of_slot_.clear();
}

}  // namespace clocksim::election
