// Leader liveness, the skeleton every leader election shares (Bully, Ring, TSP, standby): the
// leader's periodic heartbeat, the follower's failure timer and the last sign of life it had
// from its leader, LEAVE on a graceful shutdown, and the set of nodes that said LEAVE.
//
// An election owns one as a member and keeps its own states and rules; it calls in here for the
// mechanics, so that what a heartbeat, a failure timeout or a LEAVE is, and when a node that
// left counts as gone, is written once. Each election names the notes it speaks with (Words):
// Bully says "coordinator", the others "master".
#pragma once

#include <cstdint>
#include <map>

#include "algorithms/core/effects.hpp"
#include "algorithms/core/ids.hpp"
#include "algorithms/core/layers.hpp"
#include "algorithms/core/message.hpp"
#include "algorithms/core/note.hpp"
#include "algorithms/core/time.hpp"

namespace clocksim::election {

class Liveness {
 public:
  struct Setup {
    std::uint32_t heartbeat_timer = 0;  // local ids in TimerSpace part kElectionTimerPart
    std::uint32_t failure_timer = 0;
    Duration heartbeat_period;          // zero: this election sends no heartbeats (TSP)
    Duration failure_timeout;           // the usual wait before a silent leader counts as failed
  };
  // The notes a silent leader and a LEAVE are reported with.
  struct Words {
    NoteWhat nobody_heard;   // no leader known, none heard for the wait (value: the wait)
    NoteWhat leader_silent;  // the leader (subject) silent for the wait (value: the wait)
    NoteWhat leave_sent;     // this leader said LEAVE on its way out
  };

  Liveness(NodeId self, Setup setup, Words words) : self_(self), setup_(setup), words_(words) {}

  // ---- the leader -------------------------------------------------------------------------
  // kHeartbeat naming this node, carrying the election's number for its leadership.
  Message heartbeat(std::uint32_t term) const;
  // Broadcasts `hb` and schedules the next beat a period later.
  void beat(const Message& hb, Effects& out) const;
  void schedule_beat(Effects& out) const { out.set_timer(timer(setup_.heartbeat_timer), setup_.heartbeat_period); }
  void stop_beating(Effects& out) const { out.cancel_timer(timer(setup_.heartbeat_timer)); }

  // ---- a follower -------------------------------------------------------------------------
  // (Re)arms the failure timer: the leader counts as failed after `wait` without a sign of life.
  void watch(Effects& out) const { watch(setup_.failure_timeout, out); }
  void watch(Duration wait, Effects& out) const { out.set_timer(timer(setup_.failure_timer), wait); }
  void unwatch(Effects& out) const { out.cancel_timer(timer(setup_.failure_timer)); }
  // The leader was heard (or adopted) at `now`.
  void heard(LocalTime now) { last_heard_ = now; }
  Duration silence(LocalTime now) const { return now - last_heard_; }
  // The note for a failure timer that fired after `wait`: nobody heard, or `leader` silent.
  Note silence_note(NodeId leader, Duration wait) const;
  Duration failure_timeout() const { return setup_.failure_timeout; }

  enum class Fired : std::uint8_t { kOther, kHeartbeat, kFailure };
  Fired fired(TimerId id) const;

  // ---- shutdown ---------------------------------------------------------------------------
  // A leader says LEAVE (subject = itself, `term`) so that its followers elect at once instead of
  // waiting out their failure timers; a follower leaves quietly.
  void leave(bool leading, std::uint32_t term, Effects& out) const;

  // ---- nodes that said LEAVE --------------------------------------------------------------
  // Whoever says LEAVE is going away, whether or not it leads this node: another node's message
  // may overtake the leader's LEAVE. It counts as gone until it is heard taking part again.
  void depart(NodeId id, LocalTime now) { departed_[id] = now; }
  bool departed(NodeId id) const { return departed_.count(id) != 0; }
  // Whether a heartbeat from departed `id` arriving at `now` was sent after its LEAVE: one sent
  // before it arrives within a message delay (at most `max_delay`) of the LEAVE, so one arriving
  // later comes from the node back up. Its claim (an ELECTION, a COORDINATOR, an ELECTED) may
  // have been lost, say in a partition, and a leader claims only once: without this, a node
  // that heard the LEAVE would ignore the returned leader for good.
  bool beats_after_leaving(NodeId id, LocalTime now, Duration max_delay) const {
    const auto it = departed_.find(id);
    return it != departed_.end() && now - it->second > max_delay;
  }
  // `id` is heard taking part again; true when it had departed.
  bool revive(NodeId id) { return departed_.erase(id) != 0; }

 private:
  static TimerId timer(std::uint32_t local) { return TimerSpace::make(kElectionTimerPart, local); }

  NodeId self_;
  Setup setup_;
  Words words_;
  LocalTime last_heard_;
  std::map<NodeId, LocalTime> departed_;  // and when its LEAVE arrived
};

}  // namespace clocksim::election
