// Berkeley clock synchronization as 4.3BSD timed does it (Gusella & Zatti, "The Berkeley UNIX
// Time Synchronization Protocol"; master.c, measure.c, networkdelta.c, correct.c, acksend.c),
// as a sans-IO SyncLayer.
//
// Master, every `period`: measure every other member in turn with up to `probes` time requests
// (measurement.hpp), count itself with delta 0, form the network delta (network_delta.hpp), send
// each slave the *relative* correction avg − delta_i (kAdjust, ACKed and retried like acksend:
// 200 ms doubling, 5 sends) and apply its own avg. Slaves slew small corrections and step large
// ones (>= step_threshold, timed's MAXADJ). Optional frequency correction (rate_fit.hpp).
//
// Host table (timed 4.4 master.c): the master measures and corrects the slaves in its table,
// which holds every other member when it starts leading. A failed measurement or an
// unacknowledged correction counts against a slave; after `lost_host_rounds` of them it is
// dropped (LOSTHOST) until it announces itself with SLAVEUP (the election's, or its own when it
// has heard nothing from its master for the slave timeout). A correction of at least
// `settime_threshold` goes out as SETTIME, the master's corrected time (4.4 correct.c).
// Trust (timed -F): a slave refuses corrections from a node outside `trusted` and answers QUIT.
//
// Composition: an election calls lead()/follow(); with no election named, the static election
// (algorithms/election/static) names the master.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "algorithms/berkeley/config.hpp"
#include "algorithms/berkeley/measurement.hpp"
#include "algorithms/berkeley/rate_fit.hpp"
#include "algorithms/core/algorithm.hpp"
#include "algorithms/core/layers.hpp"

namespace clocksim::berkeley {

// Message::flags bit of kAdjust: rate_ppb carries a frequency correction.
inline constexpr std::uint16_t kAdjustHasRate = 1;

// Timer ids (TimerSpace part kSyncTimerPart).
inline constexpr TimerId kRoundTimer = TimerSpace::make(kSyncTimerPart, 1);
inline constexpr TimerId kProbeTimer = TimerSpace::make(kSyncTimerPart, 2);
inline constexpr TimerId kSlaveTimeoutTimer = TimerSpace::make(kSyncTimerPart, 3);
// One ACK timer per slave: local id kAckTimerBase | slave id (slave ids below 2^23).
inline constexpr std::uint32_t kAckTimerBase = 0x800000;
constexpr TimerId ack_timer(NodeId slave) { return TimerSpace::make(kSyncTimerPart, kAckTimerBase | slave); }

class Berkeley final : public SyncLayer {
 public:
  Berkeley(Membership membership, BerkeleyConfig config, std::uint64_t seed);

  void on_start(LocalTime now, Effects& out) override;
  void on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) override;
  void on_timer(LocalTime now, TimerId id, Effects& out) override;
  void lead(LocalTime now, Effects& out) override;
  void follow(NodeId master, LocalTime now, Effects& out) override;
  bool is_master_activity(NodeId from, const Message& msg) const override;
  bool hears_election_message(MsgType type) const override { return type == MsgType::kSlaveUp; }
  Role role() const override { return role_; }
  NodeId self() const { return membership_.self; }
  NodeId believed_master() const override { return master_; }

  // For tests and traces.
  std::uint32_t rounds_completed() const { return rounds_completed_; }
  bool round_in_progress() const { return in_round_; }
  // The network delta of the last completed round (ns), before quantisation.
  std::int64_t last_average_ns() const { return last_avg_ns_; }
  // The master's host table: the slaves it measures.
  std::vector<NodeId> host_table() const;

 private:
  struct Probe {
    std::uint32_t seq;
    LocalTime sent;
    bool answered;
  };
  struct Measuring {
    NodeId slave = kNoNode;
    LocalTime started;
    std::vector<Probe> probes;
    OffsetEstimator estimator{MeasurementMethod::kTimed, true};
  };
  struct Measured {
    NodeId slave;
    std::int64_t delta_ns;
  };
  struct PendingAdjust {
    Message msg;
    std::int64_t sends = 0;
    Duration wait;
  };

  // Master.
  void start_round(LocalTime now, Effects& out);
  void measure_next_slave(LocalTime now, Effects& out);
  void send_probe(LocalTime now, Effects& out);
  void finish_slave(LocalTime now, Effects& out);
  void finish_round(LocalTime now, Effects& out);
  void on_time_reply(LocalTime now, NodeId from, const Message& msg, Effects& out);
  void on_ack(NodeId from, const Message& msg, Effects& out);
  void on_ack_timer(NodeId slave, Effects& out);
  void stop_mastering(Effects& out);
  void count_failure(NodeId slave, bool drop_now, Effects& out);
  // A correction `slave` never acknowledged: noted, forgotten, and one failure.
  void give_up_correction(NodeId slave, bool drop_now, Effects& out);
  void drop_lost_hosts(Effects& out);
  void on_slave_up(NodeId from, Effects& out);
  void on_quit(LocalTime now, NodeId from, Effects& out);
  // Slave.
  void on_adjust(LocalTime now, NodeId from, const Message& msg, Effects& out);
  void arm_slave_timeout(Effects& out);
  bool rate_acceptable(std::int64_t rate_ppb) const;
  // Any role.
  void answer_time_request(LocalTime now, NodeId from, const Message& msg, Effects& out);
  std::uint32_t next_seq() { return seq_++; }

  Membership membership_;
  BerkeleyConfig config_;
  Role role_ = Role::kNone;
  NodeId master_ = kNoNode;
  std::uint32_t seq_;

  // Master state.
  bool in_round_ = false;
  std::uint32_t round_ = 0;  // term of the round in progress / last started
  std::uint32_t rounds_completed_ = 0;
  LocalTime round_start_;
  std::vector<NodeId> round_slaves_;
  std::size_t slave_index_ = 0;
  Measuring measuring_;
  std::vector<Measured> measured_;
  std::map<NodeId, PendingAdjust> pending_;  // ordered: deterministic iteration
  std::map<NodeId, RateTracker> rates_;
  std::int64_t last_avg_ns_ = 0;
  // The host table: each slave and how often it failed (timed's noanswer).
  std::map<NodeId, std::uint32_t> hosts_;  // ordered: slaves measured in ascending id
  std::uint32_t untrusted_quits_ = 0;      // QUITs from untrusted nodes (timed's quit_count)

  // Slave state: the last correction applied, for duplicates and reordering.
  NodeId last_adjust_from_ = kNoNode;
  std::uint32_t last_adjust_term_ = 0;
  // The last measurement each master made of this clock (the term of the time request answered
  // and how many corrections had been applied by then). A correction is only valid for the clock
  // it was measured on: once another correction has moved the clock since, applying it would
  // count that move twice (two masters during a conflict; a retransmitted older round).
  struct Answered {
    std::uint32_t term = 0;
    std::uint64_t corrections = 0;
  };
  std::map<NodeId, Answered> answered_;  // ordered: deterministic; one entry per master seen
  std::uint64_t corrections_applied_ = 0;
};

}  // namespace clocksim::berkeley
