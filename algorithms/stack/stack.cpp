#include "algorithms/stack/stack.hpp"

#include <stdexcept>
#include <utility>

namespace clocksim::algorithms {

Stack::Stack(std::unique_ptr<ElectionLayer> election, std::unique_ptr<SyncLayer> sync)
    : election_(std::move(election)), sync_(std::move(sync)) {
  if (!election_ || !sync_) throw std::invalid_argument("Stack needs an election layer and a sync layer");
}

void Stack::propagate(LocalTime now, Effects& out) {
  const bool lead = election_->role() == Role::kMaster;
  const NodeId master = election_->believed_master();
  if (told_ && lead == told_lead_ && (lead || master == told_master_)) return;
  told_ = true;
  told_lead_ = lead;
  told_master_ = master;
  if (lead) {
    sync_->lead(now, out);
  } else {
    sync_->follow(master, now, out);
  }
}

void Stack::on_start(LocalTime now, Effects& out) {
  sync_->on_start(now, out);
  election_->on_start(now, out);
  propagate(now, out);
}

void Stack::on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) {
  if (is_election_message(msg.type)) {
    election_->on_message(now, from, msg, out);
    propagate(now, out);
    if (sync_->hears_election_message(msg.type)) sync_->on_message(now, from, msg, out);
    return;
  }
  sync_->on_message(now, from, msg, out);
  if (sync_->is_master_activity(from, msg)) {
    election_->on_master_activity(from, now, out);
    propagate(now, out);
  }
}

void Stack::on_timer(LocalTime now, TimerId id, Effects& out) {
  if (TimerSpace::part(id) == kElectionTimerPart) {
    election_->on_timer(now, id, out);
    propagate(now, out);
    return;
  }
  sync_->on_timer(now, id, out);
}

void Stack::on_shutdown(LocalTime now, Effects& out) {
  election_->on_shutdown(now, out);
  sync_->on_shutdown(now, out);
}

}  // namespace clocksim::algorithms
