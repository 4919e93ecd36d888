#include "algorithms/election/common/ack_sender.hpp"

namespace clocksim::election {

namespace {
constexpr std::uint32_t kSlotMask = 0xFFFF;
}

TimerId AckSender::timer_of(std::uint32_t seq) const {
  return TimerSpace::make(part_, timer_base_ + (seq & kSlotMask));
}

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

void AckSender::start(Outgoing item, Duration delay, Effects& out) {
  const std::uint32_t seq = item.msg.seq;
  cancel(seq, out);
  item.sends_done = 0;
  item.answered = false;
  if (delay > Duration::zero()) {
    pending_[seq] = item;
    out.set_timer(timer_of(seq), delay);
    return;
  }
  send_now(item, out);
  if (item.expect == MsgType::kNone) return;
  pending_[seq] = item;
  out.set_timer(timer_of(seq), first_wait_);
}

AckSender::TimerResult AckSender::on_timer(TimerId id, Effects& out) {
  TimerResult result;
  const std::uint32_t slot = TimerSpace::local(id) - timer_base_;
  // Find the pending item whose seq maps to this slot (at most a handful are pending).
  auto it = pending_.begin();
  for (; it != pending_.end(); ++it) {
    if ((it->first & kSlotMask) == slot) break;
  }
  if (it == pending_.end()) return result;  // stale timer
  Outgoing& item = it->second;
  if (item.keep_collecting && item.answered) {
    result.outcome = Outcome::kCollected;
    result.item = item;
    pending_.erase(it);
    return result;
  }
  if (item.sends_done < item.max_sends) {
    send_now(item, out);
    if (item.expect == MsgType::kNone) {
      pending_.erase(it);
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
  pending_.erase(it);
  return result;
}

std::optional<AckSender::Outgoing> AckSender::on_reply(MsgType type, std::uint32_t seq, Effects& out) {
  auto it = pending_.find(seq);
  if (it == pending_.end() || it->second.expect != type || it->second.sends_done == 0) return std::nullopt;
  if (it->second.keep_collecting) {
    it->second.answered = true;
    return it->second;
  }
  Outgoing done = it->second;
  out.cancel_timer(timer_of(seq));
  pending_.erase(it);
  return done;
}

const AckSender::Outgoing* AckSender::find(std::uint32_t seq) const {
  auto it = pending_.find(seq);
  return it == pending_.end() ? nullptr : &it->second;
}

void AckSender::cancel(std::uint32_t seq, Effects& out) {
  auto it = pending_.find(seq);
  if (it == pending_.end()) return;
  out.cancel_timer(timer_of(seq));
  pending_.erase(it);
}

void AckSender::cancel_all(Effects& out) {
  for (const auto& [seq, item] : pending_) out.cancel_timer(timer_of(seq));
  pending_.clear();
}

}  // namespace clocksim::election
