#include "algorithms/berkeley/berkeley.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "algorithms/berkeley/network_delta.hpp"
#include "algorithms/core/checked_math.hpp"
#include "algorithms/berkeley/quantize.hpp"
#include "algorithms/core/rng.hpp"

namespace clocksim::berkeley {

Berkeley::Berkeley(Membership membership, BerkeleyConfig config, std::uint64_t seed)
    : membership_(std::move(membership)), config_(config) {
  // acksend: the sequence counter starts at random() (TSP §1).
  Rng rng(derive_seed(seed, "berkeley.seq"));
  seq_ = static_cast<std::uint32_t>(rng());
}

// Nothing to do until the election says who leads (Stack::propagate calls lead or follow).
void Berkeley::on_start(LocalTime /*now*/, Effects& /*out*/) {}

void Berkeley::lead(LocalTime now, Effects& out) {
  if (role_ == Role::kMaster) return;
  role_ = Role::kMaster;
  master_ = membership_.self;
  // A new master's table holds the whole group, as if every member had answered its MASTERUP.
  hosts_.clear();
  if (membership_.members) {
    for (NodeId id : *membership_.members) {
      if (id != membership_.self) hosts_.emplace_hint(hosts_.end(), id, 0);
    }
  }
  untrusted_quits_ = 0;
  out.cancel_timer(kSlaveTimeoutTimer);
  in_round_ = false;
  if (config_.first_round_delay > Duration::zero()) {
    out.set_timer(kRoundTimer, config_.first_round_delay);
  } else {
    start_round(now, out);
  }
}

void Berkeley::follow(NodeId master, LocalTime /*now*/, Effects& out) {
  if (role_ == Role::kMaster) stop_mastering(out);
  role_ = Role::kSlave;
  if (master != master_) {
    last_adjust_from_ = kNoNode;
    last_adjust_term_ = 0;
  }
  master_ = master;
  if (master == kNoNode) {
    out.cancel_timer(kSlaveTimeoutTimer);
  } else {
    arm_slave_timeout(out);
  }
}

void Berkeley::stop_mastering(Effects& out) {
  out.cancel_timer(kRoundTimer);
  out.cancel_timer(kProbeTimer);
  for (const auto& [slave, pending] : pending_) out.cancel_timer(ack_timer(slave));
  pending_.clear();
  rates_.clear();
  hosts_.clear();  // timed drops the table with the mastership
  in_round_ = false;
  measured_.clear();
}

bool Berkeley::is_master_activity(NodeId from, const Message& msg) const {
  // Only a master probes and corrects. Whether `from` is this node's master is the election's
  // call: its own master's traffic restarts its timer, another's probe may reveal a master it
  // missed. A correction from a node it does not follow reveals nothing: it is no claim to lead
  // that the election could check (timed's slave learns its master from MASTERUP and MASTERACK),
  // and counting it would let any member that sends one be adopted, and its next one obeyed.
  if (from == membership_.self || !config_.trusts(from)) return false;
  if (msg.type == MsgType::kTimeRequest) return true;
  return (msg.type == MsgType::kAdjust || msg.type == MsgType::kSetTime) && from == master_ && master_ != kNoNode;
}

void Berkeley::on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) {
  switch (msg.type) {
    case MsgType::kTimeRequest:
      answer_time_request(now, from, msg, out);
      if (role_ == Role::kSlave && from == master_) arm_slave_timeout(out);
      return;
    case MsgType::kTimeReply:
      on_time_reply(now, from, msg, out);
      return;
    case MsgType::kAdjust:
    case MsgType::kSetTime:
      on_adjust(now, from, msg, out);
      return;
    case MsgType::kSlaveUp:
      on_slave_up(from, out);
      return;
    case MsgType::kQuit:
      on_quit(now, from, out);
      return;
    case MsgType::kAck:
      on_ack(from, msg, out);
      return;
    default:
      return;  // not ours
  }
}

void Berkeley::on_timer(LocalTime now, TimerId id, Effects& out) {
  if (id == kRoundTimer) {
    if (role_ == Role::kMaster && !in_round_) start_round(now, out);
  } else if (id == kProbeTimer) {
    if (role_ != Role::kMaster || !in_round_) return;
    // No reply within probe_timeout: try again, unless out of probes or over the cap.
    const bool more = static_cast<std::int64_t>(measuring_.probes.size()) < config_.probes &&
                      now - measuring_.started < config_.measure_cap;
    if (more) {
      send_probe(now, out);
    } else {
      finish_slave(now, out);
    }
  } else if (id == kSlaveTimeoutTimer) {
    if (role_ != Role::kSlave) return;
    out.note(Note(NoteWhat::kMasterUnheard).with_subject(master_).with_value(config_.effective_slave_timeout()));
    // Its master may have dropped it from the host table: announce itself again (timed's
    // slave reaches the same SLAVEUP through a new lookup for a master).
    if (master_ != kNoNode) {
      Message up = make_message(MsgType::kSlaveUp, next_seq());
      up.subject = master_;
      out.send(master_, up);
    }
    arm_slave_timeout(out);
  } else if (TimerSpace::part(id) == kSyncTimerPart && (TimerSpace::local(id) & kAckTimerBase) != 0) {
    on_ack_timer(TimerSpace::local(id) & ~kAckTimerBase, out);
  }
}

// ---- master -------------------------------------------------------------------------------

void Berkeley::start_round(LocalTime now, Effects& out) {
  in_round_ = true;
  ++round_;
  round_start_ = now;
  round_slaves_.clear();
  round_slaves_.reserve(hosts_.size());
  for (const auto& [id, failures] : hosts_) round_slaves_.push_back(id);
  measured_.clear();
  slave_index_ = 0;
  measure_next_slave(now, out);
}

void Berkeley::measure_next_slave(LocalTime now, Effects& out) {
  if (slave_index_ >= round_slaves_.size()) {
    finish_round(now, out);
    return;
  }
  measuring_ = Measuring{};
  measuring_.slave = round_slaves_[slave_index_];
  measuring_.started = now;
  measuring_.estimator = OffsetEstimator(config_.measurement, config_.round_trip_compensation);
  send_probe(now, out);
}

void Berkeley::send_probe(LocalTime now, Effects& out) {
  Message m = make_message(MsgType::kTimeRequest, next_seq());
  m.term = round_;
  m.t1_ns = now.ns();
  measuring_.probes.push_back({m.seq, now, false});
  out.send(measuring_.slave, m);
  out.set_timer(kProbeTimer, config_.probe_timeout);
}

void Berkeley::on_time_reply(LocalTime now, NodeId from, const Message& msg, Effects& out) {
  Probe* probe = nullptr;
  if (role_ == Role::kMaster && in_round_ && from == measuring_.slave) {
    for (auto& p : measuring_.probes) {
      if (p.seq == msg.seq) probe = &p;
    }
  }
  if (probe == nullptr) {
    // A reply to a probe of an earlier slave or round: its clock reading is stale (measure.c
    // matches the sequence number for the same reason).
    out.note(Note(NoteWhat::kReplyDiscarded).with_seq(msg.seq).with_peer(from));
    return;
  }
  if (probe->answered) return;  // a duplicated packet: its sample is already in
  probe->answered = true;
  // t1 from our own record, not the echo: only what we sent is trusted.
  measuring_.estimator.add(probe->sent.ns(), msg.t2_ns, msg.t3_ns, now.ns());
  if (measuring_.estimator.samples() >= config_.good_replies) {
    finish_slave(now, out);
    return;
  }
  const bool all_answered = std::all_of(measuring_.probes.begin(), measuring_.probes.end(),
                                        [](const Probe& p) { return p.answered; });
  const bool more = static_cast<std::int64_t>(measuring_.probes.size()) < config_.probes &&
                    now - measuring_.started < config_.measure_cap;
  if (more) {
    if (all_answered) send_probe(now, out);  // ping-pong: the next probe once this one is back
  } else if (all_answered) {
    finish_slave(now, out);
  }
}

void Berkeley::finish_slave(LocalTime now, Effects& out) {
  out.cancel_timer(kProbeTimer);
  const NodeId slave = measuring_.slave;
  if (const auto delta = measuring_.estimator.delta()) {
    const std::int64_t d = truncate_to(*delta, config_.resolution.ns());
    measured_.push_back({slave, d});
    if (config_.rate_correction) {
      rates_.try_emplace(slave, static_cast<std::size_t>(config_.rate_window)).first->second.add_measurement(now.ns(), d);
    }
  } else {
    // timed: HOSTDOWN, skipped for this round, and one more failure (dropped after the round).
    out.note(Note(NoteWhat::kRoundUnanswered).with_peer(slave).with_round(round_));
    count_failure(slave, false, out);
  }
  measuring_.slave = kNoNode;
  ++slave_index_;
  measure_next_slave(now, out);
}

void Berkeley::finish_round(LocalTime now, Effects& out) {
  std::vector<std::int64_t> deltas;
  deltas.reserve(measured_.size() + 1);
  deltas.push_back(0);  // the master's own delta
  for (const auto& m : measured_) deltas.push_back(m.delta_ns);
  const NetworkDelta nd = network_delta(deltas, config_.average, config_.tolerance.ns());
  const std::int64_t avg = truncate_to(nd.avg, config_.resolution.ns());
  last_avg_ns_ = avg;
  const std::int64_t own = round_to_quantum(avg, config_.quantum.ns());

  if (!nd.used[0]) out.note(Note(NoteWhat::kOwnClockOutlier).with_round(round_));
  for (std::size_t i = 0; i < measured_.size(); ++i) {
    const auto& m = measured_[i];
    if (!nd.used[i + 1]) {
      out.note(Note(NoteWhat::kDeltaOutlier).with_peer(m.slave).with_round(round_).with_value_ns(m.delta_ns));
    }
    // Values outside the window are still corrected (correct.c).
    const std::int64_t corr = round_to_quantum(sat_sub(avg, m.delta_ns), config_.quantum.ns());
    // Far off (4.4 correct.c): set its clock to the master's corrected time instead. The slave
    // cannot know the transit time, so it lands behind by the one-way delay.
    const bool set_time = config_.settime_threshold > Duration::zero() && abs_at_least(corr, config_.settime_threshold.ns());
    Message adj = make_message(set_time ? MsgType::kSetTime : MsgType::kAdjust, next_seq());
    adj.term = round_;
    adj.value_ns = set_time ? sat_add(now.ns(), own) : corr;
    if (set_time) {
      out.note(Note(NoteWhat::kSetTimeSent).with_peer(m.slave).with_round(round_).with_value_ns(corr));
      // Its phase after a SETTIME is known only to the transit time: start its rate fit afresh.
      if (auto r = rates_.find(m.slave); r != rates_.end()) r->second.reset();
    } else if (config_.rate_correction) {
      auto& tracker = rates_.try_emplace(m.slave, static_cast<std::size_t>(config_.rate_window)).first->second;
      tracker.add_phase_change(sat_sub(corr, own));
      if (const auto ppb = tracker.fitted_correction_ppb()) {
        const double limit = config_.max_rate_correction_ppm * 1000.0;
        const double clamped = std::clamp(*ppb, -limit, limit);
        tracker.set_rate(now.ns(), std::round(clamped));
        adj.flags |= kAdjustHasRate;
        adj.rate_ppb = static_cast<std::int64_t>(std::round(clamped));
      }
    }
    // A new correction replaces an unacknowledged older one (the slave's clock moved on). timed
    // waits out acksend before its next round, so there the older one would have been counted
    // as a failure: with a period shorter than the acksend span (5 sends, 6.2 s), it is counted
    // here, or a slave that never acknowledges would never be dropped.
    if (pending_.count(m.slave) != 0) give_up_correction(m.slave, false, out);
    auto& pending = pending_[m.slave];
    pending.msg = adj;
    // A SETTIME sent again later would carry an old time: it goes once, and a lost one counts
    // as a failure (the next round measures the slave afresh).
    pending.sends = set_time ? config_.ack_tries : 1;
    pending.wait = config_.ack_timeout;
    out.send(m.slave, adj);
    out.set_timer(ack_timer(m.slave), pending.wait);
  }
  // What each slave measured read: the clock guard weighs a large start-up correction of the
  // master's own clock against them.
  out.consulted(static_cast<std::uint32_t>(round_slaves_.size()));
  for (const auto& m : measured_) out.witness(m.slave, Duration::from_ns(m.delta_ns));
  // Applied even when it rounds to 0, as a slave applies its own (on_adjust): see there.
  out.adjust_clock(Duration::from_ns(own),
                   abs_at_least(own, config_.step_threshold.ns()) ? AdjustMode::kStep : AdjustMode::kSlew,
                   CorrectionSource{membership_.self, round_});
  ++rounds_completed_;
  in_round_ = false;
  out.note(Note(NoteWhat::kRoundComplete).with_round(round_).with_count(measured_.size(), round_slaves_.size()).with_value_ns(avg));
  drop_lost_hosts(out);
  const Duration elapsed = now - round_start_;
  out.set_timer(kRoundTimer, std::max(Duration::zero(), config_.period - elapsed));
}

void Berkeley::on_ack(NodeId from, const Message& msg, Effects& out) {
  auto it = pending_.find(from);
  if (it == pending_.end() || it->second.msg.seq != msg.seq) return;  // acksend: wrong seq ignored
  pending_.erase(it);
  out.cancel_timer(ack_timer(from));
}

void Berkeley::on_ack_timer(NodeId slave, Effects& out) {
  auto it = pending_.find(slave);
  if (it == pending_.end() || role_ != Role::kMaster) return;
  PendingAdjust& p = it->second;
  if (p.sends < config_.ack_tries) {
    // acksend: resend, the wait doubles (200, 400, 800, 1600, 3200 ms).
    ++p.sends;
    p.wait = p.wait * 2;
    out.send(slave, p.msg);
    out.set_timer(ack_timer(slave), p.wait);
    return;
  }
  give_up_correction(slave, !in_round_, out);
}

void Berkeley::give_up_correction(NodeId slave, bool drop_now, Effects& out) {
  out.note(Note(NoteWhat::kCorrectionUnacknowledged).with_peer(slave));
  pending_.erase(slave);
  out.cancel_timer(ack_timer(slave));
  // Whether it applied the correction is unknown, so its rate bookkeeping no longer holds.
  if (auto r = rates_.find(slave); r != rates_.end()) r->second.reset();
  count_failure(slave, drop_now, out);
}

void Berkeley::count_failure(NodeId slave, bool drop_now, Effects& out) {
  auto it = hosts_.find(slave);
  if (it == hosts_.end()) return;
  ++it->second;
  if (drop_now) drop_lost_hosts(out);
}

void Berkeley::drop_lost_hosts(Effects& out) {
  if (config_.lost_host_rounds <= 0) return;
  const auto limit = static_cast<std::uint64_t>(config_.lost_host_rounds);
  for (auto it = hosts_.begin(); it != hosts_.end();) {
    if (it->second < limit) {
      ++it;
      continue;
    }
    // LOSTHOST: no longer measured or corrected until it announces itself again.
    out.note(Note(NoteWhat::kHostDropped).with_peer(it->first).with_round(round_).with_count(it->second));
    if (auto p = pending_.find(it->first); p != pending_.end()) {
      out.cancel_timer(ack_timer(it->first));
      pending_.erase(p);
    }
    rates_.erase(it->first);
    it = hosts_.erase(it);
  }
}

void Berkeley::on_slave_up(NodeId from, Effects& out) {
  if (role_ != Role::kMaster || from == membership_.self) return;
  if (membership_.members && !std::binary_search(membership_.members->begin(), membership_.members->end(), from)) return;
  const auto [it, added] = hosts_.try_emplace(from, 0);
  if (added) {
    out.note(Note(NoteWhat::kHostAdded).with_peer(from));
  } else {
    it->second = std::min<std::uint32_t>(it->second, 1);  // addmach: a known host keeps one failure
  }
}

void Berkeley::on_quit(LocalTime now, NodeId from, Effects& out) {
  // Only without an election: a stack routes QUIT to its election, which owns the role.
  if (role_ != Role::kMaster || from == membership_.self) return;
  if (!config_.trusts(from) && untrusted_quits_ == 0) {
    // timed's doquit: an untrusted QUIT is answered with QUIT once; a second one is obeyed.
    ++untrusted_quits_;
    out.note(Note(NoteWhat::kQuitSuppressed).with_peer(from));
    Message q = make_message(MsgType::kQuit, next_seq());
    q.flags = kQuitUntrusted;
    q.subject = membership_.self;
    out.send(from, q);
    return;
  }
  out.note(Note(NoteWhat::kQuitObeyed).with_peer(from));
  follow(kNoNode, now, out);
}

std::vector<NodeId> Berkeley::host_table() const {
  std::vector<NodeId> ids;
  ids.reserve(hosts_.size());
  for (const auto& [id, failures] : hosts_) ids.push_back(id);
  return ids;
}

// ---- slave --------------------------------------------------------------------------------

void Berkeley::on_adjust(LocalTime now, NodeId from, const Message& msg, Effects& out) {
  if (role_ == Role::kMaster) return;  // two masters: the election's business, not ours
  if (!config_.trusts(from)) {
    // timed's suppress(): no ACK, nothing applied, and the sender is told to step down.
    out.note(Note(NoteWhat::kUntrustedMaster).with_peer(from).with_round(msg.term));
    Message q = make_message(MsgType::kQuit, next_seq());
    q.flags = kQuitUntrusted;
    q.subject = membership_.self;
    out.send(from, q);
    return;
  }
  // Only from the master this node follows (timed's slave takes ADJTIME and SETTIME only while it
  // is a slave, from its master): a node that knows no master yet (before the election has
  // spoken, or just restarted) takes no correction from anyone, so one member's key cannot set a
  // whole cluster while it looks for its master. No ACK: the master retries, and its probes
  // meanwhile let the election adopt it.
  if (master_ == kNoNode || from != master_) return;
  // Honest masters clamp what they send to max_rate_correction_ppm, which the cluster shares: a
  // larger rate is a lying or broken master, and could stop this clock. Nothing of it is applied,
  // and no ACK tells the master it was.
  if (msg.type == MsgType::kAdjust && (msg.flags & kAdjustHasRate) != 0 && !rate_acceptable(msg.rate_ppb)) {
    out.note(Note(NoteWhat::kRateRefused).with_peer(from).with_value_ns(msg.rate_ppb));
    return;
  }
  Message ack = make_message(MsgType::kAck, msg.seq);
  ack.term = msg.term;
  out.send(from, ack);  // always ACK, also a duplicate: the first ACK may have been lost
  arm_slave_timeout(out);
  // Apply each round's correction once: a duplicate or a reordered older round is ignored.
  if (from == last_adjust_from_ && msg.term <= last_adjust_term_) return;
  if (const auto a = answered_.find(from); a != answered_.end()) {
    // Measured on a clock that has moved since (or superseded by a newer measurement): stale.
    const bool stale = a->second.term > msg.term ||
                       (a->second.term == msg.term && a->second.corrections != corrections_applied_);
    if (stale) {
      out.note(Note(NoteWhat::kStaleCorrection).with_round(msg.term).with_peer(from));
      return;
    }
  }
  last_adjust_from_ = from;
  last_adjust_term_ = msg.term;
  ++corrections_applied_;
  // SETTIME carries the master's time: the correction is the difference from this clock
  // (applied like any other: stepped at or above step_threshold, slewed below).
  const std::int64_t corr = msg.type == MsgType::kSetTime ? sat_sub(msg.value_ns, now.ns()) : msg.value_ns;
  // A correction that rounds to 0 is applied too: it is this round's answer (the clock is where
  // the round wants it), so it replaces what is left of an older slew, as adjtime(0) does, and
  // the round has taken effect on this clock (what the warm-up and the bound wait for).
  const bool step = abs_at_least(corr, config_.step_threshold.ns());
  // Its master is a slave's one source: the clock guard lets no lone source step the clock beyond
  // the panic threshold at start-up unless limits.startup_quorum is 1.
  out.consulted(1);
  out.witness(from, Duration::from_ns(corr));
  out.adjust_clock(Duration::from_ns(corr), step ? AdjustMode::kStep : AdjustMode::kSlew, CorrectionSource{from, msg.term});
  if (msg.type == MsgType::kAdjust && (msg.flags & kAdjustHasRate) != 0) {
    out.set_rate_correction_ppm(static_cast<double>(msg.rate_ppb) * 1e-3);
  }
}

bool Berkeley::rate_acceptable(std::int64_t rate_ppb) const {
  // An honest master sends round(clamp(fit, ±limit)), which is within ±round(limit).
  return std::fabs(static_cast<double>(rate_ppb)) <= std::round(config_.max_rate_correction_ppm * 1000.0);
}

void Berkeley::arm_slave_timeout(Effects& out) {
  if (role_ == Role::kSlave && master_ != kNoNode) out.set_timer(kSlaveTimeoutTimer, config_.effective_slave_timeout());
}

void Berkeley::answer_time_request(LocalTime now, NodeId from, const Message& msg, Effects& out) {
  // Terms only grow within one incarnation of a master: a smaller one means it restarted (and
  // counts from 1 again), so its earlier terms say nothing about the new ones.
  if (from == last_adjust_from_ && msg.term < last_adjust_term_) {
    last_adjust_from_ = kNoNode;
    last_adjust_term_ = 0;
  }
  answered_[from] = Answered{msg.term, corrections_applied_};
  // Like an ICMP timestamp reply: the receive and transmit stamps are the same reading here,
  // because a sans-IO step takes no time on the node's clock.
  Message r = make_message(MsgType::kTimeReply, msg.seq);
  r.term = msg.term;
  r.t1_ns = msg.t1_ns;
  r.t2_ns = now.ns();
  r.t3_ns = now.ns();
  out.send(from, r);
}

}  // namespace clocksim::berkeley
