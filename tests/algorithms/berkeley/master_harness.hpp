// Drives a Berkeley master through whole rounds against scripted slaves, without a simulator:
// each slave is an offset from the master's clock plus a forward and backward delay per probe.
// Time is the master's local clock; a slave's reading is master time + its offset.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "algorithms/berkeley/berkeley.hpp"

namespace clocksim::berkeley::testing {

struct ScriptedSlave {
  std::int64_t offset_ns = 0;  // slave − master
  // Delays of the k-th probe (0-based); nullopt: the reply is lost.
  std::function<std::optional<std::pair<Duration, Duration>>(int probe)> delays =
      [](int) { return std::make_optional(std::make_pair(Duration::zero(), Duration::zero())); };
  // Whether it acknowledges the round's correction (timed's ACK), at once.
  bool acks = true;
};

struct RoundResult {
  std::map<NodeId, Message> adjusts;          // first kAdjust (or kSetTime) sent to each slave
  std::vector<ClockEffect> own_clock;         // the master's own adjustments
  Evidence evidence;                          // what the last of them rests on
  std::vector<Note> notes;
  std::map<NodeId, int> probes_sent;
  LocalTime end;
  std::optional<Duration> next_round;  // the round timer armed at the end
};

inline std::shared_ptr<const std::vector<NodeId>> members_of(NodeId n) {
  auto v = std::make_shared<std::vector<NodeId>>();
  for (NodeId i = 0; i < n; ++i) v->push_back(i);
  return v;
}

// Runs the master from `now` until its round completes (it sends its corrections). The master
// must already be leading (or be started by `kick`). A slave that `acks` acknowledges its
// correction at the round's end.
inline RoundResult run_round(Berkeley& master, LocalTime now, std::map<NodeId, ScriptedSlave>& slaves,
                             const std::function<void(Effects&)>& kick) {
  RoundResult r;
  Effects out;
  kick(out);
  const std::uint32_t rounds_before = master.rounds_completed();
  // Pending deliveries to the master: (arrival time, from, message); and a probe timer.
  std::multimap<std::int64_t, std::pair<NodeId, Message>> inbox;
  std::optional<LocalTime> probe_deadline;
  for (int guard = 0; guard < 100000; ++guard) {
    for (const auto& s : out.sends()) {
      if (s.msg.type == MsgType::kTimeRequest) {
        const int k = r.probes_sent[s.to]++;
        auto& slave = slaves.at(s.to);
        const auto d = slave.delays(k);
        if (d) {
          Message reply = make_message(MsgType::kTimeReply, s.msg.seq);
          reply.term = s.msg.term;
          reply.t1_ns = s.msg.t1_ns;
          reply.t2_ns = s.msg.t1_ns + d->first.ns() + slave.offset_ns;
          reply.t3_ns = reply.t2_ns;
          inbox.emplace(now.ns() + (d->first + d->second).ns(), std::make_pair(s.to, reply));
        }
      } else if (s.msg.type == MsgType::kAdjust || s.msg.type == MsgType::kSetTime) {
        r.adjusts.try_emplace(s.to, s.msg);
      }
    }
    for (const auto& t : out.timers()) {
      if (t.id == kRoundTimer && !t.cancel) r.next_round = t.after;
      if (t.id == kProbeTimer) probe_deadline = t.cancel ? std::nullopt : std::make_optional(now + t.after);
    }
    for (const auto& c : out.clock()) r.own_clock.push_back(c);
    if (!out.clock().empty()) r.evidence = out.evidence();
    for (const auto& n : out.notes()) r.notes.push_back(n);
    out.clear();
    if (master.rounds_completed() > rounds_before) break;
    // Next event: the earliest reply, or the probe timer (replies first on a tie).
    const bool have_reply = !inbox.empty();
    if (have_reply && (!probe_deadline || inbox.begin()->first <= probe_deadline->ns())) {
      auto it = inbox.begin();
      now = LocalTime::from_ns(it->first);
      const auto [from, msg] = it->second;
      inbox.erase(it);
      master.on_message(now, from, msg, out);
    } else if (probe_deadline) {
      now = *probe_deadline;
      probe_deadline.reset();
      master.on_timer(now, kProbeTimer, out);
    } else {
      break;  // stuck: the test will notice
    }
  }
  for (const auto& [to, adj] : r.adjusts) {
    if (!slaves.at(to).acks) continue;
    master.on_message(now, to, make_message(MsgType::kAck, adj.seq), out);
    for (const auto& n : out.notes()) r.notes.push_back(n);
    out.clear();
  }
  r.end = now;
  return r;
}

inline int count_notes(const std::vector<Note>& notes, EventKind kind) {
  int n = 0;
  for (const auto& note : notes) n += note.kind() == kind ? 1 : 0;
  return n;
}

}  // namespace clocksim::berkeley::testing
